export {
  ACCESS_TOKEN_COOKIE,
  accessTokenCookieName,
  SECURE_ACCESS_TOKEN_COOKIE,
  secureCookiesByDefault,
} from './cookie-names.ts';
export {
  CSRF_HEADER,
  chooseCandidate,
  cookieValuesOf,
  credentialFromHeaders,
  type HeaderSource,
  MAX_COOKIE_CANDIDATES,
  type PresentedCredential,
  passesCsrfCheck,
  presentedCredential,
  SERVICE_TOKEN_HEADER,
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
