import { randomUUID } from 'node:crypto';
import { credentialsSchema } from '@revoke/contract';
import { createTestDb, type TestDb } from '@revoke/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserRepository, EmailTakenError, type UserRepository } from './users.ts';

let testDb: TestDb<'auth'>;
let repo: UserRepository;
beforeAll(async () => {
  testDb = await createTestDb('auth');
  repo = createUserRepository(testDb.db);
});
afterAll(() => testDb.close());

// Every test uses its own addresses, so they share the database without interfering.
const uniqueEmail = (name: string) => `${name}-${randomUUID().slice(0, 8)}@example.org`;

describe('the user repository', () => {
  it('creates a user and finds it by e-mail and by id', async () => {
    const email = uniqueEmail('alice');
    const created = await repo.create({ email, passwordHash: 'hash' });
    expect(created).toMatchObject({ email, passwordHash: 'hash', notBefore: null });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await repo.findByEmail(email)).toEqual(created);
    expect(await repo.findById(created.id)).toEqual(created);
  });

  it('a taken e-mail is a typed EmailTakenError, also when two registrations race', async () => {
    const email = uniqueEmail('bob');
    await repo.create({ email, passwordHash: 'first' });
    const error = await repo.create({ email, passwordHash: 'second' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmailTakenError);
    expect(error).toMatchObject({ code: 'EMAIL_TAKEN' });
    expect((await repo.findByEmail(email))?.passwordHash).toBe('first');

    const racing = uniqueEmail('carol');
    const results = await Promise.allSettled(
      [1, 2, 3, 4].map(() => repo.create({ email: racing, passwordHash: 'h' })),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results.filter((r) => r.status === 'rejected')) {
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(EmailTakenError);
    }
  });

  it('normalised input cannot make two accounts for one address', async () => {
    const local = `dave-${randomUUID().slice(0, 8)}`;
    const first = credentialsSchema.parse({
      email: `${local.toUpperCase()}@Example.ORG`,
      password: 'password1',
    });
    const second = credentialsSchema.parse({ email: ` ${local}@example.org `, password: 'password2' });
    await repo.create({ email: first.email, passwordHash: 'h' });
    await expect(repo.create({ email: second.email, passwordHash: 'h' })).rejects.toBeInstanceOf(
      EmailTakenError,
    );
    // The database refuses an address the app forgot to normalise, rather than storing a second account.
    await expect(
      repo.create({ email: `${local.toUpperCase()}@example.org`, passwordHash: 'h' }),
    ).rejects.toThrow();
  });

  it('stores SQL-ish addresses verbatim and finds them (parameterised queries)', async () => {
    const email = credentialsSchema.parse({
      email: `o'brien--${randomUUID().slice(0, 8)}@example.org`,
      password: 'password1',
    }).email;
    await repo.create({ email, passwordHash: 'h' });
    expect((await repo.findByEmail(email))?.email).toBe(email);
    expect(await repo.findByEmail("' OR '1'='1")).toBeUndefined();
  });

  it('unknown and malformed ids are simply not found', async () => {
    expect(await repo.findById(randomUUID())).toBeUndefined();
    expect(await repo.findById('not-a-uuid')).toBeUndefined();
    expect(await repo.findById("1' OR '1'='1")).toBeUndefined();
    expect(await repo.findByEmail(uniqueEmail('nobody'))).toBeUndefined();
    expect(await repo.setNotBefore('not-a-uuid', new Date())).toBeUndefined();
    expect(await repo.setNotBefore(randomUUID(), new Date())).toBeUndefined();
  });

  it('setNotBefore only moves forward', async () => {
    const { id } = await repo.create({ email: uniqueEmail('erin'), passwordHash: 'h' });
    const t1 = new Date('2030-01-01T00:00:01.000Z');
    const t2 = new Date('2030-01-01T00:00:05.000Z');
    expect(await repo.setNotBefore(id, t1)).toEqual(t1);
    expect(await repo.setNotBefore(id, t2)).toEqual(t2);
    // A late (or replayed) call with an older instant changes nothing.
    expect(await repo.setNotBefore(id, t1)).toEqual(t2);
    expect((await repo.findById(id))?.notBefore).toEqual(t2);
    // Concurrent calls: the latest instant wins whatever the order.
    const instants = [3, 9, 7, 8].map((s) => new Date(Date.UTC(2030, 0, 1, 0, 0, s)));
    await Promise.all(instants.map((at) => repo.setNotBefore(id, at)));
    expect((await repo.findById(id))?.notBefore).toEqual(new Date(Date.UTC(2030, 0, 1, 0, 0, 9)));
  });
});
