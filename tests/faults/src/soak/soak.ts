import { setTimeout as sleep } from 'node:timers/promises';
import { verify } from '../harness/client.ts';
import { type CheckResult, History, type Verdict, type Violation } from '../history.ts';
import { COMMITTED_NOT_PUBLISHED, createNote, login, logoutWith, register } from './api.ts';
import type { SoakOptions } from './options.ts';
import type { SoakReport } from './report.ts';
import { type ResourceSample, sampleResources } from './resources.ts';
import { SERVICE_NAMES, type ServiceName, type SoakStack, startSoakStack } from './stack.ts';

const PASSWORD = 'correct horse battery staple';
/** notes.create answers for notes and activity at once; the checker sees it as a subject of its own. */
const NOTES_CREATE = 'notes.create';
/** Margin over S before the final sweep: the feeds' heartbeat period plus scheduling slack on 2 cores. */
const HEAL_MARGIN_MS = 2_000;
/** How many recently revoked tokens the load keeps probing. */
const RECENT_REVOCATIONS = 256;

interface User {
  email: string;
  sessions: Set<Session>;
  /** A login or "log out everywhere" is in flight: no second one, so their order is known. */
  busy: boolean;
}

interface Session {
  token: string;
  user: User;
  /** Position in {@link Soak.live}, for O(1) removal. */
  index: number;
}

export type FaultKind = 'pubsub-kill' | 'redis-restart' | `service-restart:${ServiceName}`;

interface FaultRecord {
  atSec: number;
  kind: FaultKind;
  /** Until the fault was over: Redis answering again, the restarted service ready. */
  healMs: number;
  detail?: string;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

/** One soak run: the stack, the load, the faults, the history and the counters of the report. */
class Soak {
  readonly history = new History();
  readonly users: User[] = [];
  readonly live: Session[] = [];
  readonly recentlyRevoked: string[] = [];
  readonly faults: FaultRecord[] = [];
  readonly counts = {
    registrations: 0,
    logins: 0,
    loginFailures: 0,
    logoutsAcked: 0,
    logoutAllAcked: 0,
    sessionsRevokedByLogoutAll: 0,
    shed: 0,
  };
  /** Logouts and logout-alls that got no 200, by outcome (`503 REVOCATION_UNAVAILABLE`, `timeout`…). */
  readonly unknownLogouts: Record<string, number> = {};
  readonly unknownLogoutAlls: Record<string, number> = {};
  /**
   * Tokens whose logout (or logout-all) answered 503 REVOCATION_UNAVAILABLE: committed in Postgres but
   * not yet in Redis, so bound by no deadline; but once every fault healed they must be refused too.
   */
  readonly committedUnacked = new Set<string>();
  /** When each of those happened (seconds into the load), to set them against the fault timeline. */
  readonly unknownTimeline: { atSec: number; path: string; outcome: string }[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  /** Requests (not session operations) in flight: what `maxInFlight` bounds. */
  #requestsInFlight = 0;
  #loadStartedAt = 0;
  #stopping = false;

  constructor(
    readonly stack: SoakStack,
    readonly options: SoakOptions,
  ) {}

  get inFlight(): number {
    return this.#requestsInFlight;
  }

  /** Seconds since the load started. */
  elapsedSec(): number {
    return (performance.now() - this.#loadStartedAt) / 1000;
  }

  #addSession(user: User, token: string): void {
    const session: Session = { token, user, index: this.live.length };
    this.live.push(session);
    user.sessions.add(session);
  }

  #removeSession(session: Session): void {
    const last = this.live.pop()!;
    if (last !== session) {
      this.live[session.index] = last;
      last.index = session.index;
    }
    session.user.sessions.delete(session);
  }

  async #newUser(): Promise<User> {
    const user: User = {
      email: `soak-${Math.random().toString(36).slice(2)}@example.com`,
      sessions: new Set(),
      busy: true,
    };
    await register(this.stack.env.AUTH_URL!, user.email, PASSWORD);
    this.counts.registrations++;
    this.users.push(user);
    return user;
  }

