import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CheckResult } from '../history.ts';

/** `tests/faults/.results` (gitignored). */
const RESULTS = fileURLToPath(new URL('../../.results/', import.meta.url));

/** Faults injected, by kind, in this test file. */
export class FaultCounter {
  readonly #counts = new Map<string, number>();
  /** Figures over every scenario of the file: what the closing note cites. */
  readonly figures = {
    scenarios: 0,
    revocations: 0,
    verifications: 0,
    violations: 0,
    maxAcceptanceAfterAckMs: 0,
  };

  add(kind: string): void {
    this.#counts.set(kind, (this.#counts.get(kind) ?? 0) + 1);
  }

  /** Adds one scenario's checked history to the figures. */
  record(result: CheckResult): void {
    this.figures.scenarios++;
    this.figures.revocations += result.revocations;
    this.figures.verifications += result.verifications;
    this.figures.violations += result.violations.length;
    this.figures.maxAcceptanceAfterAckMs = Math.max(
      this.figures.maxAcceptanceAfterAckMs,
      Math.round(result.maxAcceptanceAfterAckMs),
    );
  }

  get total(): number {
    return [...this.#counts.values()].reduce((sum, n) => sum + n, 0);
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.#counts].sort(([a], [b]) => a.localeCompare(b)));
  }

  /**
   * Writes this file's counts to `.results/faults/<suite>.json` and the sum over every suite's file to
   * `.results/faults.json`, so the closing note can cite counts by kind for the whole suite.
   */
  save(suite: string): Record<string, number> {
    const extra: Record<string, number> = this.figures;
    const dir = join(RESULTS, 'faults');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, `${suite}.json`),
      `${JSON.stringify({ faults: this.toJSON(), ...extra }, null, 2)}\n`,
    );
    const totals: Record<string, number> = {};
    const figures: Record<string, number> = {};
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.json'))) {
      const saved = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
        faults: Record<string, number>;
      } & Record<string, unknown>;
      for (const [kind, n] of Object.entries(saved.faults)) totals[kind] = (totals[kind] ?? 0) + n;
      for (const [key, value] of Object.entries(saved)) {
        if (typeof value !== 'number') continue;
        figures[key] = key.startsWith('max')
          ? Math.max(figures[key] ?? 0, value)
          : (figures[key] ?? 0) + value;
      }
    }
    writeFileSync(
      join(RESULTS, 'faults.json'),
      `${JSON.stringify({ faults: totals, ...figures }, null, 2)}\n`,
    );
    return totals;
  }
}
