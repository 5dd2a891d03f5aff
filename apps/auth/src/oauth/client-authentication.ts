/** How a confidential client authenticated (RFC 6749 §2.3.1), or why the request cannot be read. */
export type ClientCredentials =
  | { method: 'client_secret_basic' | 'client_secret_post'; id: string; secret: string }
  | { error: 'none' | 'malformed' | 'two_methods'; method?: 'client_secret_basic' | 'client_secret_post' };

/** `application/x-www-form-urlencoded` decoding of one value: `+` is a space, `%XX` a byte. */
function formDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}

/**
 * The client's credentials, from HTTP Basic (`client_secret_basic`: id and secret each form-urlencoded
 * before they were joined, as RFC 6749 §2.3.1 requires, so a secret with `-`, `.`, `_`, `~` or `%`
 * arrives encoded and is decoded here) or from the form body (`client_secret_post`). Using both at once
 * is refused (RFC 6749 §2.3: one method per request).
 */
export function clientCredentialsOf(
  authorization: string | undefined,
  body: Record<string, unknown> | undefined,
): ClientCredentials {
  const postId = body?.client_id;
  const postSecret = body?.client_secret;
  const posted = postId !== undefined || postSecret !== undefined;
  if (authorization !== undefined && /^basic /i.test(authorization)) {
    if (posted) return { error: 'two_methods', method: 'client_secret_basic' };
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const id = colon < 0 ? undefined : formDecode(decoded.slice(0, colon));
    const secret = colon < 0 ? undefined : formDecode(decoded.slice(colon + 1));
    if (!id || secret === undefined) return { error: 'malformed', method: 'client_secret_basic' };
    return { method: 'client_secret_basic', id, secret };
  }
  if (!posted) return { error: 'none' };
  if (typeof postId !== 'string' || typeof postSecret !== 'string' || postId === '')
    return { error: 'malformed', method: 'client_secret_post' };
  return { method: 'client_secret_post', id: postId, secret: postSecret };
}