  async #login(user: User): Promise<void> {
    try {
      this.#addSession(user, await login(this.stack.env.AUTH_URL!, user.email, PASSWORD));
      this.counts.logins++;
    } catch {
      this.counts.loginFailures++;
    }
  }

  /** Registers the users and logs each in on every device, a few at a time (argon2 is the bottleneck). */
  async setUp(): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < this.options.users) {
        next++;
        const user = await this.#newUser();
        for (let i = 0; i < this.options.devicesPerUser; i++) await this.#login(user);
        user.busy = false;
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
  }

  /**
   * Starts `operation` without waiting for it. Requests are shed past `maxInFlight`; session operations
   * (logins, logouts) never are, so that their rates hold and the live set stays what the counters say.
   */
  #launch(operation: () => Promise<void>, sheddable = true): void {
    if (sheddable && this.#requestsInFlight >= this.options.maxInFlight) {
      this.counts.shed++;
      return;
    }
    if (sheddable) this.#requestsInFlight++;
    const promise: Promise<void> = operation()
      .catch(() => {})
      .finally(() => {
        this.#inFlight.delete(promise);
        if (sheddable) this.#requestsInFlight--;
      });
    this.#inFlight.add(promise);
  }

  /** One authenticated request: mostly live tokens, some recently revoked ones, some note creations. */
  #request(): void {
    const roll = Math.random();
    if (roll < 0.15 && this.recentlyRevoked.length > 0) {
      const token = pick(this.recentlyRevoked);
      this.#launch(() => verify(this.history, this.stack.targets[pick(SERVICE_NAMES)], token).then(() => {}));
      return;
    }
    if (this.live.length === 0) return;
    const { token } = pick(this.live);
    if (roll > 0.93) {
      this.#launch(() =>
        createNote(this.history, NOTES_CREATE, this.stack.services.notes.url, token, `soak ${Date.now()}`),
      );
      return;
    }
    this.#launch(() => verify(this.history, this.stack.targets[pick(SERVICE_NAMES)], token).then(() => {}));
  }

  /** A token whose revocation was acknowledged (and recorded in the history): probe it from now on. */
  #probeLater(token: string): void {
    this.recentlyRevoked.push(token);
    if (this.recentlyRevoked.length > RECENT_REVOCATIONS) this.recentlyRevoked.shift();
  }

  /** A new session: an existing idle user on another device, or (one in ten) a new user. */
  #sustainedLogin(): void {
    this.#launch(async () => {
      let user: User | undefined;
      if (Math.random() < 0.1) {
        user = await this.#newUser().catch(() => undefined);
        if (!user) {
          this.counts.loginFailures++;
          return;
        }
      } else {
        user = pick(this.users);
        if (user.busy) return;
        user.busy = true;
      }
      await this.#login(user);
      user.busy = false;
    }, false);
  }

  /** Logs one live session out, then asks every service about it at once (the fastest probe of S). */
  #logout(): void {
    // Keep the live set from draining: the load measures steady state, not a shrinking pool.
    if (this.live.length <= (this.options.users * this.options.devicesPerUser) / 2) return;
    const session = pick(this.live);
    if (session.user.busy) return;
    this.#removeSession(session);
    this.#launch(async () => {
      const invokedAt = this.history.now();
      const outcome = await logoutWith('auth.logout', this.stack.env.AUTH_URL!, session.token);
      if (outcome !== 'acked') {
        this.unknownLogouts[outcome] = (this.unknownLogouts[outcome] ?? 0) + 1;
        this.unknownTimeline.push({ atSec: this.elapsedSec(), path: 'auth.logout', outcome });
        if (outcome === COMMITTED_NOT_PUBLISHED) this.committedUnacked.add(session.token);
        return;
      }
      this.history.ack(session.token, invokedAt);
      this.counts.logoutsAcked++;
      this.#probeLater(session.token);
      await Promise.all(
        SERVICE_NAMES.map((name) => verify(this.history, this.stack.targets[name], session.token)),
      );
    }, false);
  }

  /** "Log out everywhere" for a user with live sessions: each of them counts as revoked once acknowledged. */
  #logoutAll(): void {
    if (this.live.length === 0) return;
    const { user } = pick(this.live);
    if (user.busy) return;
    user.busy = true;
    const sessions = [...user.sessions];
    for (const session of sessions) this.#removeSession(session);
    this.#launch(async () => {
      try {
        const invokedAt = this.history.now();
        const outcome = await logoutWith('auth.logoutAll', this.stack.env.AUTH_URL!, sessions[0]!.token);
        if (outcome !== 'acked') {
          this.unknownLogoutAlls[outcome] = (this.unknownLogoutAlls[outcome] ?? 0) + 1;
          this.unknownTimeline.push({ atSec: this.elapsedSec(), path: 'auth.logoutAll', outcome });
          if (outcome === COMMITTED_NOT_PUBLISHED)
            for (const session of sessions) this.committedUnacked.add(session.token);
          return;
        }
        this.counts.logoutAllAcked++;
        this.counts.sessionsRevokedByLogoutAll += sessions.length;
        for (const session of sessions) {
          this.history.ack(session.token, invokedAt);
          this.#probeLater(session.token);
        }
        await Promise.all(
          sessions.map((session) =>
            verify(this.history, this.stack.targets[pick(SERVICE_NAMES)], session.token),
          ),
        );
      } finally {
        user.busy = false;
      }
    }, false);
  }

  /** Runs the open-loop load for the whole duration; `onTick` sees the elapsed seconds. */
  async load(onTick: (elapsedSec: number) => void): Promise<void> {
    this.#loadStartedAt = performance.now();
    const rates: [number, () => void][] = [
      [this.options.requestRate, () => this.#request()],
      [this.options.loginRate, () => this.#sustainedLogin()],
      [this.options.logoutRate, () => this.#logout()],
      [this.options.logoutAllRate, () => this.#logoutAll()],
    ];
    const owed = rates.map(() => 0);
    let last = performance.now();
    while (this.elapsedSec() < this.options.durationSec) {
      const now = performance.now();
      const dt = (now - last) / 1000;
      last = now;
      rates.forEach(([rate, operation], i) => {
        owed[i]! += rate * dt;
        while (owed[i]! >= 1) {
          owed[i]!--;
          operation();
        }
      });
      onTick(this.elapsedSec());
      await sleep(10);
    }
    await Promise.allSettled([...this.#inFlight]);
  }

  /** Injects one fault of each kind in turn, every `faultEverySec`, from the end of warm-up until the load stops. */
  async faultLoop(): Promise<void> {
    // A Redis fault, a service restart, the other Redis fault, the next service's restart…: even a short
    // run sees every kind (a restart takes seconds; the Redis faults about one).
    const redisFaults = ['pubsub-kill', 'redis-restart'] as const;
    const kinds: FaultKind[] = this.options.restartable.flatMap((service, i) => [
      redisFaults[i % 2]!,
      `service-restart:${service}` as const,
    ]);
    kinds.push(...redisFaults.filter((kind) => !kinds.includes(kind)));
    await sleep(this.options.warmupSec * 1000);
    for (let i = 0; ; i++) {
      // Leave the last interval fault-free so that the last fault has healed when the load stops.
      if (this.elapsedSec() + 2 * this.options.faultEverySec > this.options.durationSec) return;
      await sleep(this.options.faultEverySec * 1000);
      if (this.#stopping) return;
      await this.inject(kinds[i % kinds.length]!);
    }
  }

  async inject(kind: FaultKind): Promise<void> {
    const atSec = this.elapsedSec();
    const started = performance.now();
    let detail: string | undefined;
    if (kind === 'pubsub-kill') {
      detail = `${await this.stack.redisCommand('CLIENT', 'KILL', 'TYPE', 'pubsub')} connections`;
    } else if (kind === 'redis-restart') {
      await this.stack.redis.restart();
    } else {
      await this.stack.restart(kind.slice('service-restart:'.length) as ServiceName);
    }
    const record: FaultRecord = { atSec, kind, healMs: performance.now() - started };
    if (detail) record.detail = detail;
    this.faults.push(record);
  }

  stop(): void {
    this.#stopping = true;
  }

  /**
   * After every fault healed (each service ready again) and S plus a margin passed: every acknowledged
   * revocation, at every service. Returns when the sweep began (the checker's `healedAt`).
   */
  async finalSweep(): Promise<{
    healedAt: number;
    tokens: number;
    committedUnacked: number;
    requests: number;
  }> {
    await Promise.all(SERVICE_NAMES.map((name) => this.stack.services[name].waitReady(120_000)));
    await sleep(this.options.staleAfterMs + HEAL_MARGIN_MS);
    const healedAt = this.history.now();
    const acked = new Set(this.history.acks.map((ack) => ack.token));
    const committed = [...this.committedUnacked].filter((token) => !acked.has(token));
    const tokens = [...acked, ...committed];
    const jobs = tokens.flatMap((token) => SERVICE_NAMES.map((name) => [name, token] as const));
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const [name, token] = jobs[next++]!;
        await verify(this.history, this.stack.targets[name], token);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    return { healedAt, tokens: acked.size, committedUnacked: committed.length, requests: jobs.length };
  }

  /**
   * Each committed-but-unacknowledged revocation that some service did not refuse as revoked in the
   * final sweep: the durable promise (a committed logout is delivered whatever happens) broken.
   */
  committedNotRevoked(healedAt: number): Violation[] {
    const acked = new Set(this.history.acks.map((ack) => ack.token));
    const worst = new Map<string, Verdict>();
    for (const v of this.history.verifications) {
      if (v.sentAt < healedAt || acked.has(v.token) || !this.committedUnacked.has(v.token)) continue;
      const key = `${v.service}\u0000${v.token}`;
      if (worst.get(key) === undefined || worst.get(key) === 'revoked') worst.set(key, v.verdict);
    }
    const violations: Violation[] = [];
    for (const token of this.committedUnacked) {
      if (acked.has(token)) continue;
      for (const service of SERVICE_NAMES) {
        const verdict = worst.get(`${service}\u0000${token}`) ?? 'never checked';
        if (verdict !== 'revoked')
          violations.push({ kind: 'not-rejected-after-heal', service, token, verdict });
      }
    }
    return violations;
  }

  /** Verdicts by subject (service, or notes.create) over `verifications[from, to)`. */
  verdictsBySubject(from: number, to: number): Record<string, Record<Verdict, number>> {
    const result: Record<string, Record<Verdict, number>> = {};
    for (const v of this.history.verifications.slice(from, to)) {
      result[v.service] ??= { accepted: 0, revoked: 0, unavailable: 0, error: 0 };
      result[v.service]![v.verdict]++;
    }
    return result;
  }

  /**
   * Per subject, the longest gap between an acknowledgement and a later request it still accepted; and
   * the worst such acceptance overall, with the last fault injected before it.
   */
  acceptancesAfterAck(): { bySubject: Record<string, number>; worst: SoakReport['worstAcceptance'] } {
    const ackedAt = new Map<string, number>();
    for (const ack of this.history.acks)
      ackedAt.set(ack.token, Math.min(ackedAt.get(ack.token) ?? Infinity, ack.ackedAt));
    const bySubject: Record<string, number> = {};
    let worst: { service: string; sentAt: number; delayMs: number } | undefined;
    for (const v of this.history.verifications) {
      const acked = ackedAt.get(v.token);
      bySubject[v.service] ??= 0;
      if (v.verdict !== 'accepted' || acked === undefined || v.sentAt <= acked) continue;
      const delayMs = v.sentAt - acked;
      bySubject[v.service] = Math.max(bySubject[v.service]!, delayMs);
      if (!worst || delayMs > worst.delayMs) worst = { service: v.service, sentAt: v.sentAt, delayMs };
    }
    if (!worst) return { bySubject, worst: undefined };
    const atSec = (worst.sentAt - this.#loadStartedAt) / 1000;
    const fault = this.faults.filter((f) => f.atSec <= atSec).at(-1);
    return {
      bySubject,
      worst: {
        service: worst.service,
        atSec,
        delayMs: worst.delayMs,
        lastFaultBefore: fault ? { kind: fault.kind, atSec: fault.atSec, healMs: fault.healMs } : undefined,
      },
    };
  }

  progressLine(elapsedSec: number): string {
    const verdicts = { accepted: 0, revoked: 0, unavailable: 0, error: 0 };
    for (const v of this.history.verifications) verdicts[v.verdict]++;
    const faults = this.faults.length;
    return (
      `[soak ${elapsedSec.toFixed(0)}s/${this.options.durationSec}s] requests ${this.history.verifications.length}` +
      ` (accepted ${verdicts.accepted}, revoked ${verdicts.revoked}, unavailable ${verdicts.unavailable},` +
      ` error ${verdicts.error}) · sessions live ${this.live.length} · logins ${this.counts.logins}` +
      ` · revocations ${this.history.acks.length} · faults ${faults} · in flight ${this.inFlight}` +
      ` · shed ${this.counts.shed}`
    );
  }
}

/** The bound the checker holds every service to: S, every service's `REVOCATION_STALE_AFTER_MS`. */
function boundMs(options: SoakOptions): number {
  return options.staleAfterMs;
}

/** One progress line of what the processes hold. */
function resourceLine(s: ResourceSample): string {
  const rss = Object.entries(s.memory)
    .map(([name, m]) => `${name} ${m.rssMb === undefined ? '?' : m.rssMb.toFixed(0)}`)
    .join(', ');
  const caches = SERVICE_NAMES.map((name) => s.cacheEntries[name] ?? '?').join('/');
  return `[soak ${s.atSec.toFixed(0)}s] RSS MB: ${rss} · cache entries ${caches} (Redis index ${s.redisIndexEntries ?? '?'})`;
}

/** Starts the stack, runs the soak of `options`, checks the history and returns the report. */
export async function runSoak(options: SoakOptions, log: (line: string) => void): Promise<SoakReport> {
  const startedAt = new Date();
  const wallStart = performance.now();
  const stack = await startSoakStack({
    staleAfterMs: options.staleAfterMs,
    // No token may expire during the run: an expired token answers TOKEN_EXPIRED, which says nothing.
    accessTokenTtlSec: Math.min(3600, Math.max(900, Math.ceil(options.durationSec + 600))),
  });
  try {
    const soak = new Soak(stack, options);
    log(
      `[soak] ${options.form} form: ${options.users} users × ${options.devicesPerUser} devices, ` +
        `${options.durationSec}s of load at ${options.requestRate} req/s, a fault every ${options.faultEverySec}s`,
    );
    const setUpStart = performance.now();
    await soak.setUp();
    const setUpSec = (performance.now() - setUpStart) / 1000;
    log(`[soak] ${soak.live.length} sessions of ${soak.users.length} users in ${setUpSec.toFixed(1)}s`);

    // Sampled once warm-up is over and with every progress line, without pausing the load.
    let startSample: Promise<ResourceSample> | undefined;
    const samples: Promise<ResourceSample | undefined>[] = [];
    const sample = (elapsed: number) => {
      const taken = sampleResources(stack, elapsed);
      samples.push(
        taken.then(
          (s) => {
            log(resourceLine(s));
            return s;
          },
          () => undefined,
        ),
      );
      return taken;
    };
    let nextProgress = options.progressEverySec;
    // A fault that cannot be injected or does not heal (a service that does not restart) fails the run,
    // after the load and with the stack closed; caught here so it is not an unhandled rejection meanwhile.
    const faults = soak.faultLoop().then(
      () => undefined,
      (error: unknown) => error,
    );
    await soak.load((elapsed) => {
      if (!startSample && elapsed >= options.warmupSec) startSample = sample(elapsed);
      if (options.progressEverySec > 0 && elapsed >= nextProgress) {
        nextProgress += options.progressEverySec;
        log(soak.progressLine(elapsed));
        if (elapsed > options.warmupSec + 1) void sample(elapsed);
      }
    });
    soak.stop();
    const faultError = await faults;
    if (faultError) throw faultError;
    const loadSec = soak.elapsedSec();
    const loadRequests = soak.history.verifications.length;
    const start = await (startSample ?? sampleResources(stack, loadSec));

    log('[soak] load over: waiting for every service to be ready, then S + margin, then the final sweep');
    const sweep = await soak.finalSweep();
    const end = await sampleResources(stack, soak.elapsedSec());
    const series = [...(await Promise.all(samples)).filter((s) => s !== undefined), end];
    const checked = soak.history.check({
      boundMs: boundMs(options),
      healedAt: sweep.healedAt,
      services: SERVICE_NAMES,
    });
    // The three invariants over acknowledged revocations, plus: committed ones refused everywhere once healed.
    const check: CheckResult = {
      ...checked,
      violations: [...checked.violations, ...soak.committedNotRevoked(sweep.healedAt)],
    };
    return buildReport({
      soak,
      options,
      startedAt,
      wallSec: (performance.now() - wallStart) / 1000,
      setUpSec,
      loadSec,
      loadRequests,
      sweep,
      start,
      end,
      series,
      check,
    });
  } finally {
    await stack.close();
  }
}

function percentiles(values: number[]): { p50: number; p95: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? 0 };
}

function buildReport(input: {
  soak: Soak;
  options: SoakOptions;
  startedAt: Date;
  wallSec: number;
  setUpSec: number;
  loadSec: number;
  loadRequests: number;
  sweep: { healedAt: number; tokens: number; committedUnacked: number; requests: number };
  start: ResourceSample;
  end: ResourceSample;
  series: ResourceSample[];
  check: CheckResult;
}): SoakReport {
  const { soak, check, start, end } = input;
  const faultsByKind: Record<string, number> = {};
  for (const fault of soak.faults) faultsByKind[fault.kind] = (faultsByKind[fault.kind] ?? 0) + 1;
  const processes = Object.keys(end.memory) as (keyof ResourceSample['memory'])[];
  const memory = Object.fromEntries(
    processes.map((name) => {
      const a = start.memory[name];
      const b = end.memory[name];
      const growth = a.rssMb !== undefined && b.rssMb !== undefined ? b.rssMb - a.rssMb : undefined;
      return [
        name,
        {
          startMb: a.rssMb,
          endMb: b.rssMb,
          growthMb: growth,
          // A different pid: the process was restarted (a fault), so the growth says nothing of a leak.
          sameProcess: a.pid === b.pid,
        },
      ];
    }),
  ) as SoakReport['memory']['processes'];
  const byService = input.soak.verdictsBySubject(0, input.loadRequests);
  const acceptances = soak.acceptancesAfterAck();
  const total = input.loadRequests;
  return {
    form: input.options.form,
    startedAt: input.startedAt.toISOString(),
    wallSec: input.wallSec,
    loadSec: input.loadSec,
    setUpSec: input.setUpSec,
    options: input.options,
    sessions: {
      initial: input.options.users * input.options.devicesPerUser,
      users: soak.users.length,
      liveAtEnd: soak.live.length,
    },
    logins: {
      ok: soak.counts.logins,
      failed: soak.counts.loginFailures,
      registrations: soak.counts.registrations,
    },
    requests: {
      total,
      perSecond: total / input.loadSec,
      byService,
      shed: soak.counts.shed,
    },
    revocations: {
      acknowledged: check.revocations,
      logouts: { acked: soak.counts.logoutsAcked, unknown: soak.unknownLogouts },
      unknownTimeline: soak.unknownTimeline,
      ackLatencyMs: percentiles(soak.history.acks.map((ack) => ack.ackedAt - ack.invokedAt)),
      logoutAll: {
        acked: soak.counts.logoutAllAcked,
        unknown: soak.unknownLogoutAlls,
        sessions: soak.counts.sessionsRevokedByLogoutAll,
      },
    },
    faults: { total: soak.faults.length, byKind: faultsByKind, timeline: soak.faults },
    boundMs: boundMs(input.options),
    maxAcceptanceAfterRevocationMs: check.maxAcceptanceAfterAckMs,
    maxAcceptanceAfterRevocationMsByService: acceptances.bySubject,
    worstAcceptance: acceptances.worst,
    finalSweep: {
      tokens: input.sweep.tokens,
      committedUnacked: input.sweep.committedUnacked,
      requests: input.sweep.requests,
      verdicts: soak.verdictsBySubject(input.loadRequests, soak.history.verifications.length),
    },
    memory: {
      processes: memory,
      cacheEntries: { start: start.cacheEntries, end: end.cacheEntries },
      redisIndexEntries: { start: start.redisIndexEntries, end: end.redisIndexEntries },
      redisUsedMemoryMb: { start: start.redisUsedMemoryMb, end: end.redisUsedMemoryMb },
      sampledAtSec: { start: start.atSec, end: end.atSec },
      series: input.series.map((s) => ({
        atSec: s.atSec,
        rssMb: Object.fromEntries(Object.entries(s.memory).map(([name, m]) => [name, m.rssMb])),
        cacheEntries: s.cacheEntries,
        redisIndexEntries: s.redisIndexEntries,
      })),
    },
    verifications: check.verifications,
    violations: check.violations.length,
    violationSamples: check.violations.slice(0, 20),
  };
}
