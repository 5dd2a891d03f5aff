import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Colour } from './colours.ts';

/** One deployable under `apps/`, as the stack starts it. */
export interface AppSpec {
  name: string;
  /** Folder under the repository root; the app runs its own `start` (or `dev`) script there. */
  dir: string;
  /** Variable holding its port, and the port when unset (docs/architecture.md, "The contract"). */
  portVar: string;
  defaultPort: number;
  /** Variable holding the URL other apps and the demo reach it at; unset: `http://127.0.0.1:<port>`. */
  urlVar: string;
  /** Answers 200 once the app can serve (services: after their revocation feed's first snapshot). */
  readyPath: string;
  colour: Colour;
}

/**
 * Every app the stack knows, in start order: auth first, since the services' feeds wait for the
 * Redis epoch it sets. Adding an app is one line here; one whose folder does not exist yet is
 * skipped, so `web` joins the stack the day it lands.
 */
export const APPS: readonly AppSpec[] = [
  {
    name: 'auth',
    dir: 'apps/auth',
    portVar: 'AUTH_PORT',
    defaultPort: 4000,
    urlVar: 'AUTH_URL',
    readyPath: '/readyz',
    colour: 'cyan',
  },
  {
    name: 'notes',
    dir: 'apps/notes',
    portVar: 'NOTES_PORT',
    defaultPort: 4001,
    urlVar: 'NOTES_URL',
    readyPath: '/readyz',
    colour: 'magenta',
  },
  {
    name: 'activity',
    dir: 'apps/activity',
    portVar: 'ACTIVITY_PORT',
    defaultPort: 4002,
    urlVar: 'ACTIVITY_URL',
    readyPath: '/readyz',
    colour: 'yellow',
  },
  {
    name: 'web',
    dir: 'apps/web',
    portVar: 'WEB_PORT',
    defaultPort: 5173,
    urlVar: 'WEB_URL',
    readyPath: '/',
    colour: 'blue',
  },
];

/** The apps of {@link APPS} that exist in the checkout at `root`. */
export function presentApps(root: string, apps: readonly AppSpec[] = APPS): AppSpec[] {
  return apps.filter((app) => existsSync(join(root, app.dir, 'package.json')));
}

/** An app with the port and URL it gets in this run. */
export interface PlacedApp extends AppSpec {
  port: number;
  url: string;
}

/** Ports and URLs from `env` (the same variables the apps read), defaults otherwise. */
export function placeApps(apps: readonly AppSpec[], env: Record<string, string | undefined>): PlacedApp[] {
  return apps.map((app) => {
    const raw = env[app.portVar];
    const port = raw ? Number(raw) : app.defaultPort;
    if (!Number.isInteger(port) || port < 1 || port > 65_535) {
      throw new Error(`${app.portVar}=${raw} is not a port`);
    }
    const url = (env[app.urlVar] || `http://127.0.0.1:${port}`).replace(/\/+$/, '');
    return { ...app, port, url };
  });
}

/**
 * The variables every app gets: each app's port and URL, so that they all agree on where the others
 * are, the Redis the stack settled on, and notes' service credential. Everything else (DATABASE_URL,
 * data dirs, prefixes) passes through from the caller's environment untouched.
 */
export function stackEnv(
  apps: readonly PlacedApp[],
  redisUrl: string,
  inherited: Record<string, string | undefined> = process.env,
): Record<string, string> {
  const env: Record<string, string> = { REDIS_URL: redisUrl };
  for (const app of apps) {
    env[app.portVar] = String(app.port);
    env[app.urlVar] = app.url;
  }
  // The services let exactly one origin through CORS: the web client's, wherever it runs this time.
  const web = apps.find((app) => app.urlVar === 'WEB_URL');
  if (web && !inherited.WEB_ORIGIN) env.WEB_ORIGIN = new URL(web.url).origin;
  // Notes calls activity with its own credential, which the auth app must know: unless the caller
  // configured both, one fresh secret per run, given to both.
  if (!inherited.SERVICE_CLIENTS && !inherited.SERVICE_CLIENT_SECRET) {
    const secret = randomBytes(32).toString('base64url');
    env.SERVICE_CLIENTS = `notes:${secret}`;
    env.SERVICE_CLIENT_SECRET = secret;
  }
  return env;
}
