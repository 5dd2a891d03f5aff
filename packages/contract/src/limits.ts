// Every length the servers enforce on input, apart from the schemas that enforce them, so that the
// web client can size its form fields without bundling zod.

/** Longest note body, in UTF-16 code units (JavaScript string length). */
export const MAX_NOTE_BODY_LENGTH = 10_000;

/** Shortest password accepted at registration. */
export const MIN_PASSWORD_LENGTH = 8;

/**
 * Longest password accepted (UTF-16 code units). argon2 copes with long input, but hashing a
 * megabyte per request is a denial-of-service lever; the credentials schema refuses it first.
 */
export const MAX_PASSWORD_LENGTH = 1024;

/** Longest e-mail address stored (RFC 5321 path limit, less the angle brackets). */
export const MAX_EMAIL_LENGTH = 254;

/** Longer than any refresh token the auth app issues; anything longer is refused unread. */
export const MAX_REFRESH_TOKEN_LENGTH = 256;
