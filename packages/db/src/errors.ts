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
