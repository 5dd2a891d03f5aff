/**
 * Cheap structural checks run before a token is decoded: anything that fails them is rejected
 * without parsing JSON or touching a key.
 */

/** An Ed25519 signature is always 64 bytes, */
export const ED25519_SIGNATURE_BYTES = 64;
/** … i.e. 86 unpadded base64url characters. */
export const ED25519_SIGNATURE_CHARS = 86;

// Exactly three non-empty segments of the base64url alphabet: no padding, no whitespace, no `+` or
// `/`. Buffer's base64url decoder (like atob, which jose uses on Node 20) silently skips
// whitespace and accepts '=', '+', '/' and non-zero trailing bits; without this gate one token
// would have many accepted spellings.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Why a string failed the gate, for the `cause` of the resulting AuthError (never shown to clients). */
export type GateFailure =
  | 'too-large'
  | 'not-compact-jws'
  | 'non-canonical-base64url'
  | 'bad-signature-length';

/**
 * Value of one base64url character (0..63). Only called on characters that already matched
 * {@link COMPACT_JWS}.
 */
function sextet(code: number): number {
  if (code >= 65 && code <= 90) return code - 65; // A-Z
  if (code >= 97 && code <= 122) return code - 71; // a-z
  if (code >= 48 && code <= 57) return code + 4; // 0-9
  return code === 45 ? 62 : 63; // '-' or '_'
}

/**
 * True when `token.slice(start, end)` is the one canonical unpadded base64url spelling of its
 * bytes: a length ≡ 1 (mod 4) encodes no whole byte, and the bits of the last character that
 * fall past the final byte must be zero (RFC 4648 §3.5), or two strings decode to the same bytes.
 */
export function isCanonicalSegment(token: string, start: number, end: number): boolean {
  const length = end - start;
  if (length === 0) return false;
  const rest = length % 4;
  if (rest === 0) return true;
  if (rest === 1) return false;
  const last = sextet(token.charCodeAt(end - 1));
  // 2 chars carry 1 byte + 4 spare bits, 3 chars carry 2 bytes + 2 spare bits.
  return (last & (rest === 2 ? 0x0f : 0x03)) === 0;
}

/**
 * Checks size, charset, segment count, canonical base64url and the Ed25519 signature length.
 * Returns undefined when the token may go on to decoding, else the reason it may not.
 */
export function gateCompactJws(token: string, maxTokenBytes: number): GateFailure | undefined {
  // Length before the regex: a huge string costs nothing more than this comparison. Past the
  // regex every character is ASCII, so UTF-16 length equals byte length.
  if (token.length > maxTokenBytes) return 'too-large';
  if (!COMPACT_JWS.test(token)) return 'not-compact-jws';
  const firstDot = token.indexOf('.');
  const secondDot = token.indexOf('.', firstDot + 1);
  if (token.length - secondDot - 1 !== ED25519_SIGNATURE_CHARS) return 'bad-signature-length';
  if (
    !isCanonicalSegment(token, 0, firstDot) ||
    !isCanonicalSegment(token, firstDot + 1, secondDot) ||
    !isCanonicalSegment(token, secondDot + 1, token.length)
  ) {
    return 'non-canonical-base64url';
  }
  return undefined;
}
