// The goals of issue 6, checked against a run's rows.
import { formatNumber, type Row } from './runner.ts';
import { pairedRatio } from './stats.ts';
import { FLEET_SIZE, PEER_SIZE } from './workloads/fleet-size.ts';
import { MEMORY_KINDS, memoryMetric } from './workloads/memory-kinds.ts';

export interface GoalCheck {
  goal: string;
  measured: string;
  /** null: not measured in this run (a workload failed or was skipped, or quick mode's smaller size). */
  met: boolean | null;
}

const FULL_SIZE = 1_000_000;

export function checkGoals(rows: readonly Row[]): GoalCheck[] {
  const find = (workload: string, variant: string, metric: string, entries?: number) =>
    rows.find(
      (r) =>
        r.workload === workload &&
        r.variant === variant &&
        r.metric === metric &&
        (entries === undefined || r.entries === entries),
    );
  const resyncOurs = rows.find((r) => r.workload === 'resync' && r.variant === 'ours');
  const resyncFloor = rows.find((r) => r.workload === 'resync' && r.variant === 'floor');
  const seen = find('check', 'ours-seen', 'us_per_op');
  const first = find('check', 'ours-first', 'us_per_op');
  const tutorialCheck = find('check', 'tutorial', 'us_per_op');
  const bareVerify = find('check', 'crypto-verify', 'us_per_op');
  const http = (variant: string) => find('http', variant, 'req_per_s');
  const p99 = (variant: string) => find('propagation', variant, 'p99_ms');
  const logout = (variant: string, metric = 'per_s') => find('logout', variant, metric);
  const fleetP99 = (instances: number) => find('fleet', `ours-${instances}`, 'p99_ms');

  return [
    absolute('check: seen-before ≤ 1.5 µs per check', seen, (v) => v <= 1.5, 'µs'),
    ratio(
      'check: seen-before ≥ 40× faster than the tutorial',
      tutorialCheck,
      seen,
      (r) => r >= 40,
      '× faster',
    ),
    ratio(
      'check: first sight ≤ 1.10× bare crypto.verify',
      first,
      bareVerify,
      (r) => r <= 1.1,
      '× crypto.verify',
    ),
    ratio('http: ours ≥ 0.95× unprotected', http('ours'), http('open'), (r) => r >= 0.95, '× open'),
    ratio("http: ours ≥ 1.3× the tutorial's", http('ours'), http('tutorial'), (r) => r >= 1.3, '× tutorial'),
    ratio("propagation: p99 ≤ 1.5× the raw hop's p99", p99('ours'), p99('raw'), (r) => r <= 1.5, '× raw'),
    // Every kind on its own: a token's jti, a session's sid, a user's not-before.
    ...MEMORY_KINDS.map((kind) =>
      absolute(
        `memory: ≤ 32 bytes per ${kind} entry at 1M`,
        find('memory', 'ours', memoryMetric(kind), FULL_SIZE),
        (v) => v <= 32,
        'B',
      ),
    ),
    resyncOurs?.entries === FULL_SIZE || !resyncOurs
      ? absolute('resync: ≤ 3 s at 1M', resyncOurs, (v) => v <= 3000, 'ms')
      : {
          goal: 'resync: ≤ 3 s at 1M',
          measured: `not measured at 1M (this run: ${resyncOurs.entries?.toLocaleString('en')} entries)`,
          met: null,
        },
    ratio('resync: ≤ 1.5× the floor', resyncOurs, resyncFloor, (r) => r <= 1.5, '× floor'),
    find('resume', 'ours-resume', 'ms', FULL_SIZE) || !find('resume', 'ours-resume', 'ms')
      ? absolute(
          'resume: ≤ 20 ms after a 2 s gap at 1M',
          find('resume', 'ours-resume', 'ms', FULL_SIZE),
          (v) => v <= 20,
          'ms',
        )
      : {
          goal: 'resume: ≤ 20 ms after a 2 s gap at 1M',
          measured: 'not measured at 1M (quick run)',
          met: null,
        },
    ratio(
      'resume: ≥ 100× faster than a reload',
      find('resume', 'reload', 'ms'),
      find('resume', 'ours-resume', 'ms'),
      (r) => r >= 100,
      '× faster',
    ),
    absolute('logout: ≥ 2,000 logouts/s', logout('ours'), (v) => v >= 2000, '/s'),
    ratio(
      "logout: ours ≥ 0.5× the floor's rate",
      logout('ours'),
      logout('floor'),
      (r) => r >= 0.5,
      '× floor',
    ),
    absolute('logout: p99 ≤ 25 ms at 200 logouts/s', logout('ours', 'p99_ms_at_200'), (v) => v <= 25, 'ms'),
    ratio(
      `fleet: p99 to the last of ${FLEET_SIZE} instances ≤ 2× with ${PEER_SIZE}`,
      fleetP99(FLEET_SIZE),
      fleetP99(PEER_SIZE),
      (r) => r <= 2,
      `× ${PEER_SIZE} instances`,
    ),
    absolute(
      `fleet-herd: ≤ 1% of direct checks refused while ${FLEET_SIZE} instances reload (resyncJitterMs 15 s)`,
      find('fleet-herd', 'ours+jitter-15s', 'unavailable_pct'),
      (v) => v <= 1,
      '%',
    ),
  ];
}

function absolute(
  goal: string,
  row: Row | undefined,
  ok: (value: number) => boolean,
  unit: string,
): GoalCheck {
  if (!row) return { goal, measured: 'not measured', met: null };
  return { goal, measured: `${formatNumber(row.value)} ${unit}`, met: ok(row.value) };
}

/** `a / b`, judged by `ok`. */
function ratio(
  goal: string,
  a: Row | undefined,
  b: Row | undefined,
  ok: (ratio: number) => boolean,
  unit: string,
): GoalCheck {
  if (!a || !b) return { goal, measured: 'not measured', met: null };
  const r = pairedRatio(a, b);
  return {
    goal,
    measured: `${formatNumber(r)}${unit} (${formatNumber(a.value)} vs ${formatNumber(b.value)} ${a.unit})`,
    met: ok(r),
  };
}
