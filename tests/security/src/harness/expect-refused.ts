import type { AuthErrorCode } from '@revoke/auth';
import { expect } from 'vitest';
import type { Answer } from './http.ts';

/**
 * What must never reach a client: stack frames, source paths and positions, driver and library
 * error text (Postgres, Redis, jose), Node system error codes. Fastify's own `FST_ERR_*` codes on
 * its 413/415 answers are a public, documented part of its error format and are not counted.
 */
export const LEAK =
  /\bat [\w.$<>[\]]+ \(|\bat (file|node):|node_modules|\/(work|home|root|srv|usr|app|tmp)\/|\.[cm]?[jt]sx?:\d+|"stack"|\bE(CONN[A-Z]+|PIPE|ADDRINUSE|NOTFOUND|TIMEDOUT)\b|(?<!FST_)ERR_[A-Z_]{4,}|duplicate key|violates|relation "|syntax error at|ReplyError|ioredis|drizzle|TypeError|ReferenceError|RangeError|Internal server error/;

/** The failure message of an assertion on `answer`: the status and the start of the body. */
export const show = (label: string, answer: Answer) =>
  `${label}: ${answer.status} ${answer.text.slice(0, 300)}`;

/**
 * A client error: a 4xx (exactly `status` when given), the auth reason code on
 * `error.data.reason` when `reason` is given, and nothing internal in the body.
 */
export function expectRefused(
  answer: Answer,
  label: string,
  expected: { status?: number | readonly number[]; reason?: AuthErrorCode | readonly AuthErrorCode[] } = {},
): void {
  expect(answer.status, show(label, answer)).toBeGreaterThanOrEqual(400);
  expect(answer.status, show(label, answer)).toBeLessThan(500);
  if (expected.status !== undefined) {
    const statuses: readonly number[] =
      typeof expected.status === 'number' ? [expected.status] : expected.status;
    expect(statuses, show(label, answer)).toContain(answer.status);
  }
  if (expected.reason !== undefined) {
    const reasons: readonly string[] =
      typeof expected.reason === 'string' ? [expected.reason] : expected.reason;
    expect(reasons, show(label, answer)).toContain(answer.body?.error?.data?.reason);
  }
  expect(answer.text, show(label, answer)).not.toMatch(LEAK);
}

/** 401 with `reason` (the contract for every refused credential, docs/architecture.md, "The contract"). */
export function expectUnauthorized(
  answer: Answer,
  label: string,
  reason: AuthErrorCode | readonly AuthErrorCode[],
): void {
  expectRefused(answer, label, { status: 401, reason });
}
