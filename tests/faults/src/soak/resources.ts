import { readFile } from 'node:fs/promises';
import { revocationKeys } from '@revoke/auth/writer';
import { SERVICE_NAMES, type ServiceName, type SoakStack } from './stack.ts';

/** One process's memory at one moment. */
export interface ProcessMemory {
  pid: number | undefined;
  /** Resident set size (VmRSS), MB; undefined when the process could not be read. */
  rssMb: number | undefined;
}

/** What each process holds at one moment: memory, and the size of every service's revocation cache. */
export interface ResourceSample {
  /** Seconds since the load started. */
  atSec: number;
  memory: Record<ServiceName | 'redis' | 'loadGenerator', ProcessMemory>;
  /** Live revoked entries in each service's local cache (`revoke_cache_entries`, summed over kinds). */
  cacheEntries: Record<ServiceName, number | undefined>;
  /** Redis: live entries in the snapshot index, and `used_memory` (MB). */
  redisIndexEntries: number | undefined;
  redisUsedMemoryMb: number | undefined;
}

/** VmRSS of a process from `/proc/<pid>/status`, in MB. */
export async function rssMb(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** The sum of `revoke_cache_entries{kind=…}` in a service's `/metrics`. */
export async function cacheEntries(url: string): Promise<number | undefined> {
  try {
    const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) });
    const text = await response.text();
    let total: number | undefined;
    for (const match of text.matchAll(/^revoke_cache_entries\{[^}]*\}\s+(\S+)$/gm))
      total = (total ?? 0) + Number(match[1]);
    return total;
  } catch {
    return undefined;
  }
}

/** A field of `INFO` (e.g. `process_id`, `used_memory`). */
function infoField(info: string, field: string): number | undefined {
  const value = new RegExp(`^${field}:(\\d+)`, 'm').exec(info)?.[1];
  return value === undefined ? undefined : Number(value);
}

export async function sampleResources(stack: SoakStack, atSec: number): Promise<ResourceSample> {
  const memory = {} as ResourceSample['memory'];
  const caches = {} as ResourceSample['cacheEntries'];
  for (const name of SERVICE_NAMES) {
    const { pid } = stack.services[name];
    memory[name] = { pid, rssMb: await rssMb(pid) };
    caches[name] = await cacheEntries(stack.services[name].url);
  }
  // The index after the caches: while revocations keep arriving, a cache can then never look larger
  // than the index only because it was read later.
  const index = await stack
    .redisCommand('ZCARD', revocationKeys(stack.env.REVOCATION_PREFIX).index)
    .catch(() => '');
  const info = await stack.redisCommand('INFO').catch(() => '');
  const redisPid = infoField(info, 'process_id');
  memory.redis = { pid: redisPid, rssMb: await rssMb(redisPid) };
  memory.loadGenerator = { pid: process.pid, rssMb: process.memoryUsage().rss / 2 ** 20 };
  const used = infoField(info, 'used_memory');
  return {
    atSec,
    memory,
    cacheEntries: caches,
    redisIndexEntries: /^\d+$/.test(index) ? Number(index) : undefined,
    redisUsedMemoryMb: used === undefined ? undefined : used / 2 ** 20,
  };
}
