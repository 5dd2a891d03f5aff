import { relations } from 'drizzle-orm';
import { refreshTokens, sessions, users } from './accounts.ts';

/** `db.query.users.findFirst({ with: { sessions: true } })` and friends. */
export const usersRelations = relations(users, ({ many }) => ({ sessions: many(sessions) }));

/** A session's user and its refresh-token family. */
export const sessionsRelations = relations(sessions, ({ one, many }) => ({
  user: one(users, { fields: [sessions.userId], references: [users.id] }),
  refreshTokens: many(refreshTokens),
}));

/** A refresh token's session. */
export const refreshTokensRelations = relations(refreshTokens, ({ one }) => ({
  session: one(sessions, { fields: [refreshTokens.sessionId], references: [sessions.id] }),
}));
