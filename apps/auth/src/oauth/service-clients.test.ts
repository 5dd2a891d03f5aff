import { describe, expect, it } from 'vitest';
import { clientCredentialsOf } from './client-authentication.ts';
import { configuredClientsOf, parseServiceClients } from './service-clients.ts';

const SECRET = 'a-secret-of-32-characters-or-more.~_%';

describe('parseServiceClients', () => {
  it('reads id:secret pairs; the secret is everything after the first colon', () => {
    expect(parseServiceClients(` notes:${SECRET}:x , billing-2:${SECRET}`)).toEqual([
      { id: 'notes', secret: `${SECRET}:x` },
      { id: 'billing-2', secret: SECRET },
    ]);
    expect(parseServiceClients('')).toEqual([]);
  });

  it.each([
    ['a short secret', 'notes:short', /shorter than 32/],
    ['no secret', 'notes', /shorter than 32/],
    ['an upper-case id', `Notes:${SECRET}`, /not a client id/],
    [
      'a UUID-shaped id (it would read as a user id)',
      `abcdef01-2345-6789-abcd-ef0123456789:${SECRET}`,
      /not a client id/,
    ],
    ['a repeated id', `notes:${SECRET},notes:${SECRET}x`, /listed twice/],
  ])('refuses %s', (_name, list, message) => {
    expect(() => parseServiceClients(list)).toThrow(message);
  });
});

describe('clientCredentialsOf (RFC 6749 §2.3.1)', () => {
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

  it('form-decodes the id and secret of HTTP Basic, as clients must encode them', () => {
    // A correct client sends "a-secret…%25" as "a%2Dsecret…%2525" and a space as "+".
    const encoded = encodeURIComponent(SECRET).replace(
      /[-._~]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    );
    expect(clientCredentialsOf(basic('notes', encoded), undefined)).toEqual({
      method: 'client_secret_basic',
      id: 'notes',
      secret: SECRET,
    });
    expect(clientCredentialsOf(basic('notes', 'two+words'), undefined)).toMatchObject({
      secret: 'two words',
    });
  });

  it('reads client_secret_post from the form, and refuses two methods at once', () => {
    expect(clientCredentialsOf(undefined, { client_id: 'notes', client_secret: SECRET })).toEqual({
      method: 'client_secret_post',
      id: 'notes',
      secret: SECRET,
    });
    expect(
      clientCredentialsOf(basic('notes', SECRET), { client_id: 'notes', client_secret: SECRET }),
    ).toMatchObject({
      error: 'two_methods',
    });
  });

  it.each([
    ['no credentials', undefined, undefined, 'none'],
    ['Basic without a colon', `Basic ${Buffer.from('notes').toString('base64')}`, undefined, 'malformed'],
    [
      'Basic with a bad percent escape',
      `Basic ${Buffer.from('notes:%zz').toString('base64')}`,
      undefined,
      'malformed',
    ],
    [
      'a posted secret that is not a string',
      undefined,
      { client_id: 'notes', client_secret: ['x'] },
      'malformed',
    ],
  ])('%s → %s', (_name, authorization, body, error) => {
    expect(clientCredentialsOf(authorization, body as Record<string, unknown> | undefined)).toMatchObject({
      error,
    });
  });
});

describe('configuredClientsOf', () => {
  it('makes each service client a client that may get service tokens, and INTROSPECTION_SECRET the client `introspect`', () => {
    expect(
      configuredClientsOf({
        SERVICE_CLIENTS: [{ id: 'notes', secret: SECRET }],
        INTROSPECTION_SECRET: 'i'.repeat(16),
      }),
    ).toEqual([
      { id: 'introspect', secret: 'i'.repeat(16), capabilities: ['introspect'] },
      { id: 'notes', secret: SECRET, capabilities: ['service'] },
    ]);
  });
});
