import { describe, expect, it } from 'vitest';
import { hashRefreshToken, newRefreshToken } from './refresh-token.ts';
import { openSuccessor, sealSuccessor } from './successor-seal.ts';

const token = newRefreshToken();
const successor = newRefreshToken();

/** The seal with one byte of its decoded form XOR-ed, re-encoded. */
function flipByte(sealed: string, index: number): string {
  const bytes = Buffer.from(sealed.slice('v1.'.length), 'base64url');
  bytes[index] = (bytes[index] ?? 0) ^ 0x01;
  return `v1.${bytes.toString('base64url')}`;
}

describe('successor seal', () => {
  it('opens with the token it was sealed for', () => {
    expect(openSuccessor(token, sealSuccessor(token, successor))).toBe(successor);
  });

  it('does not contain the successor, and a random IV makes two seals of one pair differ', () => {
    const [a, b] = [sealSuccessor(token, successor), sealSuccessor(token, successor)];
    expect(a).not.toBe(b);
    expect(a).not.toContain(successor);
    expect(openSuccessor(token, b)).toBe(successor);
  });

  it('does not open with another token, the successor itself, or what the database holds', () => {
    const sealed = sealSuccessor(token, successor);
    const lastCharChanged = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const other of [newRefreshToken(), successor, hashRefreshToken(token), lastCharChanged]) {
      expect(openSuccessor(other, sealed)).toBeUndefined();
    }
  });

  it('refuses a seal with any single byte altered (IV, ciphertext or tag)', () => {
    const sealed = sealSuccessor(token, successor);
    const length = Buffer.from(sealed.slice(3), 'base64url').length;
    // 12 IV + 43 ciphertext + 16 tag.
    expect(length).toBe(71);
    for (let index = 0; index < length; index++) {
      expect(openSuccessor(token, flipByte(sealed, index)), `byte ${index}`).toBeUndefined();
    }
  });

  it.each([
    ['empty', ''],
    ['another version', () => `v2.${sealSuccessor(token, successor).slice(3)}`],
    ['no version', () => sealSuccessor(token, successor).slice(3)],
    ['an extra segment', () => `${sealSuccessor(token, successor)}.x`],
    ['truncated to the IV and tag', () => `v1.${Buffer.alloc(28).toString('base64url')}`],
    ['not base64url', 'v1.%%%%'],
  ])('refuses %s without throwing', (_name, input) => {
    const sealed = typeof input === 'function' ? input() : input;
    expect(openSuccessor(token, sealed)).toBeUndefined();
  });
});
