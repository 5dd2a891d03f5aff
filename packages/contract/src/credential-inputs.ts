import { z } from 'zod';
import { MAX_EMAIL_LENGTH, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './limits.ts';

// Refused before any normalisation work, so a megabyte "e-mail" costs one length check.
const MAX_RAW_EMAIL_LENGTH = 1024;

// After normalisation: an ASCII dot-atom local part (at most 64 characters) and a DNS host name
// with at least two labels. Deliberately narrower than RFC 5322: no quoted local parts, comments,
// IP literals or spaces, and nothing outside ASCII. NFKC first folds compatibility look-alikes
// (full-width `ａ`, `＠`) to ASCII; what is still non-ASCII is refused rather than guessed at, so a
// Cyrillic `а` cannot make a second account that displays like `a` (homograph). Internationalised
// domains work in their punycode (`xn--`) form; internationalised local parts (RFC 6531) are refused.
const ATOM = "[a-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const EMAIL_SHAPE = new RegExp(
  `^(?=[^@]{1,64}@)${ATOM}(?:\\.${ATOM})*@(?:${LABEL}\\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$`,
);

/**
 * An e-mail address, normalised: trimmed, NFKC, lower-cased (the database refuses anything else,
 * so `A@x.org` and `a@x.org` are one account), then checked against a conservative shape that
 * refuses control characters, NUL, spaces and non-ASCII.
 */
export const emailSchema = z
  .string()
  .max(MAX_RAW_EMAIL_LENGTH, { abort: true })
  .trim()
  .normalize('NFKC')
  .toLowerCase()
  .max(MAX_EMAIL_LENGTH, { abort: true })
  .regex(EMAIL_SHAPE, { error: 'Invalid e-mail address' });

function passwordSchema(min: number) {
  // Length first, aborting: a megabyte password is refused before anything else looks at it.
  // Not trimmed or otherwise changed: spaces are legitimate password characters.
  return z
    .string()
    .max(MAX_PASSWORD_LENGTH, { abort: true })
    .min(min, { abort: true })
    .refine((password) => !password.includes('\0'), { error: 'Password must not contain NUL' });
}

/** Registration input: `{ email, password }`, password 8..1024 characters, no other key. */
export const credentialsSchema = z.strictObject({
  email: emailSchema,
  password: passwordSchema(MIN_PASSWORD_LENGTH),
});

/**
 * Login input: as {@link credentialsSchema}, but any non-empty password up to 1024 characters. A
 * short password is then just a wrong one (the same answer as any other), and raising the
 * registration minimum later does not lock out accounts made under the old rule.
 */
export const loginCredentialsSchema = z.strictObject({
  email: emailSchema,
  password: passwordSchema(1),
});

/**
 * Input of `auth.changePassword`: the current password, checked as login checks one (any non-empty
 * password up to 1024 characters: a short one is just a wrong one), and the new one, under the
 * registration rules (8..1024 characters, no NUL). No other key.
 */
export const changePasswordInput = z.strictObject({
  currentPassword: passwordSchema(1),
  newPassword: passwordSchema(MIN_PASSWORD_LENGTH),
});

/** A validated `auth.changePassword` input. */
export type ChangePasswordInput = z.infer<typeof changePasswordInput>;

/** Validated, normalised registration credentials. */
export type Credentials = z.infer<typeof credentialsSchema>;
/** Validated, normalised login credentials. */
export type LoginCredentials = z.infer<typeof loginCredentialsSchema>;
/** What a client sends, before normalisation. */
export type CredentialsInput = z.input<typeof credentialsSchema>;
