import { gzipSync } from 'node:zlib';
import type { Account, Device } from '../harness/accounts.ts';

export const json = (value: unknown) => JSON.stringify(value);
/** Every printable ASCII character as its full-width twin (U+FF01..U+FF5E): NFKC folds them back. */
export const fullWidth = (text: string) =>
  [...text]
    .map((char) => (char > ' ' && char <= '~' ? String.fromCharCode(char.charCodeAt(0) + 0xfee0) : char))
    .join('');
export const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** A body, its content type (JSON unless said), and the statuses that are a correct refusal. */
export type BodyCase = [
  name: string,
  body: (victim: Account & Device) => string | Buffer,
  status: number | number[],
  headers?: Record<string, string>,
];

/** Hostile `{ email, password }` bodies for auth.login and auth.register. */
export const CREDENTIAL_BODIES: BodyCase[] = [
  ['a 1 MB password', (v) => json({ email: v.email, password: 'x'.repeat(1 << 20) }), 413],
  ['a 20 KB body (past the 16 KB limit)', (v) => json({ email: v.email, password: 'p'.repeat(20_000) }), 413],
  [
    'a 1 MB body sent chunked (no content-length)',
    (v) => json({ email: v.email, password: 'x'.repeat(1 << 20) }),
    413,
    { 'transfer-encoding': 'chunked' },
  ],
  ['a 1025-character password', (v) => json({ email: v.email, password: 'x'.repeat(1025) }), 400],
  [
    'a 2000-character e-mail',
    (v) => json({ email: `${'a'.repeat(2000)}@example.com`, password: v.password }),
    400,
  ],
  ['the e-mail a number', (v) => json({ email: 42, password: v.password }), 400],
  ['the e-mail null', (v) => json({ email: null, password: v.password }), 400],
  ['the e-mail true', (v) => json({ email: true, password: v.password }), 400],
  ['the e-mail an operator object', (v) => json({ email: { $gt: '' }, password: v.password }), 400],
  ['the e-mail an array of the victim', (v) => json({ email: [v.email], password: v.password }), 400],
  ['the password an array', (v) => json({ email: v.email, password: [v.password] }), 400],
  ['the password an object', (v) => json({ email: v.email, password: { toString: v.password } }), 400],
  ['the password a number', (v) => json({ email: v.email, password: 12345678 }), 400],
  ['no password', (v) => json({ email: v.email }), 400],
  ['no e-mail', (v) => json({ password: v.password }), 400],
  ['an empty object', () => '{}', 400],
  ['JSON null', () => 'null', 400],
  ['a JSON array of the credentials', (v) => json([{ email: v.email, password: v.password }]), 400],
  ['a JSON string', (v) => json(`${v.email}:${v.password}`), 400],
  ['a JSON number', () => '42', 400],
  [
    'credentials nested one level down',
    (v) => json({ email: { email: v.email }, password: { password: v.password } }),
    400,
  ],
  ['5000 nested arrays as the password', (v) => `{"email":${json(v.email)},"password":${nested(5000)}}`, 400],
  ['a NUL byte in the password', (v) => json({ email: v.email, password: `${v.password}\u0000` }), 400],
  ['a NUL byte in the e-mail', (v) => json({ email: `${v.email}\u0000`, password: v.password }), 400],
  ['a NUL byte in a key', (v) => `{"email\\u0000":${json(v.email)},"password":${json(v.password)}}`, 400],
  ['an extra admin key', (v) => json({ email: v.email, password: v.password, admin: true }), 400],
  [
    'a __proto__ key',
    (v) => `{"email":${json(v.email)},"password":${json(v.password)},"__proto__":{"admin":true}}`,
    400,
  ],
  [
    'a constructor.prototype key',
    (v) => json({ email: v.email, password: v.password, constructor: { prototype: { admin: true } } }),
    400,
  ],
  [
    '__proto__ as the whole credentials',
    (v) => `{"__proto__":{"email":${json(v.email)},"password":${json(v.password)}}}`,
    400,
  ],
  ['malformed JSON', (v) => `{"email":${json(v.email)},"password":`, 400],
  ['single-quoted JSON', (v) => `{'email':'${v.email}'}`, 400],
  ['a trailing comma', (v) => `{"email":${json(v.email)},}`, 400],
  // Parsed as JSON once the BOM is skipped: then the victim's address with a wrong password (login) or taken (register).
  [
    'a UTF-8 BOM before the JSON',
    (v) => `\ufeff${json({ email: v.email, password: 'wrong password' })}`,
    [400, 401, 409],
  ],
  [
    'UTF-16 bytes labelled as such',
    (v) => Buffer.from(json({ email: v.email, password: 'x' }), 'utf16le'),
    [400, 415],
    { 'content-type': 'application/json; charset=utf-16le' },
  ],
  [
    'a form body',
    (v) => `email=${encodeURIComponent(v.email)}&password=x`,
    415,
    { 'content-type': 'application/x-www-form-urlencoded' },
  ],
  [
    'a text/plain body',
    (v) => json({ email: v.email, password: 'x' }),
    415,
    { 'content-type': 'text/plain' },
  ],
  [
    'an XML body',
    (v) => `<login><email>${v.email}</email></login>`,
    415,
    { 'content-type': 'application/xml' },
  ],
  // Fastify does not decode request bodies: the gzip bytes are invalid JSON (400) unless refused outright (415).
  [
    'a gzip-encoded body',
    (v) => gzipSync(json({ email: v.email, password: 'x' })),
    [400, 415],
    { 'content-encoding': 'gzip' },
  ],
];

