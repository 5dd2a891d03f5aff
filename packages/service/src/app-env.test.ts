import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { appPlacementShape, defineAppEnv, placementOf } from './app-env.ts';
import { serviceEnvShape } from './env.ts';

const demoEnv = defineAppEnv('demo', {
  ...serviceEnvShape,
  ...appPlacementShape('demo', 4100),
  DEMO_LIMIT: z.coerce.number().int().min(1).default(5),
});

afterEach(() => vi.restoreAllMocks());

describe('defineAppEnv', () => {
  it('places an app by its name, with the defaults every app follows', () => {
    const env = demoEnv.load({});
    expect(env).toMatchObject({ DEMO_PORT: 4100, DEMO_HOST: '127.0.0.1', DEMO_DATA_DIR: '.data/demo' });
    expect(placementOf('demo', env)).toEqual({ port: 4100, host: '127.0.0.1', dataDir: '.data/demo' });
    // Shared settings come with it, parsed the same way in every app.
    expect(env).toMatchObject({ REDIS_URL: 'redis://127.0.0.1:6379', DEMO_LIMIT: 5 });
    expect(Object.getPrototypeOf(env)).toBe(Object.prototype);
  });

  it('loads what its schema parses', () => {
    const source = { DEMO_PORT: '4200', DEMO_LIMIT: '7', DATABASE_URL: '' };
    expect(demoEnv.load(source)).toEqual(demoEnv.schema.parse(source));
  });

  it('prints one line per problem under the app name, then exits 1', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation(() => {
      throw new Error('exited');
    });
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => demoEnv.load({ DEMO_PORT: '70000', DEMO_LIMIT: '0' })).toThrow('exited');
    expect(exit).toHaveBeenCalledWith(1);
    const printed = String(error.mock.calls[0]?.[0]);
    expect(printed.split('\n')[0]).toBe('demo: invalid configuration:');
    expect(printed).toMatch(/^ {2}DEMO_PORT: .+$/m);
    expect(printed).toMatch(/^ {2}DEMO_LIMIT: .+$/m);
  });

  it('applies checks across variables and derived values', () => {
    const checked = defineAppEnv('demo', appPlacementShape('demo', 4100), (object) =>
      object.transform((env) => ({ ...env, URL: `http://${env.DEMO_HOST}:${env.DEMO_PORT}` })),
    );
    expect(checked.load({ DEMO_PORT: '4300' }).URL).toBe('http://127.0.0.1:4300');
  });
});
