import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsdown';

// The entry points are the package's `exports` (source, for the workspace): a subpath added there is
// built too. Each must say in `publishConfig.exports` (what `pnpm pack` publishes) either where its
// build lands, `{ types: './dist/<name>.d.ts', import: './dist/<name>.js' }`, or `null` (not published,
// not built: `./internal`). A subpath missing there fails the build, so none is forgotten.
type Exports = Record<string, string>;
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  exports: Exports;
  publishConfig: { exports: Record<string, { types: string; import: string } | null> };
};

const entry: Record<string, string> = {};
const problems: string[] = [];
for (const [subpath, source] of Object.entries(pkg.exports)) {
  const name = subpath === '.' ? 'index' : subpath.slice(2);
  const published = pkg.publishConfig.exports[subpath];
  const wanted = { types: `./dist/${name}.d.ts`, import: `./dist/${name}.js` };
  if (published === null) continue;
  if (published?.types !== wanted.types || published.import !== wanted.import)
    problems.push(`"${subpath}": ${JSON.stringify(wanted)} (or null to keep it unpublished)`);
  entry[name] = source;
}
for (const subpath of Object.keys(pkg.publishConfig.exports))
  if (!(subpath in pkg.exports)) problems.push(`"${subpath}" is published but not in "exports"`);
if (problems.length > 0)
  throw new Error(`packages/auth/package.json: publishConfig.exports needs\n  ${problems.join('\n  ')}`);

export default defineConfig({
  entry,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  outDir: 'dist',
  clean: true,
  fixedExtension: false,
  // `eager`: the declarations of every file, the bundled contract's too, come from one program.
  dts: { eager: true },
  // The shared contract (error codes and messages, the CSRF header) is a private workspace package:
  // bundled, its code and its types, so the tarball installs anywhere.
  deps: { alwaysBundle: ['@revoke/contract'] },
  // package.json stays as written: `exports` for the workspace, `publishConfig` for the tarball.
  exports: false,
});
