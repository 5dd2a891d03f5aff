import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { readBuildEnv } from './build-env.ts';

// One static bundle; the services' URLs are baked in at build time (see build-env.ts), and the
// browser calls them cross-origin with credentials (each service allows WEB_ORIGIN by CORS).
export default defineConfig(() => {
  const env = readBuildEnv(process.env);
  return {
    plugins: [react()],
    define: {
      'import.meta.env.VITE_AUTH_URL': JSON.stringify(env.authUrl),
      'import.meta.env.VITE_NOTES_URL': JSON.stringify(env.notesUrl),
      'import.meta.env.VITE_ACTIVITY_URL': JSON.stringify(env.activityUrl),
      'import.meta.env.VITE_REFRESH_AT': JSON.stringify(String(env.refreshAt)),
    },
    server: { host: env.host, port: env.port, strictPort: true },
    preview: { host: env.host, port: env.port, strictPort: true },
    build: { outDir: env.outDir, emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1024 },
  };
});
