import { parseArgs } from 'node:util';
import { revocationKeys } from '@revoke/auth/writer';
import { emailSchema } from '@revoke/contract';
import { count, eq, gt, isNull, sql } from '@revoke/db';
import { CLIENT_CAPABILITIES, type ClientCapability, revocations, sessions, users } from '@revoke/db/auth';
import { pino } from 'pino';
import { buildDeps } from '../deps.ts';
import { loadEnv } from '../env.ts';
import { pruneOnce } from '../maintenance/prune.ts';
import { prunePolicyOf } from '../maintenance/prune-policy.ts';
import { ClientIdTakenError } from '../oauth/client-registry.ts';
import { clientIdProblem } from '../oauth/service-clients.ts';
import { parseSessionId } from '../sessions/session-id.ts';

const USAGE = `Usage: pnpm --filter @revoke/auth-app admin <command> [options]

Commands:
  revoke-user <email>        revoke every token and session of a user (compromised account)
  revoke-session <session>   revoke one session (its refresh token and live access tokens)
  rotate-key [--publish-delay-sec N]
                             publish a new signing key now; it signs after N seconds (default 60)
  withdraw-key <kid>         emergency: revoke every token the key signed (every service refuses them
                             within S), take it out of the JWKS, and sign with a new key from now
  status                     live revocations by kind, signing keys, relay lag, Redis epoch
  prune                      delete expired rows now (one run, as the app's timer does; README "Retention")
  client create <id> --can introspect,revoke,service
                             register a confidential OAuth client; prints its secret, once
  client list                every OAuth client (configured and registered) and what it may do
  client delete <id>         remove a registered client: its secret stops working at once

Uses the same environment as the auth app (DATABASE_URL, REDIS_URL, …).`;

