export {
  ACCESS_TOKEN_COOKIE,
  accessTokenCookieName,
  CSRF_HEADER,
  chooseCandidate,
  cookieValuesOf,
  credentialFromHeaders,
  type HeaderSource,
  MAX_COOKIE_CANDIDATES,
  type PresentedCredential,
  passesCsrfCheck,
  presentedCredential,
  SECURE_ACCESS_TOKEN_COOKIE,
  SERVICE_TOKEN_HEADER,
  secureCookiesByDefault,
  serviceCredentialFromHeaders,
} from './credentials.ts';
export { createInternalProcedure, type InternalProcedureOptions } from './internal.ts';
export {
  type AuthProcedureCall,
  type AuthProcedureOptions,
  authReasonOf,
  createAuthProcedure,
} from './procedure.ts';
export { toTRPCError } from './trpc-error.ts';
