/** The kinds of revocation the memory workload measures one at a time (`kid`s are few: see the cache). */
export const MEMORY_KINDS = ['jti', 'sid', 'sub'] as const;
export type MemoryKind = (typeof MEMORY_KINDS)[number];

/** The metric a kind's figure is reported under: its own, so each kind meets its own peer. */
export const memoryMetric = (kind: MemoryKind): string => `bytes_per_${kind}`;
