import { count, isNotNull } from '@revoke/db';
import { events } from '@revoke/db/activity';
import { auditLog, refreshTokens, revocations, sessions, users } from '@revoke/db/auth';
import { notes } from '@revoke/db/notes';
import type { Stack } from './stack.ts';

/** Row counts of everything a request could change, across the three services' schemas. */
export interface Snapshot {
  users: number;
  sessions: number;
  revokedSessions: number;
  refreshTokens: number;
  rotatedRefreshTokens: number;
  revocations: number;
  auditLog: number;
  notes: number;
  events: number;
}

/** What the fleet holds now. Tests within a file run one at a time, so two snapshots compare. */
export async function snapshot(stack: Stack): Promise<Snapshot> {
  const { auth, notes: notesDb, activity } = stack.db;
  const n = async (rows: Promise<{ n: number }[]>) => (await rows)[0]?.n ?? 0;
  const [u, s, rs, rt, rrt, r, a, no, e] = await Promise.all([
    n(auth.select({ n: count() }).from(users)),
    n(auth.select({ n: count() }).from(sessions)),
    n(auth.select({ n: count() }).from(sessions).where(isNotNull(sessions.revokedAt))),
    n(auth.select({ n: count() }).from(refreshTokens)),
    n(auth.select({ n: count() }).from(refreshTokens).where(isNotNull(refreshTokens.rotatedAt))),
    n(auth.select({ n: count() }).from(revocations)),
    n(auth.select({ n: count() }).from(auditLog)),
    n(notesDb.select({ n: count() }).from(notes)),
    n(activity.select({ n: count() }).from(events)),
  ]);
  return {
    users: u,
    sessions: s,
    revokedSessions: rs,
    refreshTokens: rt,
    rotatedRefreshTokens: rrt,
    revocations: r,
    auditLog: a,
    notes: no,
    events: e,
  };
}
