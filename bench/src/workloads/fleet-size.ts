// The fleet workload's shape, shared with the goals and the table (kept free of imports, like memory-kinds.ts).
export const PROCESSES = 4;
export const FLEET_PER_PROCESS = 64;
export const PEER_PER_PROCESS = 2;
/** Instances measured. */
export const FLEET_SIZE = PROCESSES * FLEET_PER_PROCESS;
/** Instances of the peer, in the same processes, on a prefix of their own. */
export const PEER_SIZE = PROCESSES * PEER_PER_PROCESS;
