import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
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
// Every app's image comes from this one file, told which app by the build arg APP.
const APP_DOCKERFILE = 'docker/app.Dockerfile';

interface Service {
  profiles?: string[];
  networks?: string[] | Record<string, { ipv4_address: string }>;
  entrypoint?: string[];
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
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
    it('is built from the shared Dockerfile, told its directory, with the repository as context', () => {
      expect(service(app.name).build).toEqual({
        context: '.',
        dockerfile: APP_DOCKERFILE,
        args: { APP: basename(app.dir) },
      });
      expect(existsSync(join(root, APP_DOCKERFILE))).toBe(true);
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

    it("shares notes' service credential with the auth app, from one variable and never a default", () => {
      const env = service(app.name).environment ?? {};
      // Compose interpolation, not a template string: `$` and `{` kept apart so it reads as data.
      const secret = '$' + '{NOTES_SERVICE_SECRET:-}';
      expect(env.SERVICE_CLIENTS).toBe(`notes:${secret}`);
      expect(env.SERVICE_CLIENT_SECRET).toBe(secret);
    });

    it('agrees with every other app on the revocation namespace (REVOCATION_PREFIX)', () => {
      const prefixes = new Set(apps.map((other) => service(other.name).environment?.REVOCATION_PREFIX));
      expect(prefixes.size).toBe(1);
    });
  });
});

describe('docker-compose.yml, profile "cluster"', () => {
  const inProfile = Object.entries(compose.services).filter(([, found]) =>
    found.profiles?.includes('cluster'),
  );
  const nodes = inProfile.filter(([name]) => /^redis-c\d$/.test(name));
  const clusterApps = inProfile.filter(([, found]) => found.build);

  it('keeps every default service out of the profile, so `docker compose up` is unchanged', () => {
    for (const name of ['redis', 'postgres', ...apps.map((app) => app.name)])
      expect(service(name).profiles).toBeUndefined();
  });

  it('runs six cluster-enabled Redis nodes that never evict, on distinct fixed addresses', () => {
    expect(nodes).toHaveLength(6);
    const addresses = new Set<string>();
    for (const [, node] of nodes) {
      expect(node.command).toEqual(expect.arrayContaining(['--cluster-enabled', 'yes']));
      expect(node.command).toEqual(expect.arrayContaining(['--maxmemory-policy', 'noeviction']));
      addresses.add((node.networks as Record<string, { ipv4_address: string }>).cluster!.ipv4_address);
    }
    expect(addresses.size).toBe(6);
  });

  it('forms the cluster with one replica per master once every node is healthy', () => {
    const init = service('redis-cluster-init');
    const script = init.command?.join(' ') ?? '';
    expect(script).toContain('--cluster create');
    expect(script).toContain('--cluster-replicas 1');
    for (const [name] of nodes) expect(init.depends_on?.[name]).toEqual({ condition: 'service_healthy' });
  });

  it('runs auth, activity and two notes instances on the cluster, never on the single Redis', () => {
    const names = clusterApps.map(([name]) => name).sort();
    expect(names).toEqual(['activity-c', 'auth-c', 'notes-c', 'notes-c2']);
    const seeds = nodes.map(
      ([, node]) =>
        `${(node.networks as Record<string, { ipv4_address: string }>).cluster!.ipv4_address}:6379`,
    );
    for (const [, app] of clusterApps) {
      expect(app.environment?.REDIS_URL).toBeUndefined();
      expect(app.environment?.REDIS_CLUSTER_NODES?.split(',').sort()).toEqual(seeds.sort());
      expect(new URL(app.environment?.DATABASE_URL ?? '').host).toBe('postgres-c:5432');
      expect(app.depends_on?.['redis-cluster-init']).toEqual({ condition: 'service_completed_successfully' });
      expect(app.environment?.REVOCATION_PREFIX).toBe(service('auth').environment?.REVOCATION_PREFIX);
    }
    const hostPorts = clusterApps.flatMap(([, app]) => app.ports ?? []).map((port) => port.split(':')[0]);
    expect(new Set(hostPorts).size).toBe(4);
  });
});

describe(APP_DOCKERFILE, () => {
  const dockerfile = readFileSync(join(root, APP_DOCKERFILE), 'utf8');

  it('builds in one stage and runs the bundle with plain node in another', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toContain('pnpm install --offline --frozen-lockfile');
    // Docker's `${APP}`, not a template placeholder: `$` and `{` kept apart so it reads as data.
    const app = '$' + '{APP}';
    expect(dockerfile).toContain(`--filter "$(node -p "require('./apps/${app}/package.json').name")..."`);
    expect(dockerfile).toContain('pnpm run build --no-link');
    expect(dockerfile).toContain(`COPY --from=build /repo/apps/${app}/dist ./dist`);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/index\.js"\]$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
  });
});

describe.each(apps)('$dir, as the Dockerfile builds it', (app) => {
  const manifest = JSON.parse(readFileSync(join(root, app.dir, 'package.json'), 'utf8')) as {
    name: string;
    scripts: Record<string, string>;
  };

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
