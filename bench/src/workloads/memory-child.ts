// Measures, in a fresh process started with --expose-gc, what N live revoked ids cost: heap used
// plus off-heap buffers (typed arrays live there), after full collections, minus the same before.
import { randomBytes } from 'node:crypto';
import { RevocationCache } from '@revoke/auth';

const [variant = 'ours', count = '0'] = process.argv.slice(2);
const entries = Number(count);
const gc = globalThis.gc;
if (!gc) throw new Error('run with --expose-gc');

function usedBytes(): number {
  // Several passes: weak references and finalizers may need more than one to be collected.
  for (let i = 0; i < 4; i++) gc!();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

/** Realistic ids: 16 random bytes, base64url (22 characters), as the auth app issues `jti`s. */
function* ids(): Generator<string> {
  const chunk = 16 * 4096;
  for (let done = 0; done < entries; ) {
    const bytes = randomBytes(chunk);
    for (let at = 0; at < chunk && done < entries; at += 16, done++) {
      yield bytes.toString('base64url', at, at + 16);
    }
  }
}

const now = Math.floor(Date.now() / 1000);
// Expiries spread over the 15-minute token lifetime, as real ones are (and too large for a small integer).
const expiry = (i: number) => now + 60 + (i % 900);
const exp = expiry(0);
// Warm everything that is allocated once (modules, code), so the baseline contains it.
new RevocationCache().add({ kind: 'jti', id: randomBytes(16).toString('base64url'), exp });
new Map<string, number>().set(randomBytes(16).toString('base64url'), exp);

const before = usedBytes();
let size: number;
if (variant === 'ours') {
  const cache = new RevocationCache();
  let i = 0;
  for (const id of ids()) cache.add({ kind: 'jti', id, exp: expiry(i++) });
  const after = usedBytes();
  size = cache.size;
  process.send?.({ type: 'result', bytes: after - before, size });
} else {
  const map = new Map<string, number>();
  let i = 0;
  for (const id of ids()) map.set(id, expiry(i++));
  const after = usedBytes();
  size = map.size;
  process.send?.({ type: 'result', bytes: after - before, size });
}
process.disconnect?.();
