import { median, spread } from './stats.ts';

/** One result, comparable across runs by (workload, variant, metric, entries). */
export interface Row {
  workload: string;
  variant: string;
  metric: string;
  /** Median over the rounds. */
  value: number;
  unit: string;
  /** Set where the size is part of the question (memory, resync). */
  entries?: number;
  /** (max − min) / median over the rounds. */
  spread: number;
  rounds: number;
  min: number;
  max: number;
  /** The value of each round, in order: peers' samples of the same index ran back to back. */
  samples: number[];
}

/** What one run of one variant measured: metric → value. */
export type Measurement = Record<string, number>;

export interface Variant {
  name: string;
  /** One measured run; `round` is 0-based, -1 for the warm-up. */
  run(round: number): Promise<Measurement>;
}

/** Everything a workload gets from the driver. */
export interface BenchContext {
  quick: boolean;
  progress: Progress;
  /** Text sections for the results (e.g. where the time goes), by title. */
  notes: Record<string, string[]>;
}

export interface InterleaveOptions {
  workload: string;
  variants: Variant[];
  rounds: number;
  /** Unmeasured rounds first, to warm the JIT, caches and connections (default 1). */
  warmup?: number;
  /** Unit of each metric. */
  units: Record<string, string>;
  entries?: number;
}

/**
 * Runs the variants A B A B … for `rounds` rounds, so that whatever else the machine does at the
 * time hits every variant alike, then reports each metric's median and spread over the rounds.
 */
export async function interleave(context: BenchContext, options: InterleaveOptions): Promise<Row[]> {
  const { workload, variants, rounds, units, entries } = options;
  const samples = new Map<string, Measurement[]>(variants.map((v) => [v.name, []]));
  const warmup = options.warmup ?? 1;
  for (let round = -warmup; round < rounds; round++) {
    for (const variant of variants) {
      const label = `${workload}${entries ? ` ${entries.toLocaleString('en')}` : ''} ${variant.name} ${
        round < 0 ? 'warm-up' : `round ${round + 1}/${rounds}`
      }`;
      // A collection left over from the previous variant must not land in this one's timing.
      globalThis.gc?.();
      const measured = await context.progress.step(
        label,
        () => variant.run(round < 0 ? -1 : round),
        describe,
      );
      if (round >= 0) samples.get(variant.name)!.push(measured);
    }
  }
  const rows: Row[] = [];
  for (const variant of variants) {
    const runs = samples.get(variant.name)!;
    for (const metric of Object.keys(units)) {
      const values = runs.map((run) => run[metric]).filter((v): v is number => typeof v === 'number');
      if (values.length === 0) continue;
      rows.push({
        workload,
        variant: variant.name,
        metric,
        value: median(values),
        unit: units[metric]!,
        ...(entries ? { entries } : {}),
        spread: spread(values),
        rounds: values.length,
        min: Math.min(...values),
        max: Math.max(...values),
        samples: values,
      });
    }
  }
  return rows;
}

function describe(measured: Measurement): string {
  return Object.entries(measured)
    .map(([metric, value]) => `${formatNumber(value)} ${metric}`)
    .join(', ');
}

/** Three significant digits, grouped thousands. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/**
 * What the user sees while it runs: on a terminal one status line, rewritten in place; elsewhere
 * (CI, a pipe) one line per finished step. Goes to stderr, so stdout is the table alone.
 */
export class Progress {
  readonly #tty = process.stderr.isTTY === true;
  readonly #started = Date.now();
  #count = 0;

  /** Runs one step under a label; prints it with its duration and what `summary` says of its result. */
  async step<T>(label: string, run: () => Promise<T>, summary?: (result: T) => string): Promise<T> {
    this.#count++;
    const stepStarted = Date.now();
    if (this.#tty) process.stderr.write(`\r\x1b[K${this.#prefix()} ${label} …`);
    const result = await run();
    const seconds = ((Date.now() - stepStarted) / 1000).toFixed(1);
    const detail = summary ? `: ${summary(result)}` : '';
    const line = `${this.#prefix()} ${label} (${seconds} s)${detail}`;
    process.stderr.write(this.#tty ? `\r\x1b[K${line}` : `${line}\n`);
    return result;
  }

  /** A line that stays (a workload's heading, a warning). */
  say(message: string): void {
    process.stderr.write(this.#tty ? `\r\x1b[K${message}\n` : `${message}\n`);
  }

  /** Clears the status line. */
  done(): void {
    if (this.#tty) process.stderr.write('\r\x1b[K');
  }

  #prefix(): string {
    const elapsed = Math.round((Date.now() - this.#started) / 1000);
    return `[${String(Math.floor(elapsed / 60)).padStart(2, '0')}:${String(elapsed % 60).padStart(2, '0')} #${this.#count}]`;
  }
}
