import { createPublicKey, type KeyObject, randomBytes } from 'node:crypto';
import type { JWK } from 'jose';
import { type Account, type Device, signUp } from './accounts.ts';
import { send } from './http.ts';
import { decodeSegment, foreignKey, realSigningKey } from './jws.ts';
import { type Stack, startStack } from './stack.ts';
import { startTrapServer, type TrapServer } from './trap-server.ts';

/** What a hostile-token case may build its token from: what an attacker has, and the test's extras. */
export interface TokenContext {
  stack: Stack;
  /** The user whose identity forged tokens claim; their own token must keep working. */
  victim: Account & Device;
  /** A legitimate user of the fleet: their issued token is raw material for tampering. */
  attacker: Account & Device;
  /** The claims of the victim's token, as any holder can decode them. */
  victimClaims: Record<string, unknown>;
  /** The JWKS the auth app publishes, as fetched. */
  jwksText: string;
  /** Its (only) public key. */
  publicJwk: JWK & { kid: string; x: string };
  /** A key the fleet has never seen, and its public JWK. */
  foreign: KeyObject;
  foreignJwk: JWK;
  /** The auth app's real signing key (from the test's database): for policy-only cases. */
  real: { kid: string; key: KeyObject };
  /** A user the real-key policy tokens claim to be, so that a policy failure spares the victim. */
  insider: Account & Device;
  /** A URL that counts requests: hostile tokens point at it. */
  trap: TrapServer;
  /** `iss` of every real token: the auth app's URL. */
  issuer: string;
  audience: string;
}

/** Signs up the victim, the attacker and the insider, reads the JWKS, starts the trap server. */
export async function createTokenContext(stack: Stack): Promise<TokenContext> {
  const foreign = foreignKey();
  const foreignJwk = createPublicKey(foreign).export({ format: 'jwk' }) as JWK;
  const jwksResponse = await send(`${stack.auth.url}/.well-known/jwks.json`);
  const publicJwk = jwksResponse.body.keys[0];
  const victim = await signUp(stack.auth.url, 'victim');
  return {
    stack,
    victim,
    attacker: await signUp(stack.auth.url, 'attacker'),
    insider: await signUp(stack.auth.url, 'insider'),
    victimClaims: decodeSegment(victim.accessToken, 1),
    jwksText: jwksResponse.text,
    publicJwk,
    foreign,
    foreignJwk,
    real: await realSigningKey(stack),
    // If anything did fetch a `jku`, it would get the foreign key: the forgery would then pass.
    trap: await startTrapServer({ keys: [{ ...foreignJwk, kid: publicJwk.kid, alg: 'EdDSA', use: 'sig' }] }),
    issuer: stack.env.AUTH_URL!,
    audience: 'revoke',
  };
}

/** The header the auth app issues, with `extra` merged in (an `undefined` member is dropped). */
export const headerOf = (c: TokenContext, extra: Record<string, unknown> = {}) => ({
  alg: 'EdDSA',
  typ: 'at+jwt',
  kid: c.real.kid,
  ...extra,
});

/** Fresh, valid claims for the insider (a new `jti`, issued now), with `extra` merged in. */
export function insiderClaims(c: TokenContext, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    ...decodeSegment(c.insider.accessToken, 1),
    jti: randomBytes(16).toString('base64url'),
    iat: now,
    exp: now + 600,
    ...extra,
  };
}

/** The victim's claims (their `sub`, `sid` and `jti`), with `extra` merged in. */
export const victimClaimsWith = (c: TokenContext, extra: Record<string, unknown> = {}) => ({
  ...c.victimClaims,
  ...extra,
});

/** A fresh stack and a token context on it: how every hostile-token file starts. */
export async function startTokenStack(): Promise<TokenContext> {
  const stack = await startStack();
  try {
    return await createTokenContext(stack);
  } catch (error) {
    await stack.close();
    throw error;
  }
}

/** Closes what {@link startTokenStack} started: the trap server, then the stack. */
export async function closeTokenStack(c: TokenContext | undefined): Promise<void> {
  await c?.trap.close();
  await c?.stack.close();
}
