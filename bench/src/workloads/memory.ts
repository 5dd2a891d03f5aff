// memory: what each live revoked entry costs in a service, at 100k and 1M entries: ours (the
// RevocationCache's compact id sets) beside a plain Map<string, number> of the same ids. Each
// measurement is its own process (memory-child.ts), so nothing of an earlier one is left on the heap.
import { benchFile, forkTs, isMessage, nextMessage } from '../children.ts';
import { type BenchContext, interleave, type Row } from '../runner.ts';

export async function runMemory(context: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];
  for (const entries of [100_000, 1_000_000]) {
    rows.push(
      ...(await interleave(context, {
        workload: 'memory',
        units: { bytes_per_entry: 'B' },
        entries,
        rounds: context.quick ? 1 : 3,
        // Deterministic enough that warming up would only cost time: every run is a fresh process.
        warmup: 0,
        variants: ['ours', 'map'].map((variant) => ({ name: variant, run: () => measure(variant, entries) })),
      })),
    );
  }
  return rows;
}

async function measure(variant: string, entries: number) {
  const child = forkTs(benchFile('./workloads/memory-child.ts'), {
    args: [variant, String(entries)],
    nodeArgs: ['--expose-gc'],
  });
  const result = await nextMessage(
    child,
    isMessage<{ type: 'result'; bytes: number; size: number }>('result'),
  );
  if (result.size !== entries) throw new Error(`${variant} held ${result.size} entries, not ${entries}`);
  return { bytes_per_entry: result.bytes / entries };
}
