/**
 * Reads a 128-bit id written as text into four 32-bit words, without allocating, when it is in one
 * of the two forms this system issues: 22 canonical base64url characters (a `jti`) or a UUID (a
 * `sid`). A UUID is read in either case: RFC 9562 §4 makes its hex digits case-insensitive, so
 * `ABC…` and `abc…` are one id here as everywhere else in the system (see `canonicalId`). Any other
 * spelling is refused, so two different ids never map to the same words (the caller keeps any other
 * string as a string).
 */

/** Which form an id was read from; each form gets its own table, so forms never collide. */
export const ID_BASE64URL = 1;
export const ID_UUID = 2;

// Indexed by any UTF-16 code unit, so a look-up needs no range check (64 KiB each, built once).
const BASE64URL_VALUE = new Int8Array(65_536).fill(-1);
for (let i = 0; i < 64; i++) {
  BASE64URL_VALUE['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.charCodeAt(i)] = i;
}
const HEX_VALUE = new Int8Array(65_536).fill(-1);
for (let i = 0; i < 16; i++) HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;
for (let i = 10; i < 16; i++) HEX_VALUE['ABCDEF'.charCodeAt(i - 10)] = i;

/**
 * Writes the id's 16 bytes as four big-endian words into `out` and returns its form, or returns 0
 * (leaving `out` undefined) when `id` is in neither canonical form. `offset` skips a prefix (an
 * index member's `jti:`), so no substring is made.
 */
export function readId(id: string, out: Uint32Array, offset = 0): number {
  const length = id.length - offset;
  if (length === 22) return readBase64url(id, out, offset) ? ID_BASE64URL : 0;
  if (length === 36) return readUuid(id, out, offset) ? ID_UUID : 0;
  return 0;
}

/** Value of one base64url character, or -1 (ORed together, any -1 leaves the sign bit set). */
function b64(id: string, index: number): number {
  return BASE64URL_VALUE[id.charCodeAt(index)]!;
}

/** 24 bits from 4 base64url characters, negative if any is not base64url. */
function group(id: string, at: number): number {
  const a = b64(id, at);
  const b = b64(id, at + 1);
  const c = b64(id, at + 2);
  const d = b64(id, at + 3);
  return (a | b | c | d) < 0 ? -1 : (a << 18) | (b << 12) | (c << 6) | d;
}

function readBase64url(id: string, out: Uint32Array, at: number): boolean {
  // Five groups of 4 characters give bytes 0–14; the last 2 characters give byte 15 and 4 bits that
  // must be zero in the canonical spelling.
  const g0 = group(id, at);
  const g1 = group(id, at + 4);
  const g2 = group(id, at + 8);
  const g3 = group(id, at + 12);
  const g4 = group(id, at + 16);
  const y = b64(id, at + 20);
  const z = b64(id, at + 21);
  if ((g0 | g1 | g2 | g3 | g4 | y | z) < 0 || (z & 0b1111) !== 0) return false;
  const last = (y << 2) | (z >> 4);
  out[0] = ((g0 << 8) | (g1 >>> 16)) >>> 0;
  out[1] = (((g1 & 0xffff) << 16) | (g2 >>> 8)) >>> 0;
  out[2] = (((g2 & 0xff) << 24) | g3) >>> 0;
  out[3] = ((g4 << 8) | last) >>> 0;
  return true;
}

/** The value of `digits` hex characters (either case, at most 8) starting at `at`, or -1. */
function hexWord(id: string, at: number, digits: number): number {
  let word = 0;
  for (let i = at; i < at + digits; i++) {
    const value = HEX_VALUE[id.charCodeAt(i)]!;
    if (value < 0) return -1;
    word = (word << 4) | value;
  }
  return word >>> 0;
}

function readUuid(id: string, out: Uint32Array, at: number): boolean {
  // xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx
  if (
    id.charCodeAt(at + 8) !== 45 ||
    id.charCodeAt(at + 13) !== 45 ||
    id.charCodeAt(at + 18) !== 45 ||
    id.charCodeAt(at + 23) !== 45
  ) {
    return false;
  }
  const w0 = hexWord(id, at, 8);
  const a = hexWord(id, at + 9, 4);
  const b = hexWord(id, at + 14, 4);
  const c = hexWord(id, at + 19, 4);
  const d = hexWord(id, at + 24, 4);
  const w3 = hexWord(id, at + 28, 8);
  if (w0 < 0 || a < 0 || b < 0 || c < 0 || d < 0 || w3 < 0) return false;
  out[0] = w0;
  out[1] = ((a << 16) | b) >>> 0;
  out[2] = ((c << 16) | d) >>> 0;
  out[3] = w3;
  return true;
}
