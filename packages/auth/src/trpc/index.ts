export { ACCESS_TOKEN_COOKIE, credentialFromHeaders, type HeaderSource } from './credentials.ts';
export { type AuthContext, type AuthMeta, createAuthContext, createAuthTRPC, toTRPCError } from './init.ts';