/** Operator commands. Each runs with the app's own dependencies, so it follows the same rules. */
async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'publish-delay-sec': { type: 'string' },
      can: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, target] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const env = loadEnv();
  const deps = await buildDeps(env, pino({ level: 'warn' }));
  try {
    switch (command) {
      case 'revoke-user': {
        if (!target) throw new UsageError('revoke-user needs an e-mail');
        // Normalised as at login (NFKC, lower case), so the operator finds the account users sign in to.
        const email = emailSchema.safeParse(target);
        if (!email.success) throw new UsageError(`"${target}" is not an e-mail address`);
        const user = await deps.users.findByEmail(email.data);
        if (!user) throw new UsageError(`no user with e-mail ${target}`);
        const result = await deps.revoker.revokeUser({
          userId: user.id,
          reason: 'admin_revoke_user',
          actor: 'admin:cli',
        });
        console.log(`revoked every token of ${user.email} (${result.sessions} sessions ended)`);
        if (!result.published) console.warn(NOT_PUBLISHED);
        break;
      }
      case 'revoke-session': {
        if (!target) throw new UsageError('revoke-session needs a session id');
        const sessionId = parseSessionId(target);
        if (!sessionId) throw new UsageError(`"${target}" is not a session id (a UUID)`);
        const [session] = await deps.db
          .select({ userId: sessions.userId })
          .from(sessions)
          .where(eq(sessions.id, sessionId));
        if (!session) throw new UsageError(`no session ${sessionId}`);
        const result = await deps.revoker.revokeSession({
          sessionId,
          userId: session.userId,
          reason: 'admin_revoke_session',
          actor: 'admin:cli',
        });
        console.log(`revoked session ${sessionId}`);
        if (!result.published) console.warn(NOT_PUBLISHED);
        break;
      }
      case 'rotate-key': {
        const delay = Number(values['publish-delay-sec'] ?? 60);
        if (!Number.isInteger(delay) || delay < 0)
          throw new UsageError('--publish-delay-sec takes a whole number of seconds');
        const kid = await deps.keys.rotate({ publishDelaySec: delay });
        console.log(
          `new signing key ${kid} published; it signs from ${new Date(Date.now() + delay * 1000).toISOString()}`,
        );
        break;
      }
      case 'withdraw-key': {
        if (!target) throw new UsageError('withdraw-key needs a key id (kid); `status` lists them');
        const known = deps.keys.list().map((key) => key.kid);
        if (!known.includes(target))
          throw new UsageError(`no signing key "${target}" (the keys are: ${known.join(', ')})`);
        // Revoked first: its tokens are refused everywhere even if what follows fails (rerun it then).
        const result = await deps.revoker.withdrawKey({ kid: target, actor: 'admin:cli' });
        const { signing } = await deps.keys.withdraw(target);
        console.log(`withdrew key ${target}: every token it signed is revoked; key ${signing} signs now`);
        if (!result.published) console.warn(NOT_PUBLISHED);
        break;
      }
      case 'status': {
        const live = await deps.db
          .select({ kind: revocations.kind, n: count() })
          .from(revocations)
          .where(gt(revocations.expiresAt, sql`now()`))
          .groupBy(revocations.kind);
        const [pending] = await deps.db
          .select({ n: count() })
          .from(revocations)
          .where(isNull(revocations.relayedAt));
        const [userCount] = await deps.db.select({ n: count() }).from(users);
        const byKind = Object.fromEntries(live.map((row) => [row.kind, row.n]));
        console.log(`users:                 ${userCount?.n ?? 0}`);
        console.log(
          `live revocations:      jti ${byKind.jti ?? 0}, sid ${byKind.sid ?? 0}, sub ${byKind.sub ?? 0}, kid ${byKind.kid ?? 0}`,
        );
        // One index per shard in a Redis Cluster (one on a single Redis): the sum is what Redis holds.
        const { shards } = revocationKeys(env.REVOCATION_PREFIX, {
          shards: deps.redis.isCluster ? env.REVOCATION_SHARDS : undefined,
        });
        const indexed = await Promise.all(shards.map((shard) => deps.redis.zcard(shard.index)));
        console.log(`in Redis (index):      ${indexed.reduce((sum, n) => sum + n, 0)}`);
        console.log(
          `relay:                 ${pending?.n ?? 0} pending, lag ${(await deps.relay.lagSeconds()).toFixed(1)} s`,
        );
        for (const key of deps.keys.list())
          console.log(
            `signing key:           ${key.kid}${key.current ? ' (signs now)' : ''}${key.retiresAt ? `, retires ${key.retiresAt.toISOString()}` : ''}`,
          );
        console.log(
          `Redis epoch:           ${(await deps.writer.readEpoch()) ?? '(none: Redis lost its data)'}`,
        );
        break;
      }
      case 'prune': {
        const result = await pruneOnce(deps.db, prunePolicyOf(env));
        console.log(
          `pruned ${result.total} rows: refresh_tokens ${result.refreshTokens}, sessions ${result.sessions}, ` +
            `revocations ${result.revocations}, audit_log ${result.auditLog}`,
        );
        if (result.stopped === 'cap')
          console.log('stopped at PRUNE_MAX_ROWS_PER_RUN; run it again for the rest');
        if (result.stopped === 'busy') console.log('another auth instance is pruning; it does the rest');
        break;
      }
      case 'client': {
        await clientCommand(deps, positionals.slice(1), values.can);
        break;
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
    return 0;
  } finally {
    await deps.close();
  }
}

class UsageError extends Error {}

/** `client create|list|delete`: the OAuth client registry. */
async function clientCommand(
  deps: Awaited<ReturnType<typeof buildDeps>>,
  [action, id]: string[],
  can: string | undefined,
): Promise<void> {
  if (action === 'list') {
    for (const client of await deps.clients.list())
      console.log(`${client.id.padEnd(24)} ${client.capabilities.join(',').padEnd(26)} (${client.source})`);
    return;
  }
  if (!id) throw new UsageError(`client ${action ?? ''} needs a client id`);
  const problem = clientIdProblem(id);
  if (problem) throw new UsageError(problem);
  if (action === 'delete') {
    if (!(await deps.clients.remove(id))) throw new UsageError(`no registered client "${id}"`);
    await deps.audit.record({ actor: 'admin:cli', action: 'oauth_client_delete', target: id });
    console.log(`deleted client ${id}; its secret no longer authenticates`);
    return;
  }
  if (action !== 'create') throw new UsageError(`unknown client command "${action ?? ''}"`);
  const capabilities = (can ?? '').split(',').filter(Boolean);
  const unknown = capabilities.filter(
    (capability) => !CLIENT_CAPABILITIES.includes(capability as ClientCapability),
  );
  if (capabilities.length === 0 || unknown.length > 0)
    throw new UsageError(
      `--can takes some of ${CLIENT_CAPABILITIES.join(', ')}${unknown.length ? ` (not ${unknown.join(', ')})` : ''}`,
    );
  try {
    const secret = await deps.clients.register(id, capabilities as ClientCapability[]);
    await deps.audit.record({
      actor: 'admin:cli',
      action: 'oauth_client_create',
      target: id,
      detail: { capabilities },
    });
    console.log(`client ${id} may ${capabilities.join(', ')}; its secret (shown once, stored hashed):`);
    console.log(secret);
  } catch (error) {
    if (error instanceof ClientIdTakenError) throw new UsageError(error.message);
    throw error;
  }
}

/** Said when Redis did not take the revocation in time: it is committed, and the running auth app's relay delivers it. */
const NOT_PUBLISHED =
  'warning: Redis did not take the revocation in time; it is recorded in Postgres and the auth app will deliver it once Redis is reachable. Until then services may still accept these tokens.';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(
      error instanceof UsageError ? `admin: ${error.message}\n\n${USAGE}` : `admin: ${error.message}`,
    );
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
