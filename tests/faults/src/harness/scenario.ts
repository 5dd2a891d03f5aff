import type { FaultCounter } from '../faults/counter.ts';
import { jtiOf } from '../faults/processes.ts';
import { type CheckResult, describeViolation, History } from '../history.ts';
import { verify } from './client.ts';
import type { Fleet } from './fleet.ts';
import { signInMany, Workload, type WorkloadOptions } from './workload.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a scenario's fault schedule gets to work with. */
export interface ScenarioContext {
  fleet: Fleet;
  history: History;
  workload: Workload;
  /** Counts one injected fault of `kind` (for the summary and `.results/faults.json`). */
  injected(kind: string): void;
}

export interface ScenarioOptions {
  name: string;
  fleet: Fleet;
  counter: FaultCounter;
  /** Injects the faults and heals every one of them before resolving. */
  faults(context: ScenarioContext): Promise<void>;
  /** Workload before the first fault (default 1000 ms), so some revocations are acknowledged before it. */
  warmupMs?: number;
  /** Convergence margin on top of S after healing (default 1500 ms). */
  marginMs?: number;
  users?: number;
  devices?: number;
  workload?: WorkloadOptions;
}

export interface ScenarioResult extends CheckResult {
  name: string;
  /** Faults injected by this scenario, by kind. */
  faults: Record<string, number>;
  /**
   * Tokens whose logout got no 200 (a 503, a reset, a timeout), whether their revocation committed in
   * Postgres, and each service's verdict on them in the final sweep.
   */
  inDoubt: { token: string; committed: boolean; verdicts: Record<string, string> }[];
  /**
   * The checker ignores unacknowledged logouts; this is the stronger promise for them: every one that
   * committed is refused as revoked everywhere after healing (the outbox delivered it). One line per miss.
   */
  committedNotRevoked: string[];
  /** One readable line per violation. */
  explanations: string[];
  /** The one-line summary printed for the scenario. */
  summary: string;
}

/**
 * Everything a scenario must not show, one readable line each: the checker's violations (acknowledged
 * revocations) and committed-but-unanswered logouts that some service did not refuse after healing.
 */
export function problems(result: ScenarioResult): string[] {
  return [...result.explanations, ...result.committedNotRevoked];
}

/** Runs `tasks` with at most `width` at a time. */
async function inParallel(tasks: (() => Promise<void>)[], width: number): Promise<void> {
  const queue = [...tasks];
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let task = queue.shift(); task; task = queue.shift()) await task();
    }),
  );
}

/**
 * One Jepsen-style run: sign sessions in, start the workload, inject and heal the faults, stop
 * logging out, wait for every process to be ready plus S and a margin (`healedAt`), sweep every
 * acknowledged revocation at every service, then check the three invariants over the whole history.
 */
export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const { fleet } = options;
  const history = new History();
  const tokens = await signInMany(fleet.authUrl, options.users ?? 6, options.devices ?? 7);
  const workload = new Workload(history, fleet.targets, fleet.authUrl, tokens, options.workload);
  const faults: Record<string, number> = {};
  const context: ScenarioContext = {
    fleet,
    history,
    workload,
    injected: (kind) => {
      faults[kind] = (faults[kind] ?? 0) + 1;
      options.counter.add(kind);
    },
  };

  workload.start();
  try {
    await sleep(options.warmupMs ?? 1000);
    await options.faults(context);
    await workload.stopLogouts();
    await fleet.waitReady(120_000);
    await sleep(fleet.staleAfterMs + (options.marginMs ?? 1500));
  } finally {
    await workload.stop();
  }
  const healedAt = history.now();

  // The final sweep: every acknowledged revocation at every service, and the in-doubt ones too.
  const inDoubt = await Promise.all(
    workload.inDoubt.map(async (token) => ({
      token,
      committed: await fleet.committed(jtiOf(token)),
      verdicts: {} as Record<string, string>,
    })),
  );
  await inParallel(
    [
      ...workload.revoked.flatMap((token) =>
        fleet.targets.map((target) => async () => void (await verify(history, target, token))),
      ),
      ...inDoubt.flatMap((entry) =>
        fleet.targets.map((target) => async () => {
          entry.verdicts[target.name] = await verify(history, target, entry.token);
        }),
      ),
    ],
    6,
  );

  const result = history.check({
    boundMs: fleet.staleAfterMs,
    healedAt,
    services: fleet.targets.map((target) => target.name),
  });
  options.counter.record(result);
  const committedNotRevoked = inDoubt
    .filter((entry) => entry.committed)
    .flatMap((entry) =>
      Object.entries(entry.verdicts)
        .filter(([, verdict]) => verdict !== 'revoked')
        .map(
          ([service, verdict]) =>
            `${service} answered ${verdict} for committed, unanswered …${entry.token.slice(-12)}`,
        ),
    );
  const explanations = result.violations.map(describeViolation);
  const { verdicts } = result;
  const summary =
    `[fault] ${options.name}: faults ${JSON.stringify(faults)}; revocations ${result.revocations}` +
    ` (+${inDoubt.length} unanswered, ${inDoubt.filter((entry) => entry.committed).length} of them committed); verifications ${result.verifications}` +
    ` (accepted ${verdicts.accepted}, revoked ${verdicts.revoked}, unavailable ${verdicts.unavailable}, error ${verdicts.error});` +
    ` max acceptance after ack ${result.maxAcceptanceAfterAckMs.toFixed(0)} ms; violations ${result.violations.length}`;
  console.log(summary);
  for (const line of [...explanations, ...committedNotRevoked].slice(0, 20))
    console.log(`  violation: ${line}`);
  return { ...result, name: options.name, faults, inDoubt, committedNotRevoked, explanations, summary };
}
