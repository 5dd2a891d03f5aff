/** Where the services are and when to refresh: baked in at build time (see `build-env.ts`). */
export interface WebConfig {
  authUrl: string;
  notesUrl: string;
  activityUrl: string;
  /** Refresh once this fraction of the access token's lifetime has passed. */
  refreshAt: number;
}

/** The configuration this bundle was built with. */
export function builtConfig(): WebConfig {
  return {
    authUrl: import.meta.env.VITE_AUTH_URL,
    notesUrl: import.meta.env.VITE_NOTES_URL,
    activityUrl: import.meta.env.VITE_ACTIVITY_URL,
    refreshAt: Number(import.meta.env.VITE_REFRESH_AT),
  };
}
