// Summarises a V8 `.cpuprofile` (from node --cpu-prof) over chosen time windows: where the sampled
// time went, by package and by function (self time). Timestamps are the monotonic clock in µs, the
// same clock as process.hrtime in any process of this machine, so windows can come from another process.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A span of the monotonic clock, in ns (`process.hrtime.bigint()` readings). */
export interface Window {
  start: bigint;
  end: bigint;
}

export interface ProfileSummary {
  /** Samples that fell in the windows. */
  samples: number;
  /** Share of those samples by package or kind (`(idle)`, `(garbage collector)`, …), largest first. */
  byPackage: [string, number][];
  /** Share by function (self time), busiest first, idle excluded. */
  byFunction: [string, number][];
  /**
   * Share of the busy (not idle) samples by the package nearest the sampled frame on its stack:
   * time in node's built-ins and in native code (a `writev`, a hash) charged to the package that
   * called into them. `(node only)`: no package on the stack, e.g. a socket flushed from node's own tick.
   */
  byCaller: [string, number][];
}

/** Kinds of frame that are not a package's own code: charged to their caller in `byCaller`. */
const NOT_A_CALLER = new Set(['node (built-in)', '(native: bindings, syscalls)', '(root)']);

/** Reads `file` and summarises the samples taken inside `windows`. */
export function summariseProfile(file: string, windows: readonly Window[], top = 12): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  /** The package of the nearest frame, from `nodeId` up, that is some package's own code. */
  const callerOf = (nodeId: number): string => {
    for (let id: number | undefined = nodeId; id !== undefined; id = parents.get(id)) {
      const frame = nodes.get(id)?.callFrame;
      const where = frame && packageOf(frame.url, frame.functionName);
      if (where && !NOT_A_CALLER.has(where)) return where;
    }
    return '(node only)';
  };
  const spans = windows.map((w) => [Number(w.start / 1000n), Number(w.end / 1000n)] as const);
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const byCaller = new Map<string, number>();
  let at = profile.startTime;
  let counted = 0;
  profile.samples.forEach((nodeId, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (!spans.some(([start, end]) => at >= start && at <= end)) return;
    const frame = nodes.get(nodeId)?.callFrame;
    if (!frame) return;
    counted++;
    const where = packageOf(frame.url, frame.functionName);
    byPackage.set(where, (byPackage.get(where) ?? 0) + 1);
    if (where === '(idle)') return;
    const caller = callerOf(nodeId);
    byCaller.set(caller, (byCaller.get(caller) ?? 0) + 1);
    // Line numbers of files compiled on the fly (tsx) are not the source's: kept for plain JS only.
    const line = frame.url.endsWith('.js') || frame.url.endsWith('.mjs') ? `:${frame.lineNumber + 1}` : '';
    const name = `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}${line}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + 1);
  });
  const shares = (counts: Map<string, number>, of: number) =>
    [...counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, count]) => [name, of ? count / of : 0] as [string, number]);
  const busy = counted - (byPackage.get('(idle)') ?? 0);
  return {
    samples: counted,
    byPackage: shares(byPackage, counted),
    byFunction: shares(byFunction, counted),
    byCaller: shares(byCaller, busy),
  };
}

/** `fastify`, `@trpc/server`, `apps/auth`, `node:internal`, or V8's `(idle)` / `(program)` / GC. */
function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native: bindings, syscalls)';
  const inModules = url.match(/node_modules\/(?!\.pnpm)(@[^/]+\/[^/]+|[^/]+)/g);
  if (inModules) return inModules[inModules.length - 1]!.replace('node_modules/', '');
  if (url.startsWith('node:')) return 'node (built-in)';
  const workspace = url.match(/\/(apps|packages)\/([^/]+)\//);
  if (workspace) return `${workspace[1]}/${workspace[2]}`;
  return url;
}

function shortUrl(url: string): string {
  const inModules = url.lastIndexOf('node_modules/');
  if (inModules >= 0) return url.slice(inModules + 'node_modules/'.length);
  const workspace = url.search(/\/(apps|packages)\//);
  return workspace >= 0 ? url.slice(workspace + 1) : url;
}
