// memory: what each live revoked entry costs in a service, per kind (a token's `jti`, a session's
// `sid`, a user's not-before under `sub`), at 100k and 1M entries: ours (the RevocationCache's
// compact tables) beside plain Maps of the same ids. Each measurement is its own process
// (memory-child.ts), so nothing of an earlier one is left on the heap.
import { benchFile, forkTs, isMessage, nextMessage } from '../children.ts';
import { type BenchContext, interleave, type Row } from '../runner.ts';
import { MEMORY_KINDS, type MemoryKind, memoryMetric } from './memory-kinds.ts';

export async function runMemory(context: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];
  for (const kind of MEMORY_KINDS) {
    for (const entries of [100_000, 1_000_000]) {
      rows.push(
        ...(await interleave(context, {
          workload: 'memory',
          units: { [memoryMetric(kind)]: 'B' },
          entries,
          rounds: context.quick ? 1 : 3,
          // Deterministic enough that warming up would only cost time: every run is a fresh process.
          warmup: 0,
          variants: ['ours', 'map'].map((variant) => ({
            name: variant,
            run: () => measure(variant, kind, entries),
          })),
        })),
      );
    }
  }
  return rows;
}

async function measure(variant: string, kind: MemoryKind, entries: number) {
  const child = forkTs(benchFile('./workloads/memory-child.ts'), {
    args: [variant, String(entries), kind],
    nodeArgs: ['--expose-gc'],
  });
  const result = await nextMessage(
    child,
    isMessage<{ type: 'result'; bytes: number; size: number }>('result'),
    // A million UUIDs in Maps, collected four times over, on a busy machine.
    120_000,
  );
  if (result.size !== entries) throw new Error(`${variant} held ${result.size} ${kind}s, not ${entries}`);
  return { [memoryMetric(kind)]: result.bytes / entries };
}
