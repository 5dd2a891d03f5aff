import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Verdict, Violation } from '../history.ts';
import type { SoakOptions } from './options.ts';
import type { ServiceName } from './stack.ts';

/** Where `pnpm test:soak` (and the short form) leave the last report. */
export const REPORT_PATH = fileURLToPath(new URL('../../.results/soak.json', import.meta.url));

type ProcessName = ServiceName | 'redis' | 'loadGenerator';

/** Everything a soak run measured; written as JSON and printed by {@link formatReport}. */
export interface SoakReport {
  form: SoakOptions['form'];
  startedAt: string;
  /** Whole run: stack start, sessions, load, sweep. */
  wallSec: number;
  /** Seconds of load (warm-up included), and of creating the initial sessions before it. */
  loadSec: number;
  setUpSec: number;
  options: SoakOptions;
  sessions: { initial: number; users: number; liveAtEnd: number };
  logins: { ok: number; failed: number; registrations: number };
  /** Verifications during the load, by subject (auth, notes, activity, notes.create) and verdict. */
  requests: {
    total: number;
    perSecond: number;
    byService: Record<string, Record<Verdict, number>>;
    /** Requests not sent because `maxInFlight` were already waiting. */
    shed: number;
  };
  revocations: {
    /** Distinct tokens whose revocation was acknowledged (a 200 from logout or logoutAll). */
    acknowledged: number;
    /**
     * `unknown`: no 200, by outcome — `503 REVOCATION_UNAVAILABLE` (committed, but Redis did not take it
     * within the auth app's publish wait), `no answer` (the auth app restarting), `timeout` (10 s)…
     */
    logouts: { acked: number; unknown: Record<string, number> };
    /** Each logout or logout-all not acknowledged: when (seconds into the load, answered), which, why. */
    unknownTimeline: { atSec: number; path: string; outcome: string }[];
    /** From sending a logout (or logout-all) to its 200. */
    ackLatencyMs: { p50: number; p95: number; max: number };
    logoutAll: { acked: number; unknown: Record<string, number>; sessions: number };
  };
  faults: {
    total: number;
    byKind: Record<string, number>;
    timeline: { atSec: number; kind: string; healMs: number; detail?: string }[];
  };
  /** S. */
  boundMs: number;
  /** Longest gap between an acknowledgement and a request, sent after it, that a service still accepted. */
  maxAcceptanceAfterRevocationMs: number;
  maxAcceptanceAfterRevocationMsByService: Record<string, number>;
  /** The worst of those acceptances: where, when (seconds into the load), and the last fault before it. */
  worstAcceptance:
    | {
        service: string;
        atSec: number;
        delayMs: number;
        lastFaultBefore: { kind: string; atSec: number; healMs: number } | undefined;
      }
    | undefined;
  /**
   * Every acknowledged revocation (`tokens`) and every committed-but-unacknowledged one (a 503
   * REVOCATION_UNAVAILABLE logout: `committedUnacked`) at every service, once every fault healed.
   */
  finalSweep: {
    tokens: number;
    committedUnacked: number;
    requests: number;
    verdicts: Record<string, Record<Verdict, number>>;
  };
  memory: {
    processes: Record<
      ProcessName,
      {
        startMb: number | undefined;
        endMb: number | undefined;
        growthMb: number | undefined;
        sameProcess: boolean;
      }
    >;
    cacheEntries: {
      start: Record<ServiceName, number | undefined>;
      end: Record<ServiceName, number | undefined>;
    };
    redisIndexEntries: { start: number | undefined; end: number | undefined };
    redisUsedMemoryMb: { start: number | undefined; end: number | undefined };
    sampledAtSec: { start: number; end: number };
    /** Every sample (with each progress line, and the end): RSS by process, cache entries, Redis index. */
    series: {
      atSec: number;
      rssMb: Record<string, number | undefined>;
      cacheEntries: Record<ServiceName, number | undefined>;
      redisIndexEntries: number | undefined;
    }[];
  };
  verifications: number;
  violations: number;
  violationSamples: Violation[];
}

const mb = (value: number | undefined) => (value === undefined ? '?' : `${value.toFixed(1)} MB`);
const n = (value: number | undefined) => (value === undefined ? '?' : String(value));

function outcomes(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  const total = entries.reduce((sum, [, count]) => sum + count, 0);
  return total === 0
    ? '0'
    : `${total} (${entries.map(([outcome, count]) => `${outcome} ×${count}`).join(', ')})`;
}

function meanHealSec(report: SoakReport, kind: string): string {
  const heals = report.faults.timeline.filter((fault) => fault.kind === kind).map((fault) => fault.healMs);
  return (heals.reduce((sum, ms) => sum + ms, 0) / heals.length / 1000).toFixed(1);
}

