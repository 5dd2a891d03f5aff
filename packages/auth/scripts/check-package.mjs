// Lints what `pnpm pack` publishes (with `publishConfig.exports` applied, `workspace:` and `catalog:`
// resolved), not the package.json the workspace reads: publint on the unpacked tarball, then
// Are the Types Wrong on the tarball (ESM only: no CommonJS entry points are offered). Run after `build`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = (name) => join(import.meta.dirname, '..', 'node_modules', '.bin', name);
const run = (command, args, options = {}) => execFileSync(command, args, { stdio: 'inherit', ...options });
const work = mkdtempSync(join(tmpdir(), 'revoke-auth-pack-'));
try {
  const out = execFileSync('pnpm', ['pack', '--json', '--pack-destination', work], { encoding: 'utf8' });
  const tarball = JSON.parse(out.slice(out.indexOf('{'))).filename;
  console.log(`packed ${tarball}`);
  run('tar', ['-xzf', tarball, '-C', work]);
  run(bin('publint'), ['run', join(work, 'package'), '--pack', 'false', '--strict']);
  run(bin('attw'), [tarball, '--profile', 'esm-only']);
} finally {
  rmSync(work, { recursive: true, force: true });
}
