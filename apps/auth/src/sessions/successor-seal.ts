import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

// Bumped if the format or the derivation ever changes, so an old seal is refused, never misread.
const VERSION = 'v1';
const INFO = 'revoke auth: refresh token successor seal v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * HKDF, not the SHA-256 of `token_hash`: the key must not be computable from anything the database
 * holds, or a leaked table would open every seal. The token's 256 random bits need no salt.
 */
function keyOf(token: string): Buffer {
  return Buffer.from(hkdfSync('sha256', token, Buffer.alloc(0), INFO, 32));
}

/**
 * Encrypts `successor` (the refresh token that replaced `token`) under a key derived from `token`
 * alone (AES-256-GCM, random IV), so only a holder of `token` can read it back.
 *
 * @returns `v1.` and the base64url of IV, ciphertext and tag: what `refresh_tokens.successor_sealed` holds.
 * @example
 * const sealed = sealSuccessor(oldToken, newToken);
 * openSuccessor(oldToken, sealed); // newToken
 */
export function sealSuccessor(token: string, successor: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyOf(token), iv);
  const body = Buffer.concat([cipher.update(successor, 'utf8'), cipher.final()]);
  return `${VERSION}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
}

/**
 * Reads back what {@link sealSuccessor} sealed for `token`.
 *
 * @returns the successor, or `undefined` when `sealed` was not sealed for this token, was altered,
 * or is not a seal at all: the caller cannot tell these apart and must not need to.
 */
export function openSuccessor(token: string, sealed: string): string | undefined {
  const [version, encoded, ...rest] = sealed.split('.');
  if (version !== VERSION || encoded === undefined || rest.length > 0) return undefined;
  const bytes = Buffer.from(encoded, 'base64url');
  if (bytes.length <= IV_BYTES + TAG_BYTES) return undefined;
  const decipher = createDecipheriv('aes-256-gcm', keyOf(token), bytes.subarray(0, IV_BYTES), {
    authTagLength: TAG_BYTES,
  });
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  try {
    const plain = Buffer.concat([
      decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
      decipher.final(),
    ]);
    return plain.toString('utf8');
  } catch {
    // GCM's tag check failed: another token's seal, or altered bytes.
    return undefined;
  }
}
