export {
  ACCESS_TOKEN_COOKIE,
  CSRF_HEADER,
  credentialFromHeaders,
  type HeaderSource,
  type PresentedCredential,
  passesCsrfCheck,
  presentedCredential,
  SERVICE_TOKEN_HEADER,
  serviceCredentialFromHeaders,
} from './credentials.ts';
export {
  type AuthContext,
  type AuthMeta,
  type AuthTRPCOptions,
  assertCsrf,
  createAuthContext,
  createAuthTRPC,
  type InternalCalls,
  toTRPCError,
} from './init.ts';
