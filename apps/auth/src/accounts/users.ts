import { eq, isUniqueViolation, sql } from '@revoke/db';
import { type AuthDb, type User, users } from '@revoke/db/auth';

/** Registration with an e-mail address that already has an account. Expected, so typed: a 409, never a 500. */
export class EmailTakenError extends Error {
  override readonly name = 'EmailTakenError';
  readonly code = 'EMAIL_TAKEN';

  constructor(options?: { cause?: unknown }) {
    super('An account with this e-mail address already exists', options);
  }
}

/** The accounts in `auth.users`. E-mails are expected normalised (see `emailSchema` in @revoke/contract). */
export interface UserRepository {
  /** Creates an account; rejects with {@link EmailTakenError} when the e-mail is taken. */
  create(input: { email: string; passwordHash: string }): Promise<User>;
  findByEmail(email: string): Promise<User | undefined>;
  /** Undefined for an unknown id, including one that is not a UUID at all (no database error). */
  findById(id: string): Promise<User | undefined>;
  /**
   * Moves the user's not-before (log out everywhere) to `at`, never backwards: a late or
   * duplicated call cannot un-revoke tokens. Resolves to the not-before now in force, or undefined
   * for an unknown user.
   */
  setNotBefore(userId: string, at: Date): Promise<Date | undefined>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL_UNIQUE = 'users_email_unique';

/** A {@link UserRepository} over the auth database. */
export function createUserRepository(db: AuthDb): UserRepository {
  return {
    async create({ email, passwordHash }) {
      try {
        const [row] = await db.insert(users).values({ email, passwordHash }).returning();
        return row!;
      } catch (error) {
        // The unique constraint decides, not a SELECT first: two registrations racing for one
        // address both pass a check, and only one insert can win.
        if (isUniqueViolation(error, EMAIL_UNIQUE)) throw new EmailTakenError({ cause: error });
        throw error;
      }
    },

    async findByEmail(email) {
      const [row] = await db.select().from(users).where(eq(users.email, email)).limit(1);
      return row;
    },

    async findById(id) {
      // Postgres rejects a malformed uuid literal with an error; an unknown id is simply absent.
      if (!UUID.test(id)) return undefined;
      const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
      return row;
    },

    async setNotBefore(userId, at) {
      if (!UUID.test(userId)) return undefined;
      // greatest() ignores NULL, so the first call sets it and later ones only move it forward;
      // done in one statement, concurrent calls cannot interleave a read and a write.
      const [row] = await db
        .update(users)
        .set({ notBefore: sql`greatest(${users.notBefore}, ${at.toISOString()}::timestamptz)` })
        .where(eq(users.id, userId))
        .returning({ notBefore: users.notBefore });
      return row?.notBefore ?? undefined;
    },
  };
}
