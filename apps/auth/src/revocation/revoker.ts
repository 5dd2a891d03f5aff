import type { AccessClaims, Logger, RevocationKind } from '@revoke/auth';
import type { RevocationReason } from '@revoke/contract';
import { and, eq, isNull, ne, sql } from '@revoke/db';
import { type AuthDb, auditLog, sessions, users } from '@revoke/db/auth';
import { recordLogout } from './record-logout.ts';
import { type RevocationRecord, recordRevocations } from './record-revocations.ts';
import type { RevocationRelay } from './revocation-relay.ts';

export interface RevokerOptions {
  db: AuthDb;
  relay: RevocationRelay;
  logger: Logger;
  /** Access-token lifetime: how long a session's or user's revocation must outlive its last token. */
  accessTtlSec: number;
  /**
   * How long a request waits for Redis to take the revocation (default 3000 ms). Past it the
   * revocation stays committed and the relay keeps delivering it, but the call reports
   * `published: false`, and callers must not acknowledge it as done: until Redis has it, no service
   * can know about it (and one that can still read Redis keeps trusting its cache).
   */
  publishWaitMs?: number;
  /** Called once per committed revocation, by kind (metrics). */
  onRevoked?: (kind: RevocationKind) => void;
}

/**
 * Every way of revoking, each as one Postgres transaction (revocation rows, session state, audit)
 * followed by a bounded wait for the relay to publish. The revocation is durable once its
 * transaction commits, and the relay delivers it whatever happens; but only once it is published
 * can every service be held to refusing it within S, so each call says whether it was (`published`).
 */
