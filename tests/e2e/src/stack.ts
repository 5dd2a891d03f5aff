import { createFreshDatabase } from '@revoke/db/testing';
import { type StackServices, stackEnvOnFreePorts, startStackServices } from '@revoke/testkit/service-stack';

/** auth, notes and activity as three processes sharing one Postgres database (a schema each) and Redis. */
export interface Stack extends StackServices {
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Starts the stack on free ports with a fresh database and its own Redis key prefix. */
export async function startStack(overrides: Record<string, string> = {}): Promise<Stack> {
  const database = await createFreshDatabase({ prefix: 'e2e' });
  try {
    const env = {
      ...(await stackEnvOnFreePorts({ databaseUrl: database.url, label: 'e2e' })),
      LOG_LEVEL: 'warn',
      ...overrides,
    };
    const services = await startStackServices(env);
    return {
      ...services,
      env,
      async close() {
        await services.stop();
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}
