/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_AUTH_URL: string;
  readonly VITE_NOTES_URL: string;
  readonly VITE_ACTIVITY_URL: string;
  readonly VITE_REFRESH_AT: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