/** Hostile `auth.refresh` bodies: refused, nothing rotated, no session revoked. */
export const REFRESH_BODIES: BodyCase[] = [
  ['a 1 MB refresh token', () => json({ refreshToken: 'x'.repeat(1 << 20) }), 413],
  ['a 257-character refresh token', () => json({ refreshToken: 'x'.repeat(257) }), 400],
  ['the refresh token a number', () => json({ refreshToken: 42 }), 400],
  ['the refresh token an array of the real one', (v) => json({ refreshToken: [v.refreshToken] }), 400],
  ['the refresh token an operator object', () => json({ refreshToken: { $ne: null } }), 400],
  ['the refresh token null', () => json({ refreshToken: null }), 400],
  ['a NUL byte after the real token', (v) => json({ refreshToken: `${v.refreshToken}\u0000` }), [400, 401]],
  [
    "the real token with a Cyrillic 'а' in place of its first character",
    (v) => json({ refreshToken: `\u0430${v.refreshToken.slice(1)}` }),
    401,
  ],
  ['the real token with surrounding spaces', (v) => json({ refreshToken: ` ${v.refreshToken} ` }), 401],
  ['an extra key', (v) => json({ refreshToken: 'x'.repeat(43), userId: v.id }), 400],
  ['a __proto__ key', () => `{"refreshToken":"${'x'.repeat(43)}","__proto__":{"admin":true}}`, 400],
  ['an empty string', () => json({ refreshToken: '' }), [400, 401]],
  ['a JSON array', (v) => json([v.refreshToken]), 400],
  ['a JSON string', (v) => json(v.refreshToken), 400],
  ['malformed JSON', () => '{"refreshToken":', 400],
  [
    'a form body',
    (v) => `refreshToken=${v.refreshToken}`,
    415,
    { 'content-type': 'application/x-www-form-urlencoded' },
  ],
];

/** Hostile `auth.logout` bodies sent without any credential. */
export const LOGOUT_BODIES: BodyCase[] = [
  ['a 1 MB body', () => json({ all: 'x'.repeat(1 << 20) }), 413],
  ['a token in the body instead of a header', (v) => json({ token: v.accessToken }), 401],
  ['a JSON array', (v) => json([v.accessToken]), 401],
  ['a __proto__ key', (v) => `{"__proto__":{"sub":${json(v.id)}}}`, 401],
  ['5000 nested arrays', () => nested(5000), 401],
  ['malformed JSON', () => '{"a":', [400, 401]],
  ['a NUL byte', () => '"\u0000"', 401],
];

/**
 * Hostile `auth.changePassword` bodies, sent with the victim's valid token: each is refused before
 * the password is checked or anything is written.
 */
export const CHANGE_PASSWORD_BODIES: BodyCase[] = [
  [
    'a 1 MB new password',
    (v) => json({ currentPassword: v.password, newPassword: 'x'.repeat(1 << 20) }),
    413,
  ],
  [
    'a 1025-character new password',
    (v) => json({ currentPassword: v.password, newPassword: 'x'.repeat(1025) }),
    400,
  ],
  [
    'a 1025-character current password',
    () => json({ currentPassword: 'x'.repeat(1025), newPassword: 'new passphrase' }),
    400,
  ],
  [
    'a 7-character new password',
    (v) => json({ currentPassword: v.password, newPassword: 'x'.repeat(7) }),
    400,
  ],
  ['an empty current password', () => json({ currentPassword: '', newPassword: 'new passphrase' }), 400],
  ['no new password', (v) => json({ currentPassword: v.password }), 400],
  ['no current password', () => json({ newPassword: 'new passphrase' }), 400],
  ['an empty object', () => '{}', 400],
  ['JSON null', () => 'null', 400],
  ['no body at all', () => '', 400],
  ['the new password a number', (v) => json({ currentPassword: v.password, newPassword: 12345678 }), 400],
  [
    'the new password an array',
    (v) => json({ currentPassword: v.password, newPassword: ['new passphrase'] }),
    400,
  ],
  [
    'the current password an operator object',
    () => json({ currentPassword: { $ne: null }, newPassword: 'new passphrase' }),
    400,
  ],
  [
    'a NUL byte in the new password',
    (v) => json({ currentPassword: v.password, newPassword: 'new passphrase\u0000' }),
    400,
  ],
  [
    'an extra userId key',
    (v) => json({ currentPassword: v.password, newPassword: 'new passphrase', userId: v.id }),
    400,
  ],
  [
    'a __proto__ key',
    (v) =>
      `{"currentPassword":${json(v.password)},"newPassword":"new passphrase","__proto__":{"admin":true}}`,
    400,
  ],
  [
    '5000 nested arrays as the new password',
    (v) => `{"currentPassword":${json(v.password)},"newPassword":${nested(5000)}}`,
    400,
  ],
  ['malformed JSON', (v) => `{"currentPassword":${json(v.password)},"newPassword":`, 400],
  [
    'a JSON array of the fields',
    (v) => json([{ currentPassword: v.password, newPassword: 'new passphrase' }]),
    400,
  ],
];

