import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ID_BASE64URL, ID_UUID, readId } from './id-codec.ts';

const words = (bytes: Buffer) => [0, 4, 8, 12].map((offset) => bytes.readUInt32BE(offset));

describe('readId', () => {
  it('reads 128-bit base64url ids exactly', () => {
    const out = new Uint32Array(4);
    for (let i = 0; i < 200; i++) {
      const bytes = randomBytes(16);
      expect(readId(bytes.toString('base64url'), out)).toBe(ID_BASE64URL);
      expect([...out]).toEqual(words(bytes));
    }
  });

  it('reads an id after a prefix without a substring', () => {
    const bytes = randomBytes(16);
    const out = new Uint32Array(4);
    expect(readId(`jti:${bytes.toString('base64url')}`, out, 4)).toBe(ID_BASE64URL);
    expect([...out]).toEqual(words(bytes));
    const uuid = randomUUID();
    expect(readId(`sid:${uuid}`, out, 4)).toBe(ID_UUID);
    expect(readId(`sid:${uuid}x`, out, 4)).toBe(0);
  });

  it('reads a UUID in either case as the same id (RFC 9562: hex digits are case-insensitive)', () => {
    const lower = new Uint32Array(4);
    const upper = new Uint32Array(4);
    for (let i = 0; i < 50; i++) {
      const uuid = randomUUID();
      expect(readId(uuid.toUpperCase(), upper)).toBe(ID_UUID);
      readId(uuid, lower);
      expect([...upper]).toEqual([...lower]);
    }
  });

  it('reads lower-case UUIDs exactly', () => {
    const out = new Uint32Array(4);
    for (let i = 0; i < 200; i++) {
      const uuid = randomUUID();
      expect(readId(uuid, out)).toBe(ID_UUID);
      expect([...out]).toEqual(words(Buffer.from(uuid.replaceAll('-', ''), 'hex')));
    }
  });

  it.each([
    ['a non-canonical last character', `${randomBytes(16).toString('base64url').slice(0, 21)}B`],
    ['a + sign', `+${randomBytes(16).toString('base64url').slice(1)}`],
    ['a UUID without dashes, padded', `${randomUUID().replaceAll('-', '')}----`],
    ['another length', 'abc'],
    ['a non-ASCII character', `é${randomBytes(16).toString('base64url').slice(1)}`],
  ])('refuses %s (kept as a string instead)', (_, id) => {
    expect(readId(id, new Uint32Array(4))).toBe(0);
  });
});