export function createRevoker(options: RevokerOptions) {
  const { db, relay, accessTtlSec } = options;
  const publishWaitMs = options.publishWaitMs ?? 3000;
  const sessionRevocationExpiry = () => new Date(Date.now() + (accessTtlSec + 1) * 1000);

  /** After the commit: try to publish now, but never fail or hang the caller over Redis. */
  async function publish(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), publishWaitMs);
    });
    const delivered = relay.deliver().then(
      () => true,
      () => false,
    );
    const published = await Promise.race([delivered, timeout]);
    clearTimeout(timer);
    return published;
  }

  type Tx = Parameters<Parameters<AuthDb['transaction']>[0]>[0];
  async function endSessions(
    tx: Tx,
    where: ReturnType<typeof eq>,
    reason: RevocationReason,
  ): Promise<string[]> {
    const ended = await tx
      .update(sessions)
      .set({ revokedAt: sql`now()`, revokedReason: reason })
      .where(and(where, isNull(sessions.revokedAt)))
      .returning({ id: sessions.id });
    return ended.map((row) => row.id);
  }

  return {
    /** Logout: this access token (`jti`) and its session (`sid`, so its refresh token dies too). Idempotent. */
    async logout(claims: AccessClaims, actor: string): Promise<{ published: boolean }> {
      await recordLogout(db, {
        jti: claims.jti,
        sid: claims.sid,
        jtiExpiresAt: new Date(claims.exp * 1000),
        sidExpiresAt: sessionRevocationExpiry(),
        actor,
      });
      options.onRevoked?.('jti');
      options.onRevoked?.('sid');
      return { published: await publish() };
    },

    /** Ends one session (revoke a device, refresh-token reuse). Returns false when it is not the user's. */
    async revokeSession(input: {
      sessionId: string;
      userId: string;
      reason: RevocationReason;
      actor: string;
    }): Promise<{ found: boolean; published: boolean }> {
      const found = await db.transaction(async (tx) => {
        const [session] = await tx
          .select({ id: sessions.id })
          .from(sessions)
          .where(and(eq(sessions.id, input.sessionId), eq(sessions.userId, input.userId)));
        if (!session) return false;
        // The id as Postgres spells it (canonical), not as the caller did: it is what tokens carry.
        await recordRevocations(tx, [
          {
            kind: 'sid',
            subject: session.id,
            expiresAt: sessionRevocationExpiry(),
            reason: input.reason,
            actor: input.actor,
          },
        ]);
        await endSessions(tx, eq(sessions.id, session.id), input.reason);
        await tx.insert(auditLog).values({
          actor: input.actor,
          action: 'revoke_session',
          target: session.id,
          detail: { reason: input.reason },
        });
        return true;
      });
      if (!found) return { found, published: false };
      options.onRevoked?.('sid');
      return { found, published: await publish() };
    },

    /**
     * Log out everywhere: every token of the user issued before now (`sub` not-before) and every
     * session, each also by its `sid`. The not-before is the next whole second, so a token issued
     * earlier in this second is revoked too; new tokens are issued with `iat` no earlier than it.
     *
     * The `sid` revocations close a race the not-before alone leaves open: a refresh that passed its
     * session check just before this commits (it holds the session row until then) may sign its token
     * after it, reading the new not-before and stamping `iat` at or past it. Its `sid` is revoked here,
     * so that token is refused all the same. (A login that commits after this is a new sign-in.)
     */
    async revokeUser(input: {
      userId: string;
      reason: RevocationReason;
      actor: string;
    }): Promise<{ sessions: number; published: boolean }> {
      const notBefore = new Date((Math.floor(Date.now() / 1000) + 1) * 1000);
      const ended = await db.transaction(async (tx) => {
        await tx
          .update(users)
          .set({ notBefore: sql`greatest(${users.notBefore}, ${notBefore.toISOString()}::timestamptz)` })
          .where(eq(users.id, input.userId));
        const ids = await endSessions(tx, eq(sessions.userId, input.userId), input.reason);
        await recordRevocations(tx, [
          {
            kind: 'sub',
            subject: input.userId,
            notBefore,
            expiresAt: new Date(notBefore.getTime() + accessTtlSec * 1000),
            reason: input.reason,
            actor: input.actor,
          },
          ...ids.map((id) => ({
            kind: 'sid' as const,
            subject: id,
            expiresAt: sessionRevocationExpiry(),
            reason: input.reason,
            actor: input.actor,
          })),
        ]);
        await tx.insert(auditLog).values({
          actor: input.actor,
          action: 'revoke_user',
          target: input.userId,
          detail: { reason: input.reason, sessions: ids.length },
        });
        return ids.length;
      });
      options.onRevoked?.('sub');
      for (let i = 0; i < ended; i++) options.onRevoked?.('sid');
      return { sessions: ended, published: await publish() };
    },

    /**
     * Ends every session of the user but `keepSessionId`, each by its `sid` (its refresh tokens die
     * with the session row, its live access tokens are refused fleet-wide), in one transaction with
     * `extra` revocations (the caller's own access token, for a password change), the audit row and
     * whatever `inTransaction` writes first (the new password hash). A throw from `inTransaction`
     * rolls everything back, and nothing is published. The kept session's tokens are untouched unless
     * `extra` names them.
     *
     * As in {@link revokeUser}, the `sid` revocations also cover a refresh of another session that passed
     * its session check just before this commits and signs its token after.
     */
    async revokeOtherSessions<T = undefined>(input: {
      userId: string;
      keepSessionId: string;
      reason: RevocationReason;
      actor: string;
      /** The audit trail's action (`logout_others`, `change_password`). */
      auditAction: string;
      extra?: readonly RevocationRecord[];
      inTransaction?: (tx: Tx) => Promise<T>;
    }): Promise<{ sessions: number; published: boolean; result: T }> {
      const extra = input.extra ?? [];
      const { ids, result } = await db.transaction(async (tx) => {
        const result = (await input.inTransaction?.(tx)) as T;
        const ids = await endSessions(
          tx,
          and(eq(sessions.userId, input.userId), ne(sessions.id, input.keepSessionId))!,
          input.reason,
        );
        await recordRevocations(tx, [
          ...extra,
          ...ids.map((id) => ({
            kind: 'sid' as const,
            subject: id,
            expiresAt: sessionRevocationExpiry(),
            reason: input.reason,
            actor: input.actor,
          })),
        ]);
        await tx.insert(auditLog).values({
          actor: input.actor,
          action: input.auditAction,
          target: input.userId,
          detail: { reason: input.reason, sessions: ids.length, kept: input.keepSessionId },
        });
        return { ids, result };
      });
      for (const record of extra) options.onRevoked?.(record.kind);
      for (let i = 0; i < ids.length; i++) options.onRevoked?.('sid');
      return { sessions: ids.length, published: await publish(), result };
    },

    /**
     * Every token signed by a withdrawn key (`kid`), until the last one it could have signed expired.
     * Other auth processes learn of the withdrawal at their next key reload (every 15 s) and may sign
     * with the key until then: the margin covers them.
     */
    async withdrawKey(input: { kid: string; actor: string }): Promise<{ published: boolean }> {
      const expiresAt = new Date(Date.now() + (accessTtlSec + KEY_RELOAD_MARGIN_SEC) * 1000);
      await db.transaction(async (tx) => {
        await recordRevocations(tx, [
          { kind: 'kid', subject: input.kid, expiresAt, reason: 'key_withdrawn', actor: input.actor },
        ]);
        await tx
          .insert(auditLog)
          .values({ actor: input.actor, action: 'withdraw_key', target: input.kid, detail: {} });
      });
      options.onRevoked?.('kid');
      return { published: await publish() };
    },
  };
}

/** Longer than any auth process takes to reload its signing keys (every 15 s), with room to spare. */
const KEY_RELOAD_MARGIN_SEC = 60;

/** The revocation operations of the auth app. */
export type Revoker = ReturnType<typeof createRevoker>;
