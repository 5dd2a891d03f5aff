/** Access-token verification (docs/architecture.md, "Tokens"): key sources and the verifier. */
export type { KeySource, RemoteKeysOptions } from './key-source.ts';
export { localKeys, remoteKeys } from './key-source.ts';
export type { TokenVerifier, TokenVerifierOptions } from './verify-token.ts';
export { createTokenVerifier } from './verify-token.ts';
