// What a run leaves behind: the table (terminal and README), results/latest.json, results/chart.svg.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { renderChart } from './chart.ts';
import type { GoalCheck } from './goals.ts';
import { formatNumber, type Row } from './runner.ts';
import { pairedRatio } from './stats.ts';
import { PEER_SIZE } from './workloads/fleet-size.ts';

export interface Results {
  machine: Machine;
  quick: boolean;
  durationSec: number;
  rows: Row[];
  goals: GoalCheck[];
  /** Text sections (where the time goes, failures), by title. */
  notes: Record<string, string[]>;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  redis: string;
  date: string;
  /** 1-minute load average when the run started: other work on the machine makes figures noisy. */
  loadAtStart: number;
}

export function machineInfo(): Machine {
  let redis = 'unknown';
  try {
    redis = /v=(\S+)/.exec(execFileSync('redis-server', ['--version'], { encoding: 'utf8' }))?.[1] ?? redis;
  } catch {
    // Reported as unknown; the workloads that need it will say why they failed.
  }
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    redis,
    date: new Date().toISOString(),
    loadAtStart: Number(loadavg()[0]!.toFixed(2)),
  };
}

const BASELINE: Record<string, string> = {
  check: 'tutorial',
  http: 'open',
  propagation: 'raw',
  memory: 'map',
  resync: 'floor',
  resume: 'reload',
  logout: 'floor',
  fleet: `ours-${PEER_SIZE}`,
  'fleet-herd': 'ours',
};

/** A Markdown table, readable as plain text too. */
export function renderTable(rows: readonly Row[]): string {
  const lines = ['| workload | variant | metric | median | spread | vs peer |', '|---|---|---|--:|--:|--:|'];
  for (const row of rows) {
    const peerName = BASELINE[row.workload];
    const peer = rows.find(
      (r) =>
        r.workload === row.workload &&
        r.variant === peerName &&
        r.metric === row.metric &&
        r.entries === row.entries,
    );
    const vs = peer && peer !== row ? versus(pairedRatio(row, peer), peerName!) : '';
    const metric = row.entries ? `${row.metric} @ ${row.entries.toLocaleString('en')}` : row.metric;
    const spread =
      row.rounds > 1 ? `±${Math.round((row.spread * 100) / 2)}% (${row.rounds})` : `(${row.rounds})`;
    lines.push(
      `| ${row.workload} | ${row.variant} | ${metric} | ${formatNumber(row.value)} ${row.unit} | ${spread} | ${vs} |`,
    );
  }
  return lines.join('\n');
}

/** `0.862× open`, or `1/536 of tutorial` where a plain factor would be unreadably small. */
function versus(ratio: number, peer: string): string {
  return ratio >= 0.1 || ratio === 0
    ? `${formatNumber(ratio)}× ${peer}`
    : `1/${formatNumber(1 / ratio)} of ${peer}`;
}

export function renderGoals(goals: readonly GoalCheck[]): string {
  const mark = (met: boolean | null) => (met === null ? '–' : met ? '✓' : '✗');
  return [
    '| goal (issue 6) | measured | met |',
    '|---|---|:-:|',
    ...goals.map((g) => `| ${g.goal} | ${g.measured} | ${mark(g.met)} |`),
  ].join('\n');
}

export function machineLine(results: Results): string {
  const m = results.machine;
  return `${m.date.slice(0, 16).replace('T', ' ')} UTC · ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB · Node ${m.node} · Redis ${m.redis} · load ${m.loadAtStart} at start · ${results.quick ? 'quick run' : 'full run'} in ${Math.round(results.durationSec)} s`;
}

/** Writes latest.json and chart.svg into `dir`. */
export function writeResults(dir: string, results: Results): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/latest.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${dir}/chart.svg`, renderChart(results.rows, machineLine(results)));
}

export const START_MARKER = '<!-- bench:start -->';
export const END_MARKER = '<!-- bench:end -->';

/** The README section between the markers, from a results file. */
export function renderReadmeBlock(results: Results): string {
  const notes = Object.entries(results.notes).flatMap(([title, lines]) => [
    '',
    `<details><summary>${title}</summary>`,
    '',
    '```',
    ...lines,
    '```',
    '</details>',
  ]);
  return [
    `Measured by \`pnpm bench\` (${machineLine(results)}); medians of interleaved rounds, spread = ±half the range (rounds), vs peer = median of the per-round ratios. See \`bench/README.md\`.`,
    '',
    renderTable(results.rows),
    '',
    renderGoals(results.goals),
    '',
    '![pnpm bench chart](bench/results/chart.svg)',
    ...notes,
  ].join('\n');
}

/** Replaces the block between the markers; false when the README has no markers. */
export function updateReadme(readmePath: string, block: string): boolean {
  const text = readFileSync(readmePath, 'utf8');
  const start = text.indexOf(START_MARKER);
  const end = text.indexOf(END_MARKER);
  if (start < 0 || end < start) return false;
  writeFileSync(readmePath, `${text.slice(0, start + START_MARKER.length)}\n${block}\n${text.slice(end)}`);
  return true;
}
