import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdir, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';

/**
 * Packages left out of the bundle: native addons and WebAssembly that load their binaries from
 * their own folder at run time. They are installed next to the bundle instead (dist/package.json).
 * `pg-native` is only ever loaded by `pg.native`, which nothing here uses.
 */
export const EXTERNALS = ['@node-rs/argon2', '@electric-sql/pglite', 'pg-native'] as const;

/**
 * Files that workspace packages read at run time, relative to their own root, copied to the same
 * relative place under dist/ (see {@link workspaceImportMetaUrl}).
 */
const ASSETS = [{ from: 'packages/db/migrations', to: 'migrations' }] as const;

/** Options for {@link bundleApp}. */
export interface BundleOptions {
  /** Repository root. */
  root: string;
  /** The app's folder; bundles its `src/index.ts`. */
  appDir: string;
  /** Output folder, emptied first; default the app's `dist/`. */
  outDir?: string | undefined;
  /**
   * Link each external package into `dist/node_modules` from the workspace's install, so that
   * `node dist/index.js` runs right here. A Docker build passes false and runs `npm install` in dist/.
   */
  linkExternals: boolean;
}

/** What {@link bundleApp} produced. */
export interface BundleResult {
  outfile: string;
  bytes: number;
  /** External packages the bundle imports, with the version installed here (pinned in dist/package.json). */
  externals: Record<string, string>;
  /** Externals the bundle may import that are not installed here (left out of dist/package.json). */
  notInstalled: string[];
}

/**
 * Bundles an app into one ES module that plain `node` runs: every workspace package and npm
 * dependency inlined (TypeScript compiled away), except {@link EXTERNALS}.
 */
export async function bundleApp(options: BundleOptions): Promise<BundleResult> {
  const { root, appDir } = options;
  const dist = options.outDir ?? join(appDir, 'dist');
  const outfile = join(dist, 'index.js');
  await rm(dist, { recursive: true, force: true });
  const result = await build({
    entryPoints: [join(appDir, 'src/index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    external: [...EXTERNALS],
    // CommonJS dependencies bundled into an ES module still call `require` (for Node builtins and
    // the externals); an ES module has none, so the bundle makes one.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
    },
    plugins: [workspaceImportMetaUrl(root)],
    metafile: true,
    logLevel: 'warning',
  });

  const used = importedExternals(result.metafile);
  const externals: Record<string, string> = {};
  const notInstalled: string[] = [];
  for (const name of used) {
    const installed = findInstalled(root, appDir, name);
    if (!installed) {
      notInstalled.push(name);
      continue;
    }
    externals[name] = installed.version;
    if (options.linkExternals) {
      const link = join(dist, 'node_modules', name);
      await mkdir(dirname(link), { recursive: true });
      await symlink(await realpath(installed.dir), link, 'dir');
    }
  }
  for (const asset of ASSETS) {
    if (bundles(result.metafile, dirname(asset.from))) {
      await cp(join(root, asset.from), join(dist, asset.to), { recursive: true });
    }
  }
  const manifest = {
    name: `${basename(appDir)}-dist`,
    private: true,
    type: 'module',
    description:
      'Bundled by scripts/stack (pnpm build); `npm install` here installs what the bundle leaves out.',
    dependencies: externals,
  };
  await writeFile(join(dist, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const bytes = (await readFile(outfile)).byteLength;
  return { outfile, bytes, externals, notInstalled };
}

/**
 * A workspace package that finds its files through `import.meta.url` (`@revoke/db` locates its
 * migrations with `new URL('../migrations/…', import.meta.url)`) would, once bundled, resolve them
 * next to dist/index.js instead. So each workspace module's `import.meta.url` becomes its own place
 * relative to its package root, re-rooted at dist/ (`packages/db/src/services.ts` →
 * `dist/src/services.ts`), and {@link ASSETS} are copied there: the bundle carries its files.
 */
function workspaceImportMetaUrl(root: string): Plugin {
  const packages = join(root, 'packages');
  return {
    name: 'workspace-import-meta-url',
    setup(context) {
      context.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (!args.path.startsWith(packages)) return undefined;
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        // dist/index.js is the module whose URL is real; a sibling path names the re-rooted place.
        const withinPackage = relative(packages, args.path).split(sep).slice(1).join('/');
        const fromBundle = `./${withinPackage}`;
        return {
          contents: source.replaceAll(
            'import.meta.url',
            `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`,
          ),
          loader: 'ts',
        };
      });
    },
  };
}

/** Package names of the external imports left in the bundle. */
function importedExternals(metafile: Metafile): string[] {
  const names = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const entry of output.imports) {
      if (!entry.external || entry.path.startsWith('node:')) continue;
      const name = entry.path.startsWith('@')
        ? entry.path.split('/').slice(0, 2).join('/')
        : (entry.path.split('/')[0] ?? '');
      if (EXTERNALS.some((external) => external === name)) names.add(name);
    }
  }
  return [...names].sort();
}

/** True when the bundle includes a module under `folder` (relative to the root). */
function bundles(metafile: Metafile, folder: string): boolean {
  return Object.keys(metafile.inputs).some((input) => input.includes(`${folder}/`));
}

/**
 * The installed copy of `name` that the bundle's code would have loaded: the app's own dependency,
 * or that of one of the workspace packages (pnpm links each package's dependencies in its own folder).
 */
function findInstalled(
  root: string,
  appDir: string,
  name: string,
): { dir: string; version: string } | undefined {
  const packages = join(root, 'packages');
  const candidates = [appDir, ...readdirSync(packages).map((folder) => join(packages, folder))];
  for (const folder of candidates) {
    const dir = join(folder, 'node_modules', name);
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
    return { dir, version };
  }
  return undefined;
}
