import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestSigner, type TestSigner } from '@revoke/auth/testing';

/** A token signer whose `iss` is a real URL serving its JWKS, as the auth app's does. */
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
  const server = createServer((request, response) => {
    if (request.url === '/.well-known/jwks.json') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    } else {
      response.writeHead(404).end();
    }
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const signer = await createTestSigner({ issuer: url, audience: 'revoke' });
  jwks = JSON.stringify(signer.jwks);
  return {
    signer,
    url,
    token: (sub) => signer.sign(sub ? { sub } : {}),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
