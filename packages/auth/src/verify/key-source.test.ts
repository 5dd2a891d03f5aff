import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JSONWebKeySet } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestSigner, type TestSigner } from '../testing/token-factory.ts';
import { localKeys, remoteKeys } from './key-source.ts';
import { expectAuthError } from './test-support.ts';
import { createTokenVerifier } from './verify-token.ts';

/** A JWKS endpoint on port 0 whose document the test can swap, counting fetches. */
async function serveJwks(initial: JSONWebKeySet) {
  const state = { jwks: initial, fetches: 0, status: 200 };
  const server: Server = createServer((_req, res) => {
    state.fetches++;
    res.writeHead(state.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(state.jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  servers.push(server);
  return { state, url: `http://127.0.0.1:${port}/.well-known/jwks.json` };
}

/** `signer`'s keys served as a JWKS, and a verifier of its tokens that fetches the keys from there. */
async function verifierOfServedKeys(signer: TestSigner) {
  const { state, url } = await serveJwks(signer.jwks);
  const verifier = createTokenVerifier({
    issuer: signer.issuer,
    audience: signer.audience,
    keys: remoteKeys(url),
  });
  return { state, url, verifier };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('localKeys', () => {
  it('snapshots the document: later edits do not change the trusted keys', async () => {
    const signer = await createTestSigner();
    const jwks = structuredClone(signer.jwks);
    const keys = localKeys(jwks);
    jwks.keys.length = 0;
    const verifier = createTokenVerifier({ issuer: signer.issuer, audience: signer.audience, keys });
    await expect(verifier.verify(await signer.sign())).resolves.toBeDefined();
  });
});

describe('remoteKeys', () => {
  it('fetches once, then serves from its cache', async () => {
    const signer = await createTestSigner();
    const { state, verifier } = await verifierOfServedKeys(signer);
    for (let i = 0; i < 3; i++) await verifier.verify(await signer.sign());
    expect(state.fetches).toBe(1);
  });

  it('picks up a rotated-in key on an unknown kid, but only once per cooldown', async () => {
    const oldKey = await createTestSigner({ kid: 'k1' });
    const newKey = await createTestSigner({ kid: 'k2' });
    const { state, url } = await serveJwks(oldKey.jwks);
    const keys = remoteKeys(url, { cooldownMs: 60_000 });
    const verifier = createTokenVerifier({ issuer: oldKey.issuer, audience: oldKey.audience, keys });
    await verifier.verify(await oldKey.sign());
    state.jwks = { keys: [...oldKey.jwks.keys, ...newKey.jwks.keys] };
    // Within the cooldown an unknown kid is refused without a refetch: forged kids cannot
    // turn into a request flood against the auth app.
    await expectAuthError(verifier.verify(await newKey.sign()), 'TOKEN_INVALID');
    expect(state.fetches).toBe(1);

    const eager = createTokenVerifier({
      issuer: oldKey.issuer,
      audience: oldKey.audience,
      keys: remoteKeys(url, { cooldownMs: 0 }),
    });
    state.jwks = oldKey.jwks;
    await eager.verify(await oldKey.sign());
    state.jwks = { keys: [...oldKey.jwks.keys, ...newKey.jwks.keys] };
    await expect(eager.verify(await newKey.sign())).resolves.toBeDefined();
    expect(state.fetches).toBe(3);
  });

  it('maps an unreachable or failing JWKS endpoint to TOKEN_INVALID, keeping the cause', async () => {
    const signer = await createTestSigner();
    const { state, url, verifier: failing } = await verifierOfServedKeys(signer);
    state.status = 500;
    const error = await expectAuthError(failing.verify(await signer.sign()), 'TOKEN_INVALID');
    expect((error.cause as Error).message).toMatch(/200 OK/);

    await new Promise((resolve) => servers.splice(0)[0]?.close(resolve));
    const unreachable = createTokenVerifier({
      issuer: signer.issuer,
      audience: signer.audience,
      keys: remoteKeys(url, { timeoutMs: 1_000 }),
    });
    const refused = await expectAuthError(unreachable.verify(await signer.sign()), 'TOKEN_INVALID');
    // jose lets fetch's own TypeError through here, not a JOSEError: only a catch-all mapping holds.
    expect(refused.cause).toBeInstanceOf(TypeError);
  });

  it('does not fetch for a token whose header breaks the policy', async () => {
    const signer = await createTestSigner();
    const { state, verifier } = await verifierOfServedKeys(signer);
    await expectAuthError(
      verifier.verify(await signer.sign({}, { jku: 'http://evil.test' })),
      'TOKEN_INVALID',
    );
    await expectAuthError(verifier.verify(await signer.sign({}, { kid: undefined })), 'TOKEN_INVALID');
    expect(state.fetches).toBe(0);
  });
});