function worstLine(worst: NonNullable<SoakReport['worstAcceptance']>): string {
  const fault = worst.lastFaultBefore;
  return (
    `  worst: ${worst.service} at ${worst.atSec.toFixed(1)} s, ${worst.delayMs.toFixed(0)} ms after the acknowledgement` +
    (fault
      ? ` (last fault before it: ${fault.kind} at ${fault.atSec.toFixed(1)} s, healed in ${(fault.healMs / 1000).toFixed(1)} s)`
      : ' (before any fault)')
  );
}

/** The report as a few readable lines. */
export function formatReport(report: SoakReport): string {
  const lines: string[] = [];
  const { requests, revocations, memory } = report;
  lines.push(
    `== soak report (${report.form} form, ${report.startedAt})`,
    `load ${report.loadSec.toFixed(0)} s (whole run ${report.wallSec.toFixed(0)} s, sessions set up in ${report.setUpSec.toFixed(0)} s)`,
    `sessions: ${report.sessions.initial} at start (${report.sessions.users} users by the end), ${report.sessions.liveAtEnd} live at the end`,
    `logins: ${report.logins.ok} ok, ${report.logins.failed} failed; ${report.logins.registrations} registrations`,
    `requests: ${requests.total} (${requests.perSecond.toFixed(0)}/s), ${requests.shed} shed`,
  );
  for (const [service, v] of Object.entries(requests.byService))
    lines.push(
      `  ${service.padEnd(13)} accepted ${v.accepted}, revoked ${v.revoked}, unavailable ${v.unavailable}, error ${v.error}`,
    );
  lines.push(
    `revocations acknowledged: ${revocations.acknowledged} tokens (logout ${revocations.logouts.acked} acked, ` +
      `logoutAll ${revocations.logoutAll.acked} acked covering ${revocations.logoutAll.sessions} sessions)`,
    `  not acknowledged (unknown): logout ${outcomes(revocations.logouts.unknown)}; logoutAll ${outcomes(revocations.logoutAll.unknown)}`,
    `  acknowledged in ${revocations.ackLatencyMs.p50.toFixed(0)} ms (median), ${revocations.ackLatencyMs.p95.toFixed(0)} ms (p95), ${revocations.ackLatencyMs.max.toFixed(0)} ms (max)`,
    `faults: ${report.faults.total} — ${Object.entries(report.faults.byKind)
      .map(([kind, count]) => `${kind} ×${count} (healed in ${meanHealSec(report, kind)} s on average)`)
      .join(', ')}`,
    `max acceptance after revocation: ${report.maxAcceptanceAfterRevocationMs.toFixed(0)} ms (bound S = ${report.boundMs} ms; ` +
      `${Object.entries(report.maxAcceptanceAfterRevocationMsByService)
        .map(([service, ms]) => `${service} ${ms.toFixed(0)} ms`)
        .join(', ')})`,
    ...(report.worstAcceptance ? [worstLine(report.worstAcceptance)] : []),
    `final sweep: (${report.finalSweep.tokens} acknowledged + ${report.finalSweep.committedUnacked} committed but unacknowledged) revoked tokens × 3 services = ${report.finalSweep.requests} requests`,
    `memory (RSS at ${memory.sampledAtSec.start.toFixed(0)} s → ${memory.sampledAtSec.end.toFixed(0)} s):`,
  );
  for (const [name, m] of Object.entries(memory.processes))
    lines.push(
      `  ${name.padEnd(13)} ${mb(m.startMb)} → ${mb(m.endMb)} (${m.growthMb === undefined ? '?' : `${m.growthMb >= 0 ? '+' : ''}${m.growthMb.toFixed(1)} MB`})` +
        (m.sameProcess ? '' : ' [restarted during the run: not comparable]'),
    );
  const peak = (name: string) =>
    Math.max(...memory.series.map((s) => s.rssMb[name] ?? Number.NEGATIVE_INFINITY));
  lines.push(
    `  peak RSS: ${Object.keys(memory.processes)
      .map((name) => `${name} ${Number.isFinite(peak(name)) ? peak(name).toFixed(0) : '?'} MB`)
      .join(', ')} (${memory.series.length} samples, in the JSON)`,
    `cache entries: ${Object.entries(memory.cacheEntries.end)
      .map(([name, end]) => `${name} ${n(memory.cacheEntries.start[name as ServiceName])} → ${n(end)}`)
      .join(', ')}; Redis index ${n(memory.redisIndexEntries.start)} → ${n(memory.redisIndexEntries.end)}`,
    `verifications checked: ${report.verifications}; violations: ${report.violations}`,
  );
  return lines.join('\n');
}

export async function writeReport(report: SoakReport, path = REPORT_PATH): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
}
