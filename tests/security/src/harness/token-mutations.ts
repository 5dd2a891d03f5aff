import fc from 'fast-check';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Characters a mutation may bring in: base64url, and what a header may carry that the verifier
 * must refuse (separators, padding, standard base64, whitespace, quotes, percent signs, a Latin-1
 * byte). Only bytes an HTTP header may hold: anything else a client could not even send.
 */
export const HEADER_CHARS = [...'AQgw09az_-.=+/ \t%"\',~*!\u00e9'];

/** One edit of a token, as data, so that a failing case prints readably and shrinks. */
export type Mutation =
  | { op: 'replace' | 'insert'; at: number; char: string }
  | { op: 'delete' | 'truncate' | 'flipCase' | 'respellLast'; at: number }
  | { op: 'deleteRange' | 'duplicateRange'; at: number; length: number }
  | { op: 'swapSegments'; a: number; b: number }
  | { op: 'replaceSegment'; index: number; json: unknown }
  | { op: 'flipBit'; segment: number; bit: number }
  | { op: 'append' | 'prepend'; text: string };

/** `mutation` applied to `token`. */
export function applyMutation(token: string, mutation: Mutation): string {
  const n = Math.max(token.length, 1);
  const parts = token.split('.');
  switch (mutation.op) {
    case 'replace': {
      const i = mutation.at % n;
      return token.slice(0, i) + mutation.char + token.slice(i + 1);
    }
    case 'insert': {
      const i = mutation.at % (token.length + 1);
      return token.slice(0, i) + mutation.char + token.slice(i);
    }
    case 'delete': {
      const i = mutation.at % n;
      return token.slice(0, i) + token.slice(i + 1);
    }
    case 'truncate':
      return token.slice(0, mutation.at % n);
    case 'flipCase': {
      const i = mutation.at % n;
      const c = token.charAt(i);
      return (
        token.slice(0, i) + (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) + token.slice(i + 1)
      );
    }
    case 'respellLast': {
      // Same bytes, another spelling: set the spare bits of a segment's last character.
      const index = mutation.at % parts.length;
      const part = parts[index] ?? '';
      const last = ALPHABET.indexOf(part.at(-1) ?? 'A');
      parts[index] = part.slice(0, -1) + ALPHABET[(last | (mutation.at % 16)) & 63];
      return parts.join('.');
    }
    case 'deleteRange': {
      const i = mutation.at % n;
      return token.slice(0, i) + token.slice(i + mutation.length);
    }
    case 'duplicateRange': {
      const i = mutation.at % n;
      return token.slice(0, i + mutation.length) + token.slice(i);
    }
    case 'swapSegments': {
      const [a, b] = [mutation.a % parts.length, mutation.b % parts.length];
      [parts[a], parts[b]] = [parts[b] ?? '', parts[a] ?? ''];
      return parts.join('.');
    }
    case 'replaceSegment':
      parts[mutation.index % parts.length] = Buffer.from(JSON.stringify(mutation.json) ?? '').toString(
        'base64url',
      );
      return parts.join('.');
    case 'flipBit': {
      const index = mutation.segment % parts.length;
      const bytes = Buffer.from(parts[index] ?? '', 'base64url');
      if (bytes.length === 0) return token;
      bytes[Math.floor(mutation.bit / 8) % bytes.length]! ^= 1 << (mutation.bit % 8);
      parts[index] = bytes.toString('base64url');
      return parts.join('.');
    }
    case 'append':
      return token + mutation.text;
    case 'prepend':
      return mutation.text + token;
  }
}

const at = fc.nat({ max: 2000 });
const char = fc.constantFrom(...HEADER_CHARS);
const text = fc.string({ unit: char, minLength: 1, maxLength: 8 });

/** One mutation of a token. */
export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constantFrom('replace' as const, 'insert' as const), at, char }),
  fc.record({
    op: fc.constantFrom('delete' as const, 'truncate' as const, 'flipCase' as const, 'respellLast' as const),
    at,
  }),
  fc.record({
    op: fc.constantFrom('deleteRange' as const, 'duplicateRange' as const),
    at,
    length: fc.integer({ min: 1, max: 90 }),
  }),
  fc.record({ op: fc.constant('swapSegments' as const), a: fc.nat({ max: 4 }), b: fc.nat({ max: 4 }) }),
  fc.record({
    op: fc.constant('replaceSegment' as const),
    index: fc.nat({ max: 4 }),
    json: fc.jsonValue({ maxDepth: 2 }),
  }),
  fc.record({ op: fc.constant('flipBit' as const), segment: fc.nat({ max: 2 }), bit: fc.nat({ max: 1000 }) }),
  fc.record({ op: fc.constantFrom('append' as const, 'prepend' as const), text }),
);

/** One to three mutations in a row. */
export const mutationsArb = fc.array(mutationArb, { minLength: 1, maxLength: 3 });
