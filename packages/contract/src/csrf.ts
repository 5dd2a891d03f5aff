/**
 * Header a browser client must send on every cookie-authenticated mutation. A cross-site form or
 * `multipart/form-data` POST cannot set a custom header (setting one forces a CORS preflight), so its
 * presence proves the request came from a page allowed by CORS.
 *
 * @example
 * ```ts
 * await fetch('/trpc/notes.create', {
 *   method: 'POST',
 *   credentials: 'include',
 *   headers: { 'content-type': 'application/json', [CSRF_HEADER]: '1' },
 *   body: JSON.stringify({ text: 'hello' }),
 * });
 * ```
 */
export const CSRF_HEADER = 'x-revoke-csrf';