/** Hostile `POST /oauth/revoke` (RFC 7009) bodies: refused, or the RFC's 200 for a junk token, and nothing revoked. */
export const OAUTH_REVOKE_BODIES: BodyCase[] = [
  ['no body', () => '', 400, { 'content-type': 'application/x-www-form-urlencoded' }],
  [
    'a 1 MB token',
    () => `token=${'x'.repeat(1 << 20)}`,
    413,
    { 'content-type': 'application/x-www-form-urlencoded' },
  ],
  [
    'a token of 8 KB + 1',
    () => `token=${'x'.repeat(8193)}`,
    400,
    { 'content-type': 'application/x-www-form-urlencoded' },
  ],
  [
    'two token parameters',
    (v) => `token=${v.refreshToken}&token=${v.accessToken}`,
    400,
    { 'content-type': 'application/x-www-form-urlencoded' },
  ],
  [
    'token[] array syntax',
    (v) => `token[]=${v.refreshToken}`,
    400,
    { 'content-type': 'application/x-www-form-urlencoded' },
  ],
  ['the token a JSON array', (v) => json({ token: [v.accessToken] }), 400],
  ['the token a JSON object', () => json({ token: { $ne: null } }), 400],
  ['the token a number', () => json({ token: 42 }), 400],
  ['a __proto__ key', () => `{"token":"x","__proto__":{"admin":true}}`, 400],
  ['a constructor.prototype key', () => `{"token":"x","constructor":{"prototype":{"admin":true}}}`, 400],
  ['JSON null', () => 'null', 400],
  ['malformed JSON', () => '{"token":', 400],
  ['text/plain', (v) => `token=${v.accessToken}`, [400, 415], { 'content-type': 'text/plain' }],
  [
    'a multipart form',
    () => `--b\r\nContent-Disposition: form-data; name="token"\r\n\r\nx\r\n--b--\r\n`,
    [400, 415],
    { 'content-type': 'multipart/form-data; boundary=b' },
  ],
  // Well-formed requests for tokens that revoke nothing: RFC 7009 §2.2 answers 200 all the same.
  ['a NUL byte after the access token', (v) => json({ token: `${v.accessToken}\u0000` }), 200],
  [
    'the access token with a Cyrillic look-alike character',
    (v) => json({ token: `\u0430${v.accessToken.slice(1)}` }),
    200,
  ],
  [
    'an unknown token_type_hint',
    () => `token=x&token_type_hint=${'h'.repeat(5000)}`,
    200,
    { 'content-type': 'application/x-www-form-urlencoded' },
  ],
];

/** Look-alikes of the victim's e-mail (homographs): none may make a second account or log in as anyone. */
export const LOOK_ALIKES: [name: string, change: (local: string, domain: string) => string][] = [
  ["a Cyrillic 'а' in the local part", (local, domain) => `${local.replace('a', '\u0430')}@${domain}`],
  ["a Cyrillic 'а' in the domain", (local, domain) => `${local}@${domain.replace('a', '\u0430')}`],
  ["a Greek 'ο' in the domain", (local, domain) => `${local}@${domain.replace('o', '\u03bf')}`],
  ['a zero-width space', (local, domain) => `${local.slice(0, 2)}\u200b${local.slice(2)}@${domain}`],
  ['a right-to-left override', (local, domain) => `\u202e${local}@${domain}`],
  ['a combining accent', (local, domain) => `${local.slice(0, 1)}\u0301${local.slice(1)}@${domain}`],
  ['a trailing dot on the domain', (local, domain) => `${local}@${domain}.`],
  ['a non-breaking space inside', (local, domain) => `${local}\u00a0@${domain}`],
];
