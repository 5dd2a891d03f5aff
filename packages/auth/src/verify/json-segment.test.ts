import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeJsonSegment, isJsonObject } from './json-segment.ts';

const scratch = Buffer.alloc(8192);
const segment = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');
const decode = (bytes: Uint8Array | string) => {
  const text = segment(bytes);
  return decodeJsonSegment(scratch, `xx${text}yy`, 2, 2 + text.length);
};

// jose's reading of a segment: strict UTF-8 (BOM dropped), then JSON.parse.
const strict = new TextDecoder('utf-8', { fatal: true });
const joseDecode = (bytes: Uint8Array) => JSON.parse(strict.decode(bytes));
const outcome = (run: () => unknown) => {
  try {
    return { value: run() };
  } catch (error) {
    return { threw: (error as Error).name };
  }
};

describe('decodeJsonSegment', () => {
  it('parses the slice it is given', () => {
    expect(decode('{"a":[1,"é"]}')).toEqual({ a: [1, 'é'] });
  });

  it('drops a leading byte order mark, as TextDecoder does, and only one', () => {
    expect(decode('\ufeff{"a":1}')).toEqual({ a: 1 });
    expect(() => decode('\ufeff\ufeff{"a":1}')).toThrow(SyntaxError);
  });

  it('refuses invalid UTF-8 and encoded surrogates instead of replacing them', () => {
    expect(() => decode(Buffer.from('{"a":"\xff"}', 'latin1'))).toThrow(TypeError);
    expect(() => decode(Buffer.from('{"a":"\xed\xa0\x80"}', 'latin1'))).toThrow(TypeError);
    expect(() => decode(Buffer.from('{"a":"\xc0\xaf"}', 'latin1'))).toThrow(TypeError); // overlong '/'
  });

  it('agrees with jose (strict TextDecoder + JSON.parse) on arbitrary bytes around JSON', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc
        .tuple(fc.uint8Array({ maxLength: 4 }), fc.jsonValue(), fc.uint8Array({ maxLength: 4 }))
        .map(([a, json, b]) => Buffer.concat([a, Buffer.from(JSON.stringify(json) ?? ''), b])),
    );
    fc.assert(
      fc.property(bytes, (input) => {
        const ours = outcome(() => decode(input));
        const jose = outcome(() => joseDecode(input));
        expect('threw' in ours).toBe('threw' in jose);
        if ('value' in jose) expect(ours).toEqual(jose);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('isJsonObject', () => {
  it('is true for {…} only', () => {
    expect(isJsonObject(JSON.parse('{}'))).toBe(true);
    for (const text of ['[]', 'null', '1', '"x"', 'true']) expect(isJsonObject(JSON.parse(text))).toBe(false);
  });
});
