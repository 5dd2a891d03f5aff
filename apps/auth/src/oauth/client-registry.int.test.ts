import { oauthClients } from '@revoke/db/auth';
import { createTestDb, type TestDb } from '@revoke/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientIdTakenError, createClientRegistry } from './client-registry.ts';

let testDb: TestDb<'auth'>;
beforeAll(async () => {
  testDb = await createTestDb('auth');
});
afterAll(() => testDb?.close());

const CONFIGURED = { id: 'notes', secret: 'n'.repeat(40), capabilities: ['service'] as const };

describe('the OAuth client registry', () => {
  it('registers a client with a fresh secret, stored only as its SHA-256, and authenticates it', async () => {
    const registry = createClientRegistry({ db: testDb.db, configured: [CONFIGURED] });
    const secret = await registry.register('gateway', ['introspect', 'revoke']);
    expect(secret).toMatch(/^[\w-]{43}$/);
    const [row] = await testDb.db.select().from(oauthClients);
    expect(row?.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(secret);
    const client = await registry.authenticate('gateway', secret);
    expect(client?.id).toBe('gateway');
    expect([...(client?.capabilities ?? [])].sort()).toEqual(['introspect', 'revoke']);
    expect(await registry.authenticate('gateway', `${secret}x`)).toBeUndefined();
    expect(await registry.authenticate('nobody', secret)).toBeUndefined();
  });

  it('knows configured clients, and refuses to register their ids or a taken one', async () => {
    const registry = createClientRegistry({ db: testDb.db, configured: [CONFIGURED] });
    expect((await registry.authenticate('notes', CONFIGURED.secret))?.capabilities.has('service')).toBe(true);
    await expect(registry.register('notes', ['introspect'])).rejects.toThrow(ClientIdTakenError);
    await registry.register('twice', ['introspect']);
    await expect(registry.register('twice', ['introspect'])).rejects.toThrow(ClientIdTakenError);
    expect((await registry.list()).map(({ id, source }) => `${id}:${source}`)).toEqual(
      expect.arrayContaining(['notes:env', 'twice:database']),
    );
  });

  it('a removed client no longer authenticates, at once and in every process', async () => {
    const registry = createClientRegistry({ db: testDb.db, configured: [] });
    const other = createClientRegistry({ db: testDb.db, configured: [] });
    const secret = await registry.register('leaver', ['introspect']);
    expect(await other.authenticate('leaver', secret)).toBeDefined();
    expect(await registry.remove('leaver')).toBe(true);
    expect(await other.authenticate('leaver', secret)).toBeUndefined();
    expect(await registry.remove('leaver')).toBe(false);
  });
});
