export {
  ACCESS_TOKEN_COOKIE,
  CSRF_HEADER,
  credentialFromHeaders,
  type HeaderSource,
  type PresentedCredential,
  passesCsrfCheck,
  presentedCredential,
} from './credentials.ts';
export {
  type AuthContext,
  type AuthMeta,
  type AuthTRPCOptions,
  assertCsrf,
  createAuthContext,
  createAuthTRPC,
  toTRPCError,
} from './init.ts';
