import { join, relative } from 'node:path';
import { bundleApp } from './build/bundle-app.ts';

// Each app's `pnpm build`: run in the app's folder, bundles it into dist/ (see bundle-app.ts).
// `--no-link` (Docker) leaves the externals for `npm install` in dist/ instead of linking them.
const root = join(import.meta.dirname, '../../..');
const appDir = process.cwd();
const started = performance.now();
const result = await bundleApp({ root, appDir, linkExternals: !process.argv.includes('--no-link') });
const externals = Object.entries(result.externals).map(([name, version]) => `${name}@${version}`);
console.log(
  `${relative(root, result.outfile)}: ${(result.bytes / 1024).toFixed(0)} KiB in ${Math.round(performance.now() - started)} ms;` +
    ` external: ${externals.join(', ') || 'none'}` +
    (result.notInstalled.length
      ? ` (not installed, never loaded here: ${result.notInstalled.join(', ')})`
      : ''),
);
