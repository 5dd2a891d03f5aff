/** The fields of a Postgres error that callers branch on (SQLSTATE and constraint name). */
export interface PostgresErrorInfo {
  /** SQLSTATE, e.g. `23505` (unique violation), `23514` (check violation). */
  code: string;
  /** The violated constraint or index, when Postgres names one. */
  constraint?: string | undefined;
}

/**
 * The Postgres error inside `error`, from either driver. drizzle wraps driver errors in a
 * `DrizzleQueryError` whose `cause` is the `pg` (or PGlite) error, so the SQLSTATE sits one or more
 * `cause`s deep; undefined when there is none (a network error, a bug).
 */
export function postgresErrorOf(error: unknown): PostgresErrorInfo | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (typeof current !== 'object') return undefined;
    const { code, constraint, cause } = current as { code?: unknown; constraint?: unknown; cause?: unknown };
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
      return { code, constraint: typeof constraint === 'string' ? constraint : undefined };
    }
    current = cause;
  }
  return undefined;
}

/**
 * True when `error` is a unique violation (SQLSTATE 23505), optionally of the named constraint or
 * unique index — e.g. `users_email_unique` when registering a taken e-mail.
 */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const info = postgresErrorOf(error);
  return info?.code === '23505' && (constraint === undefined || info.constraint === constraint);
}

/** SQLSTATE classes and codes that mean "the database cannot serve now", not "this query is wrong". */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[1-3]|53300|53400)$/;
/** Node network errors from the driver's socket. */
const UNAVAILABLE_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** What `pg` throws without a code when a connection dies or the pool cannot get one in time. */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end/;

/**
 * True when `error` (or one of its causes) says Postgres is unreachable, shutting down or out of
 * connections: a 503 "try again" for the client rather than a 500, since no request of theirs is at fault.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (UNAVAILABLE_SQLSTATE.test(postgresErrorOf(error)?.code ?? '')) return true;
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string' && UNAVAILABLE_ERRNO.has(code)) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
    current = cause;
  }
  return false;
}
