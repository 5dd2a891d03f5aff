import { hash as argon2Hash, verify as argon2Verify, parseOptions } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import {
  ARGON2_OPTIONS,
  type Argon2Functions,
  createPasswordHasher,
  DUMMY_PASSWORD_HASH,
  MAX_PASSWORD_LENGTH,
} from './passwords.ts';

/** The real argon2, recording which hashes `verify` was asked about. */
function recordingArgon2() {
  const verified: string[] = [];
  const argon2: Argon2Functions = {
    hash: argon2Hash,
    verify: (hashed, password) => {
      verified.push(hashed);
      return argon2Verify(hashed, password);
    },
  };
  return { argon2, verified };
}

describe('passwords', () => {
  const passwords = createPasswordHasher();

  it('hashes with argon2id and the OWASP parameters (m=19456 KiB, t=2, p=1), salted', async () => {
    const hashed = await passwords.hash('correct horse battery staple');
    expect(hashed).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(parseOptions(hashed)).toMatchObject({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    expect(await passwords.hash('correct horse battery staple')).not.toBe(hashed);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const hashed = await passwords.hash('correct horse battery staple');
    expect(await passwords.verify(hashed, 'correct horse battery staple')).toBe(true);
    expect(await passwords.verify(hashed, 'correct horse battery stapl')).toBe(false);
    expect(await passwords.verify(hashed, 'Correct horse battery staple')).toBe(false);
  });

  it('matches the same password typed as composed or decomposed Unicode (NFKC)', async () => {
    const hashed = await passwords.hash('mot de passe \u00e9t\u00e9');
    expect(await passwords.verify(hashed, 'mot de passe e\u0301te\u0301')).toBe(true);
  });

  it('an unknown user still costs one argon2 verification, against the dummy hash, and is refused', async () => {
    const { argon2, verified } = recordingArgon2();
    const recorded = createPasswordHasher({ argon2 });
    expect(await recorded.verify(undefined, 'any password at all')).toBe(false);
    expect(verified).toEqual([DUMMY_PASSWORD_HASH]);
  });

  it('the dummy hash has the same parameters as real hashes, so it costs the same', () => {
    const dummy = parseOptions(DUMMY_PASSWORD_HASH);
    expect(DUMMY_PASSWORD_HASH.startsWith('$argon2id$')).toBe(true);
    expect(dummy).toMatchObject({
      memoryCost: ARGON2_OPTIONS.memoryCost,
      timeCost: ARGON2_OPTIONS.timeCost,
      parallelism: ARGON2_OPTIONS.parallelism,
      outputLen: 32,
      saltLen: 16,
    });
  });

  it('refuses to hash a password outside 8..1024 characters, and never hands a huge one to argon2', async () => {
    await expect(passwords.hash('short')).rejects.toThrow(RangeError);
    await expect(passwords.hash('x'.repeat(MAX_PASSWORD_LENGTH + 1))).rejects.toThrow(RangeError);
    const { argon2, verified } = recordingArgon2();
    const recorded = createPasswordHasher({ argon2 });
    const hashed = await recorded.hash('x'.repeat(MAX_PASSWORD_LENGTH));
    expect(await recorded.verify(hashed, 'x'.repeat(MAX_PASSWORD_LENGTH))).toBe(true);
    expect(await recorded.verify(hashed, 'x'.repeat(1024 * 1024))).toBe(false);
    expect(verified).toHaveLength(1);
  });
});
