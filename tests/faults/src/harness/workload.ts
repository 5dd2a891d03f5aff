import type { History } from '../history.ts';
import { logout, signIn, type Target, verify } from './client.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface WorkloadOptions {
  /** Concurrent verification loops (default 4: enough traffic, little CPU on a shared 2-core machine). */
  verifiers?: number;
  /** Pause between two logouts (default 200 ms). */
  logoutEveryMs?: number;
  /** Logouts stop when this few live tokens are left, so some tokens are always accepted (default 8). */
  keepLive?: number;
}

/** Signs in `users` users with `devices` sessions each, a few at a time; resolves to one access token per session. */
export async function signInMany(authUrl: string, users: number, devices: number): Promise<string[]> {
  const tokens: string[] = [];
  const queue = Array.from({ length: users }, (_, i) => i);
  const worker = async () => {
    while (queue.shift() !== undefined) tokens.push(...(await signIn(authUrl, devices)));
  };
  await Promise.all([worker(), worker()]);
  return tokens;
}

/**
 * Clients that keep verifying tokens at every target (live ones, acknowledged-revoked ones, and ones
 * whose logout got no answer) while one client keeps logging tokens out; everything goes into `history`.
 */
export class Workload {
  readonly live: string[];
  /** Tokens whose logout was acknowledged (200). */
  readonly revoked: string[] = [];
  /** Tokens whose logout got no 200 (error, timeout, reset): revoked or not, nobody knows. */
  readonly inDoubt: string[] = [];
  readonly #history: History;
  readonly #targets: readonly Target[];
  readonly #authUrl: string;
  readonly #options: Required<WorkloadOptions>;
  #verifying = false;
  #loggingOut = false;
  #loops: Promise<void>[] = [];
  #logoutLoop: Promise<void> | undefined;

  constructor(
    history: History,
    targets: readonly Target[],
    authUrl: string,
    tokens: string[],
    options: WorkloadOptions = {},
  ) {
    this.#history = history;
    this.#targets = targets;
    this.#authUrl = authUrl;
    this.live = [...tokens];
    this.#options = { verifiers: 4, logoutEveryMs: 200, keepLive: 8, ...options };
  }

  start(): void {
    this.#verifying = true;
    this.#loggingOut = true;
    this.#loops = Array.from({ length: this.#options.verifiers }, () => this.#verifyLoop());
    this.#logoutLoop = this.#runLogouts();
  }

  /** Logs one token out now, outside the loop; resolves to whether it was acknowledged. */
  async logOut(token: string): Promise<boolean> {
    const index = this.live.indexOf(token);
    if (index >= 0) this.live.splice(index, 1);
    const acked = await logout(this.#history, this.#authUrl, token);
    (acked ? this.revoked : this.inDoubt).push(token);
    return acked;
  }

  /** Stops logging out and waits for the logout in flight. */
  async stopLogouts(): Promise<void> {
    this.#loggingOut = false;
    await this.#logoutLoop;
  }

  /** Stops every client and waits for their requests in flight. */
  async stop(): Promise<void> {
    await this.stopLogouts();
    this.#verifying = false;
    await Promise.all(this.#loops);
  }

  #pick(): string | undefined {
    const roll = Math.random();
    const from =
      roll < 0.5 && this.revoked.length > 0
        ? this.revoked
        : roll < 0.6 && this.inDoubt.length > 0
          ? this.inDoubt
          : this.live.length > 0
            ? this.live
            : this.revoked;
    return from[Math.floor(Math.random() * from.length)];
  }

  async #verifyLoop(): Promise<void> {
    while (this.#verifying) {
      const token = this.#pick();
      const target = this.#targets[Math.floor(Math.random() * this.#targets.length)]!;
      if (!token) {
        await sleep(20);
        continue;
      }
      // A refused connection answers at once: do not spin while a process restarts.
      if ((await verify(this.#history, target, token)) === 'error') await sleep(50);
    }
  }

  async #runLogouts(): Promise<void> {
    while (this.#loggingOut) {
      let acked = true;
      if (this.live.length > this.#options.keepLive) {
        acked = await this.logOut(this.live[Math.floor(Math.random() * this.live.length)]!);
      }
      // While the auth app is down, do not burn a token every round on a refused connection.
      await sleep(acked ? this.#options.logoutEveryMs : 5 * this.#options.logoutEveryMs);
    }
  }
}
