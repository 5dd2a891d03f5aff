import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestSigner, type TestSigner } from '@revoke/auth/testing';

/** Notes' client secret at the test issuer (the auth app's `SERVICE_CLIENTS=notes:<it>`). */
export const TEST_SERVICE_SECRET = 'test-notes-service-secret-0123456789abcdef';

/**
 * A token signer whose `iss` is a real URL serving its JWKS and `/oauth/token` (client credentials for
 * `notes`), as the auth app's does.
 */
export interface TestIssuer {
  signer: TestSigner;
  /** `AUTH_URL` for a service that fetches keys itself (the activity process). */
  url: string;
  /** Mints a valid access token (for `sub` when given). */
  token(sub?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts a tiny HTTP server answering `/.well-known/jwks.json` with a fresh test signer's public keys.
 * The in-process notes service is given the same keys directly; the activity process, which cannot
 * be handed objects, fetches them as in production.
 */
export async function startTestIssuer(): Promise<TestIssuer> {
  let jwks = '{"keys":[]}';
  let signer: TestSigner | undefined;
  const server = createServer((request, response) => {
    if (request.url === '/.well-known/jwks.json') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    } else if (request.url === '/oauth/token' && request.method === 'POST') {
      void serviceToken(request, response);
    } else {
      response.writeHead(404).end();
    }
  });

  /** The auth app's client credentials grant, for the one client tests configure (`notes`). */
  async function serviceToken(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of request) body += chunk;
    const audience = new URLSearchParams(body).get('audience');
    const expected = `Basic ${Buffer.from(`notes:${TEST_SERVICE_SECRET}`).toString('base64')}`;
    if (request.headers.authorization !== expected || !audience || !signer) {
      response.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}');
      return;
    }
    const token = await signer.sign({ aud: audience, sub: 'notes', client_id: 'notes' });
    response
      .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      .end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 900 }));
  }
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const created = await createTestSigner({ issuer: url, audience: 'revoke' });
  signer = created;
  jwks = JSON.stringify(created.jwks);
  return {
    signer: created,
    url,
    token: (sub) => created.sign(sub ? { sub } : {}),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
