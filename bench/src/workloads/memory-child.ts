// Measures, in a fresh process started with --expose-gc, what N live revocations of one kind cost:
// heap used plus off-heap buffers (typed arrays live there), after full collections, minus the same
// before. Arguments: variant (`ours`: a RevocationCache; `map`: plain Maps of the same ids), N, kind.
import { randomBytes, randomUUID } from 'node:crypto';
import { RevocationCache } from '@revoke/auth/internal';
import { MEMORY_KINDS, type MemoryKind } from './memory-kinds.ts';

const [variant = 'ours', count = '0', kindArg = 'jti'] = process.argv.slice(2);
const entries = Number(count);
if (!MEMORY_KINDS.includes(kindArg as MemoryKind)) throw new Error(`unknown kind ${kindArg}`);
const kind = kindArg as MemoryKind;
const gc = globalThis.gc;
if (!gc) throw new Error('run with --expose-gc');

function usedBytes(): number {
  // Several passes: weak references and finalizers may need more than one to be collected.
  for (let i = 0; i < 4; i++) gc!();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

/** 16 random bytes, base64url (22 characters), as the auth app issues `jti`s. */
function* base64urlIds(): Generator<string> {
  const chunk = 16 * 4096;
  for (let done = 0; done < entries; ) {
    const bytes = randomBytes(chunk);
    for (let at = 0; at < chunk && done < entries; at += 16, done++) {
      yield bytes.toString('base64url', at, at + 16);
    }
  }
}

const HEX = '0123456789abcdef';
/**
 * Random UUIDs (version 4), lower case, as session and user ids are, each a flat string as it
 * arrives parsed from a token or an event (`randomUUID()` builds a chain of string pieces, which
 * would make a Map of them look far costlier than it is).
 */
function* uuids(): Generator<string> {
  const text = Buffer.alloc(36);
  const chunk = 16 * 4096;
  for (let done = 0; done < entries; ) {
    const bytes = randomBytes(chunk);
    for (let at = 0; at < chunk && done < entries; at += 16, done++) {
      bytes[at + 6] = (bytes[at + 6]! & 0x0f) | 0x40;
      bytes[at + 8] = (bytes[at + 8]! & 0x3f) | 0x80;
      let out = 0;
      for (let i = 0; i < 16; i++) {
        if (i === 4 || i === 6 || i === 8 || i === 10) text[out++] = 0x2d; // '-'
        text[out++] = HEX.charCodeAt(bytes[at + i]! >> 4);
        text[out++] = HEX.charCodeAt(bytes[at + i]! & 15);
      }
      yield text.toString('latin1');
    }
  }
}

const ids = () => (kind === 'jti' ? base64urlIds() : uuids());
const now = Math.floor(Date.now() / 1000);
// Expiries spread over the 15-minute token lifetime, as real ones are (and too large for a small
// integer); a user's not-before is when they logged out everywhere, in the last 15 minutes.
const expiry = (i: number) => now + 60 + (i % 900);
const notBefore = (i: number) => now - (i % 900);

// Warm everything that is allocated once (modules, code, every kind's tables), so the baseline
// contains it.
const warm = new RevocationCache();
warm.add({ kind: 'jti', id: randomBytes(16).toString('base64url'), exp: expiry(0) });
warm.add({ kind: 'sid', id: randomUUID(), exp: expiry(0) });
warm.add({ kind: 'sub', id: randomUUID(), notBefore: notBefore(0), exp: expiry(0) });
new Map<string, number>().set(randomUUID(), expiry(0));

const before = usedBytes();
/** How many entries the structure holds; called after the measurement, so it is live through it. */
let heldEntries: () => number;
if (variant === 'ours') {
  const cache = new RevocationCache();
  let i = 0;
  for (const id of ids()) {
    if (kind === 'sub') cache.add({ kind, id, notBefore: notBefore(i), exp: expiry(i) });
    else cache.add({ kind, id, exp: expiry(i) });
    i++;
  }
  heldEntries = () => cache.sizes()[kind];
} else {
  // The peer: what the cache held before its tables were compact, a Map per value (a user's
  // not-before and its expiry were two).
  const maps =
    kind === 'sub' ? [new Map<string, number>(), new Map<string, number>()] : [new Map<string, number>()];
  let i = 0;
  for (const id of ids()) {
    maps[0]!.set(id, expiry(i));
    maps[1]?.set(id, notBefore(i));
    i++;
  }
  heldEntries = () => maps[0]!.size;
}
const after = usedBytes();
process.send?.({ type: 'result', bytes: after - before, size: heldEntries() });
process.disconnect?.();
