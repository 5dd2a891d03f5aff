import type { Fleet } from './fleet.ts';

/** How many times each service's feed brought its cache up to date, by mode, from its `/metrics`. */
export type SnapshotCounts = Record<string, { full: number; resumed: number }>;

/** Reads `revoke_snapshot_duration_seconds_count{mode}` of every service. */
export async function snapshotCounts(fleet: Fleet): Promise<SnapshotCounts> {
  const counts: SnapshotCounts = {};
  for (const target of fleet.targets) {
    const text = await (await fetch(`${target.url}/metrics`)).text();
    const found = { full: 0, resumed: 0 };
    for (const [, mode, value] of text.matchAll(
      /snapshot_duration_seconds_count\{[^}]*mode="(full|resumed)"[^}]*\} (\d+)/g,
    )) {
      found[mode as 'full' | 'resumed'] += Number(value);
    }
    counts[target.name] = found;
  }
  return counts;
}

/** Per service, how many more snapshots of `mode` `after` counts than `before`. */
export function snapshotsSince(
  before: SnapshotCounts,
  after: SnapshotCounts,
  mode: 'full' | 'resumed',
): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after).map(([name, counts]) => [name, counts[mode] - (before[name]?.[mode] ?? 0)]),
  );
}
