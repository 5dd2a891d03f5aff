import { describe, expect, it } from 'vitest';
import {
  changePasswordInput,
  credentialsSchema,
  emailSchema,
  loginCredentialsSchema,
} from './credential-inputs.ts';
import { MAX_EMAIL_LENGTH } from './limits.ts';

const PASSWORD = 'correct horse battery staple';

function refused(input: unknown, schema = credentialsSchema) {
  return !schema.safeParse(input).success;
}

describe('the e-mail schema', () => {
  it('trims, NFKC-normalises and lower-cases', () => {
    expect(emailSchema.parse('  Alice.Smith+tag@Example.ORG \n')).toBe('alice.smith+tag@example.org');
    // Full-width compatibility characters fold to ASCII.
    expect(emailSchema.parse('\uff41\uff4c\uff49\uff43\uff45\uff20example.org')).toBe('alice@example.org');
  });

  it('accepts ordinary and punycode addresses', () => {
    for (const email of [
      'a@b.co',
      "o'brien@example.com",
      'x_y-z@mail.sub.example.museum',
      'user@xn--bcher-kva.example',
      'u@xn--p1ai.xn--p1ai',
    ]) {
      expect(emailSchema.safeParse(email).success, email).toBe(true);
    }
  });

  it('refuses control characters, NUL, spaces, non-ASCII look-alikes and malformed shapes', () => {
    const hostile = [
      '',
      'alice',
      'alice@',
      '@example.org',
      'alice@example',
      'alice@@example.org',
      'al ice@example.org',
      'alice@exa mple.org',
      'alice\u0000@example.org',
      'alice@example.org\u0000',
      'ali\nce@example.org',
      'ali\u007fce@example.org',
      'alice@example.org\r\nBcc: victim@example.org',
      // Cyrillic а (U+0430): displays like "a", refused rather than making a look-alike account.
      '\u0430lice@example.org',
      'alice@ex\u0430mple.org',
      'alice@b\u00fccher.example',
      '.alice@example.org',
      'alice.@example.org',
      'al..ice@example.org',
      'alice@-example.org',
      'alice@example-.org',
      'alice@example..org',
      '"alice"@example.org',
      'alice@[127.0.0.1]',
      `${'a'.repeat(65)}@example.org`,
      // SQL-ish input that is not an address shape.
      "' OR '1'='1",
      "alice@example.org'; DROP TABLE auth.users; --",
      "admin'--",
    ];
    for (const email of hostile)
      expect(emailSchema.safeParse(email).success, JSON.stringify(email)).toBe(false);
  });

  it('SQL-ish characters that are legal in an address are kept verbatim (queries are parameterised)', () => {
    expect(emailSchema.parse("o'brien--x@example.org")).toBe("o'brien--x@example.org");
  });

  it('refuses over-long addresses, and a megabyte one quickly', () => {
    const longest = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(MAX_EMAIL_LENGTH - 64 - 1 - 63 - 1 - 63 - 1)}`;
    expect(longest).toHaveLength(MAX_EMAIL_LENGTH);
    expect(emailSchema.safeParse(longest).success).toBe(true);
    // One more character (a valid 62-character last label) is over the limit.
    expect(emailSchema.safeParse(`${longest}d`).success).toBe(false);
    const started = Date.now();
    expect(emailSchema.safeParse(`${'a'.repeat(1024 * 1024)}@example.org`).success).toBe(false);
    // Near-miss shapes do not backtrack for long either.
    expect(emailSchema.safeParse(`a@${'a-'.repeat(120)}`).success).toBe(false);
    expect(Date.now() - started).toBeLessThan(200);
  });
});

describe('the credentials schemas', () => {
  it('accepts { email, password } and returns the normalised e-mail and the password untouched', () => {
    expect(credentialsSchema.parse({ email: ' Bob@Example.org', password: `  ${PASSWORD}  ` })).toEqual({
      email: 'bob@example.org',
      password: `  ${PASSWORD}  `,
    });
  });

  it('refuses wrong types, arrays, missing and extra keys', () => {
    const hostile: unknown[] = [
      undefined,
      null,
      'bob@example.org',
      42,
      [],
      [{ email: 'bob@example.org', password: PASSWORD }],
      {},
      { email: 'bob@example.org' },
      { password: PASSWORD },
      { email: ['bob@example.org'], password: PASSWORD },
      { email: 'bob@example.org', password: [PASSWORD] },
      { email: 'bob@example.org', password: 12345678 },
      { email: { $ne: null }, password: PASSWORD },
      { email: 'bob@example.org', password: { $gt: '' } },
      { email: 'bob@example.org', password: PASSWORD, role: 'admin' },
      { email: 'bob@example.org', password: PASSWORD, isAdmin: true },
      JSON.parse(`{"email":"bob@example.org","password":"${PASSWORD}","__proto__":{"admin":true}}`),
      JSON.parse(
        `{"email":"bob@example.org","password":"${PASSWORD}","constructor":{"prototype":{"admin":true}}}`,
      ),
    ];
    for (const input of hostile) {
      expect(refused(input), JSON.stringify(input)).toBe(true);
      expect(refused(input, loginCredentialsSchema), JSON.stringify(input)).toBe(true);
    }
  });

  it('refuses a password outside 8..1024 characters or with NUL; a 1 MB one quickly', () => {
    expect(refused({ email: 'bob@example.org', password: 'x'.repeat(7) })).toBe(true);
    expect(refused({ email: 'bob@example.org', password: 'x'.repeat(8) })).toBe(false);
    expect(refused({ email: 'bob@example.org', password: 'x'.repeat(1024) })).toBe(false);
    expect(refused({ email: 'bob@example.org', password: 'x'.repeat(1025) })).toBe(true);
    expect(refused({ email: 'bob@example.org', password: `${PASSWORD}\u0000` })).toBe(true);
    const started = Date.now();
    const result = credentialsSchema.safeParse({
      email: 'bob@example.org',
      password: 'x'.repeat(1024 * 1024),
    });
    expect(result.success).toBe(false);
    // One issue (too long): nothing else ran over the megabyte.
    expect(result.error?.issues.map((issue) => issue.code)).toEqual(['too_big']);
    expect(Date.now() - started).toBeLessThan(100);
  });

  it('login accepts any non-empty password up to 1024 characters: a short one is just a wrong one', () => {
    expect(refused({ email: 'bob@example.org', password: 'short' }, loginCredentialsSchema)).toBe(false);
    expect(refused({ email: 'bob@example.org', password: '' }, loginCredentialsSchema)).toBe(true);
    expect(refused({ email: 'bob@example.org', password: 'x'.repeat(1025) }, loginCredentialsSchema)).toBe(
      true,
    );
    expect(refused({ email: 'bob@example.org', password: 'a\u0000b' }, loginCredentialsSchema)).toBe(true);
  });
});

describe('the change-password schema', () => {
  const valid = { currentPassword: 'old', newPassword: PASSWORD };

  it('accepts any non-empty current password and a new one under the registration rules, untouched', () => {
    expect(changePasswordInput.parse({ ...valid, newPassword: `  ${PASSWORD}  ` })).toEqual({
      currentPassword: 'old',
      newPassword: `  ${PASSWORD}  `,
    });
  });

  it.each([
    ['a missing current password', { newPassword: PASSWORD }],
    ['a missing new password', { currentPassword: 'old' }],
    ['an empty current password', { ...valid, currentPassword: '' }],
    ['a new password of 7 characters', { ...valid, newPassword: 'x'.repeat(7) }],
    ['a new password of 1025 characters', { ...valid, newPassword: 'x'.repeat(1025) }],
    ['a current password of 1025 characters', { ...valid, currentPassword: 'x'.repeat(1025) }],
    ['a NUL in the new password', { ...valid, newPassword: `${PASSWORD}\u0000` }],
    ['a number', { ...valid, newPassword: 12345678 }],
    ['an array', { ...valid, currentPassword: ['old'] }],
    ['an extra key', { ...valid, email: 'bob@example.org' }],
    ['null', null],
  ])('refuses %s', (_, input) => {
    expect(changePasswordInput.safeParse(input).success).toBe(false);
  });
});
