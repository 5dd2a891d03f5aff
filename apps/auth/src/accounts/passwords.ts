import type { Algorithm, Options } from '@node-rs/argon2';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '@revoke/contract';

// The limits are the credentials schema's (shared with the web client's sign-up form).
export { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '@revoke/contract';

// `Algorithm` is an ambient const enum, which isolatedModules cannot read at runtime: its value
// is spelled out, and the test checks it produces `$argon2id$` hashes.
const ARGON2ID = 2 as Algorithm.Argon2id;

/** OWASP Password Storage Cheat Sheet, argon2id: m = 19 MiB, t = 2, p = 1. */
export const ARGON2_OPTIONS: Readonly<Options> = Object.freeze({
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
});

/**
 * Verified when the user does not exist, so an unknown e-mail costs one argon2 verification like a
 * wrong password does, and timing does not tell which it was. Same parameters as
 * {@link ARGON2_OPTIONS} (checked by a test); nobody knows its password, and the result is ignored
 * anyway (its password was 32 random bytes, discarded). A constant rather than computed at start: no startup cost, and no slow first request.
 */
export const DUMMY_PASSWORD_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$oVYH+7GASFXArKm0/eRwUA$OI8Ro+oR4KLQKQp/aLJCS2DLC0AJb7TjdM1UPwnpMFQ';

/** The two argon2 functions used; injectable so tests can observe the calls. */
export interface Argon2Functions {
  hash(password: string, options: Options): Promise<string>;
  verify(hashed: string, password: string): Promise<boolean>;
}

/** Hashes and checks passwords with argon2id. */
export interface PasswordHasher {
  /** An argon2id PHC string. Throws a RangeError outside {@link MIN_PASSWORD_LENGTH}..{@link MAX_PASSWORD_LENGTH}. */
  hash(password: string): Promise<string>;
  /**
   * True when `password` matches `hash`. With `hash` undefined (unknown user) it still runs one
   * verification, against {@link DUMMY_PASSWORD_HASH}, and returns false.
   */
  verify(hash: string | undefined, password: string): Promise<boolean>;
}

function normalise(password: string): string {
  // NIST SP 800-63B §5.1.1.2: normalise Unicode so the same password typed on two keyboards
  // (composed é versus e + combining accent) matches. Done here, so every caller agrees.
  return password.normalize('NFKC');
}

/** Builds a {@link PasswordHasher}; `argon2` defaults to `@node-rs/argon2`. */
export function createPasswordHasher(options: { argon2?: Argon2Functions } = {}): PasswordHasher {
  const argon2 = options.argon2 ?? { hash: argon2Hash, verify: argon2Verify };
  return {
    hash(password) {
      if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
        return Promise.reject(
          new RangeError(`password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`),
        );
      }
      return argon2.hash(normalise(password), ARGON2_OPTIONS);
    },
    async verify(hash, password) {
      // Over-long input never reaches argon2; the schema refuses it before, so no timing matters here.
      if (password.length > MAX_PASSWORD_LENGTH) return false;
      if (hash === undefined) {
        await argon2.verify(DUMMY_PASSWORD_HASH, normalise(password));
        return false;
      }
      return argon2.verify(hash, normalise(password));
    },
  };
}
