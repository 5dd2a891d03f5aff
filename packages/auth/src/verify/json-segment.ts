import { isUtf8 } from 'node:buffer';

const BYTE_ORDER_MARK = 0xfeff;

/**
 * Decodes one base64url segment of a token that passed the gate, as JSON, the way jose does:
 * strict UTF-8 (invalid bytes throw, jose's decoder is `fatal`), a leading byte order mark
 * dropped (TextDecoder drops it), then JSON.parse. `scratch` receives the bytes, so nothing is
 * allocated for them; it must hold at least 3/4 of the segment's length.
 * Only called on canonical segments, where Buffer's lenient base64url decoding is exact.
 */
export function decodeJsonSegment(scratch: Buffer, token: string, start: number, end: number): unknown {
  const length = scratch.write(token.slice(start, end), 'base64url');
  const bytes = scratch.subarray(0, length);
  if (!isUtf8(bytes)) throw new TypeError('segment is not UTF-8');
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === BYTE_ORDER_MARK) text = text.slice(1);
  return JSON.parse(text);
}

/** True for what JSON.parse yields for `{…}`: jose refuses arrays, null and scalars as header or claims. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
