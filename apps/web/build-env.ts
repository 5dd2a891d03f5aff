/**
 * The web client's build-time configuration, read once from the environment by `vite.config.ts`
 * and baked into the bundle (a static client has no server-side env). Each URL falls back from
 * `VITE_*` to the stack's own variable (`pnpm start` sets `AUTH_URL` etc. for every app) to the
 * default ports of the contract (docs/architecture.md, "The contract").
 */
export interface WebBuildEnv {
  authUrl: string;
  notesUrl: string;
  activityUrl: string;
  /** Refresh the access token once this fraction of its lifetime has passed (0.1–0.9). */
  refreshAt: number;
  /** Where `vite dev` and `vite preview` listen. */
  host: string;
  port: number;
  /** Where `vite build` writes and `vite preview` serves from (default `dist`). */
  outDir: string;
}

function url(name: string, value: string | undefined, fallback: string): string {
  const raw = value || fallback;
  try {
    const parsed = new URL(raw);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http(s)');
    return raw.replace(/\/+$/, '');
  } catch {
    throw new Error(`web: ${name}=${raw} is not an http(s) URL`);
  }
}

/** Validates the variables; throws one readable line for a bad one. */
export function readBuildEnv(env: Record<string, string | undefined>): WebBuildEnv {
  const refreshAt = Number(env.VITE_REFRESH_AT || '0.75');
  if (!(refreshAt >= 0.1 && refreshAt <= 0.9)) {
    throw new Error(`web: VITE_REFRESH_AT=${env.VITE_REFRESH_AT} must be between 0.1 and 0.9`);
  }
  const port = Number(env.WEB_PORT || '5173');
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`web: WEB_PORT=${env.WEB_PORT} is not a port`);
  return {
    authUrl: url('VITE_AUTH_URL', env.VITE_AUTH_URL || env.AUTH_URL, 'http://127.0.0.1:4000'),
    notesUrl: url('VITE_NOTES_URL', env.VITE_NOTES_URL || env.NOTES_URL, 'http://127.0.0.1:4001'),
    activityUrl: url('VITE_ACTIVITY_URL', env.VITE_ACTIVITY_URL || env.ACTIVITY_URL, 'http://127.0.0.1:4002'),
    refreshAt,
    host: env.WEB_HOST || '127.0.0.1',
    port,
    outDir: env.WEB_OUT_DIR || 'dist',
  };
}
