import type { AuthErrorCode } from '@revoke/auth';
import type { TokenContext } from '../harness/token-context.ts';

/** A hostile token: what it is, how to build it, and the reason code every service must answer. */
export type TokenCase = [name: string, build: (c: TokenContext) => string, reason: AuthErrorCode];

/** The signature segment of a compact JWS. */
export const sig = (token: string) => token.split('.')[2] ?? '';
/** 64 zero bytes: a signature of the right length that signs nothing. */
export const ZERO_SIG = 'A'.repeat(86);
export const YEAR = 365 * 86_400;
export const now = () => Math.floor(Date.now() / 1000);
