import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { APPS, presentApps } from './apps.ts';

// No Docker engine runs here: these keep docker-compose.yml and the Dockerfiles honest without one.
const root = join(import.meta.dirname, '../../..');
// Compose merges `<<: *anchor` (YAML 1.1 merge keys); so must the parser.
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const apps = presentApps(root).filter((app) => app.readyPath === '/readyz');

interface Service {
  build?: { context: string; dockerfile: string };
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[]; interval?: string; retries?: number };
}

function service(name: string): Service {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

describe('docker-compose.yml', () => {
  it('keeps Redis (never evicting, nothing on disk) and Postgres, both with healthchecks', () => {
    expect(service('redis').command).toEqual(expect.arrayContaining(['--maxmemory-policy', 'noeviction']));
    expect(service('redis').healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(service('postgres').healthcheck?.test).toEqual(['CMD', 'pg_isready', '-U', 'postgres']);
  });

  it('runs every app in the checkout', () => {
    expect(apps.map((app) => app.name)).toEqual(expect.arrayContaining(['auth', 'notes', 'activity']));
    for (const app of apps) expect(Object.keys(compose.services)).toContain(app.name);
  });

  describe.each(apps)('$name', (app) => {
    it('is built from its own Dockerfile with the repository as context', () => {
      expect(service(app.name).build).toEqual({ context: '.', dockerfile: `${app.dir}/Dockerfile` });
      expect(existsSync(join(root, app.dir, 'Dockerfile'))).toBe(true);
    });

    it('is healthy only once its /readyz answers 200, on its own port', () => {
      const { healthcheck } = service(app.name);
      expect(healthcheck?.test[0]).toBe('CMD');
      expect(healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${app.defaultPort}/readyz`);
      expect(healthcheck?.interval).toBeTruthy();
      expect(healthcheck?.retries).toBeGreaterThan(0);
    });

    it('starts only after Redis and Postgres are healthy, and services after auth', () => {
      const dependsOn = service(app.name).depends_on ?? {};
      const needed = app.name === 'auth' ? ['redis', 'postgres'] : ['redis', 'postgres', 'auth'];
      for (const dependency of needed)
        expect(dependsOn[dependency]).toEqual({ condition: 'service_healthy' });
      for (const dependency of Object.keys(dependsOn))
        expect(Object.keys(compose.services)).toContain(dependency);
    });

    it('finds Redis, Postgres and the other apps by service name, and listens beyond loopback', () => {
      const env = service(app.name).environment ?? {};
      expect(env.REDIS_URL).toBe('redis://redis:6379');
      expect(new URL(env.DATABASE_URL ?? '').host).toBe('postgres:5432');
      for (const other of APPS.filter((candidate) => apps.includes(candidate))) {
        expect(env[other.urlVar]).toBe(`http://${other.name}:${other.defaultPort}`);
      }
      const variable = app.portVar.replace(/_PORT$/, '');
      expect(env[`${variable}_HOST`]).toBe('0.0.0.0');
      expect(env[app.portVar]).toBe(String(app.defaultPort));
      expect(service(app.name).ports).toEqual([`${app.defaultPort}:${app.defaultPort}`]);
    });

    it('agrees with every other app on the revocation namespace (REVOCATION_PREFIX)', () => {
      const prefixes = new Set(apps.map((other) => service(other.name).environment?.REVOCATION_PREFIX));
      expect(prefixes.size).toBe(1);
    });
  });
});

describe.each(apps)('$dir/Dockerfile', (app) => {
  const dockerfile = readFileSync(join(root, app.dir, 'Dockerfile'), 'utf8');
  const manifest = JSON.parse(readFileSync(join(root, app.dir, 'package.json'), 'utf8')) as {
    name: string;
    scripts: Record<string, string>;
  };

  it('builds in one stage and runs the bundle with plain node in another', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toContain('pnpm install --offline --frozen-lockfile');
    expect(dockerfile).toContain(`--filter "${manifest.name}..."`);
    expect(dockerfile).toContain('pnpm run build --no-link');
    expect(dockerfile).toContain(`COPY --from=build /repo/${app.dir}/dist ./dist`);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/index\.js"\]$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
  });

  it('has the `build` script the Dockerfile runs', () => {
    expect(manifest.scripts.build).toBe('tsx ../../scripts/stack/src/build.ts');
  });
});

describe('.dockerignore', () => {
  it('keeps installed, built and local data out of the build context', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '**/.data', '.git']));
  });
});
