import { base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import { gateCompactJws, isCanonicalSegment } from './compact-jws-gate.ts';

const SIG = base64url.encode(new Uint8Array(64).fill(7));
const canonical = (segment: string) => isCanonicalSegment(segment, 0, segment.length);

describe('isCanonicalSegment', () => {
  it('accepts what base64url.encode produces for every length 1..40', () => {
    for (let length = 1; length <= 40; length++) {
      const bytes = crypto.getRandomValues(new Uint8Array(length));
      expect(canonical(base64url.encode(bytes)), `length ${length}`).toBe(true);
    }
  });

  it('rejects a length ≡ 1 mod 4 and the empty segment', () => {
    expect(canonical('A')).toBe(false);
    expect(canonical('AAAAB')).toBe(false);
    expect(canonical('')).toBe(false);
  });

  it('rejects non-zero spare bits: one byte has 4, two bytes have 2', () => {
    expect(canonical('AA')).toBe(true);
    expect(canonical('AQ')).toBe(true); // 0x01: spare bits of 'Q' (16) are zero
    expect(canonical('AB')).toBe(false);
    expect(canonical('AP')).toBe(false);
    expect(canonical('AAA')).toBe(true);
    expect(canonical('AAE')).toBe(true); // 'E' = 4: low 2 bits zero
    expect(canonical('AAB')).toBe(false);
    expect(canonical('AA_')).toBe(false);
  });

  it('checks only the slice it is given', () => {
    expect(isCanonicalSegment('xxAQyy', 2, 4)).toBe(true);
    expect(isCanonicalSegment('xxAByy', 2, 4)).toBe(false);
  });
});

describe('gateCompactJws', () => {
  it('lets a well-formed Ed25519-sized token through', () => {
    expect(gateCompactJws(`eyJh.eyJi.${SIG}`, 8192)).toBeUndefined();
  });

  it('names the failure, for logs', () => {
    expect(gateCompactJws(`eyJh.eyJi.${SIG}`, 50)).toBe('too-large');
    expect(gateCompactJws(`eyJh.eyJi.${SIG}=`, 8192)).toBe('not-compact-jws');
    expect(gateCompactJws(`eyJh..${SIG}`, 8192)).toBe('not-compact-jws');
    expect(gateCompactJws(`eyJh.eyJi.${SIG}AA`, 8192)).toBe('bad-signature-length');
    expect(gateCompactJws(`eyJhA.eyJi.${SIG}`, 8192)).toBe('non-canonical-base64url');
    expect(gateCompactJws(`eyJh.eyJi.${SIG.slice(0, -1)}B`, 8192)).toBe('non-canonical-base64url');
  });
});
