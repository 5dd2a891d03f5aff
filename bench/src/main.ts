// pnpm bench [--quick] [--only=check,http] [--readme]
// Runs every workload with its peers interleaved, prints the table, writes results/latest.json and
// results/chart.svg, and rewrites the README block between <!-- bench:start --> and <!-- bench:end -->.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkGoals } from './goals.ts';
import {
  machineInfo,
  type Results,
  renderGoals,
  renderReadmeBlock,
  renderTable,
  updateReadme,
  writeResults,
} from './output.ts';
import { type BenchContext, Progress, type Row } from './runner.ts';
import { runCheck } from './workloads/check.ts';
import { runFleet } from './workloads/fleet.ts';
import { runHttp } from './workloads/http.ts';
import { runLogout } from './workloads/logout.ts';
import { runMemory } from './workloads/memory.ts';
import { runPropagation } from './workloads/propagation.ts';
import { runResume } from './workloads/resume.ts';
import { runResync } from './workloads/resync.ts';

const WORKLOADS: Record<string, (context: BenchContext) => Promise<Row[]>> = {
  check: runCheck,
  http: runHttp,
  propagation: runPropagation,
  memory: runMemory,
  resync: runResync,
  resume: runResume,
  logout: runLogout,
  fleet: runFleet,
};
const RESULTS_DIR = fileURLToPath(new URL('../results', import.meta.url));
const README = fileURLToPath(new URL('../../README.md', import.meta.url));

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const unknown = only?.filter((name) => !(name in WORKLOADS)) ?? [];
if (unknown.length > 0) {
  console.error(`unknown workload(s): ${unknown.join(', ')}; known: ${Object.keys(WORKLOADS).join(', ')}`);
  process.exit(2);
}

if (args.includes('--readme')) {
  // Only re-renders the README from the last results, e.g. after adding the markers. The goals are
  // checked again: they are code, so a goal added since that run shows, as not measured.
  const results = JSON.parse(readFileSync(`${RESULTS_DIR}/latest.json`, 'utf8')) as Results;
  writeReadme({ ...results, goals: checkGoals(results.rows) });
  process.exit(0);
}

const progress = new Progress();
const machine = machineInfo();
const context: BenchContext = { quick, progress, notes: {} };
const started = Date.now();
const rows: Row[] = [];
const failed: string[] = [];
progress.say(
  `pnpm bench${quick ? ' --quick' : ''}: ${only?.join(', ') ?? Object.keys(WORKLOADS).join(', ')} on ${machine.cpus} CPUs, load ${machine.loadAtStart}`,
);
for (const [name, run] of Object.entries(WORKLOADS)) {
  if (only && !only.includes(name)) continue;
  try {
    rows.push(...(await run(context)));
  } catch (error) {
    failed.push(name);
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    progress.say(`${name} failed: ${message}`);
    context.notes[`${name}: failed`] = message.split('\n').slice(0, 6);
  }
}
progress.done();

const results: Results = {
  machine,
  quick,
  durationSec: (Date.now() - started) / 1000,
  rows,
  goals: checkGoals(rows),
  notes: context.notes,
};
const goals = only
  ? results.goals.filter((g) => only.some((name) => g.goal.startsWith(`${name}:`)))
  : results.goals;
console.log(`\n${renderTable(rows)}\n\n${renderGoals(goals)}`);
for (const [title, lines] of Object.entries(results.notes)) console.log(`\n${title}\n${lines.join('\n')}`);
if (only) {
  console.log('\n(--only: nothing written)');
} else {
  writeResults(RESULTS_DIR, results);
  console.log(
    `\nwrote bench/results/latest.json and bench/results/chart.svg (${Math.round(results.durationSec)} s)`,
  );
  writeReadme(JSON.parse(readFileSync(`${RESULTS_DIR}/latest.json`, 'utf8')) as Results);
}
// Timers of closed clients must not keep a finished run alive.
process.exit(failed.length > 0 ? 1 : 0);

function writeReadme(from: Results): void {
  if (updateReadme(README, renderReadmeBlock(from))) console.log('updated the bench table in README.md');
  else
    console.log(
      'README.md has no <!-- bench:start --> … <!-- bench:end --> markers: table not written there',
    );
}
