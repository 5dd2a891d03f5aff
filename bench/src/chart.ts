// A hand-written SVG: one group of bars per workload and metric, each bar scaled to the largest
// value of its group, so that every variant reads against its peers at a glance.
import { formatNumber, type Row } from './runner.ts';
import { MEMORY_KINDS, memoryMetric } from './workloads/memory-kinds.ts';

const WIDTH = 760;
const LABEL = 170;
const BAR_AREA = 430;
const BAR = 16;
const GAP = 6;
const HEADING = 26;
const LOWER_IS_BETTER = new Set([
  'us_per_op',
  'p50_ms',
  'p99_ms',
  'ms',
  'p50_ms_at_200',
  'p99_ms_at_200',
  'first_process_p50_ms',
  'redis_us_per_rev',
  'redis_us_per_rev_burst',
  'herd_ms',
  'first_fresh_ms',
  'unavailable_pct',
  'direct_p99_ms',
  'redis_cpu_s',
  ...MEMORY_KINDS.map(memoryMetric),
]);
/** Metrics with an absolute goal are drawn against it too (an outlined bar), by `workload metric`. */
const GOALS: Record<string, number> = { 'logout per_s': 2000, 'logout p99_ms_at_200': 25 };

const xmlText = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** The chart of `rows` as an SVG document. */
export function renderChart(rows: readonly Row[], subtitle: string): string {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const key = `${row.workload} · ${row.metric}${row.entries ? ` · ${row.entries.toLocaleString('en')} entries` : ''}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const parts: string[] = [];
  let y = 56;
  for (const [title, group] of groups) {
    const better = LOWER_IS_BETTER.has(group[0]!.metric) ? 'lower is better' : 'higher is better';
    parts.push(
      `<text x="12" y="${y + 16}" class="h">${xmlText(title)} <tspan class="n">(${better})</tspan></text>`,
    );
    y += HEADING;
    const goal = GOALS[`${group[0]!.workload} ${group[0]!.metric}`];
    const bars =
      goal === undefined ? group : [...group, { ...group[0]!, variant: 'goal', value: goal, spread: 0 }];
    const max = Math.max(...bars.map((r) => r.value));
    for (const row of bars) {
      const width = max > 0 ? Math.max(1, (row.value / max) * BAR_AREA) : 1;
      const ours = row.variant.startsWith('ours');
      parts.push(
        `<text x="${LABEL - 8}" y="${y + BAR - 4}" class="v" text-anchor="end">${xmlText(row.variant)}</text>`,
        row.variant === 'goal'
          ? `<rect x="${LABEL}" y="${y}" width="${width.toFixed(1)}" height="${BAR}" rx="2" fill="none" stroke="#6b7280" stroke-dasharray="4 3"/>`
          : `<rect x="${LABEL}" y="${y}" width="${width.toFixed(1)}" height="${BAR}" rx="2" fill="${ours ? '#2563eb' : '#9ca3af'}"/>`,
        `<text x="${(LABEL + width + 6).toFixed(1)}" y="${y + BAR - 4}" class="v">${xmlText(
          `${formatNumber(row.value)} ${row.unit}${row.spread > 0 ? ` ±${Math.round((row.spread * 100) / 2)}%` : ''}`,
        )}</text>`,
      );
      y += BAR + GAP;
    }
    y += 8;
  }
  const height = y + 12;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif">`,
    '<style>.t{font-size:16px;font-weight:600}.h{font-size:13px;font-weight:600}.n{font-weight:400;fill:#6b7280}.v{font-size:12px}.s{font-size:11px;fill:#6b7280}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    '<text x="12" y="24" class="t">pnpm bench: ours (blue) beside its peers, median of interleaved rounds</text>',
    `<text x="12" y="42" class="s">${xmlText(subtitle)}</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
