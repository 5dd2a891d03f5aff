import { type AuthContext, createAuthContext, createAuthTRPC, type HeaderSource } from '@revoke/auth/trpc';
import { isDatabaseUnavailable } from '@revoke/db';
import type { NotesDeps } from './deps.ts';

/** The notes service's tRPC context: the shared auth part plus its dependencies. */
export interface NotesContext extends AuthContext {
  deps: NotesDeps;
}

/** Builds a context from request headers (fastify's, or a test's plain object). */
export function createNotesContext(deps: NotesDeps, headers: HeaderSource): NotesContext {
  return { auth: createAuthContext(deps.auth.guard, headers, { cookieName: deps.auth.accessCookie }), deps };
}

export const { router, protectedProcedure, createCallerFactory } = createAuthTRPC<NotesContext>({
  // The database down is a 503 "try again", not a 500.
  isUnavailable: isDatabaseUnavailable,
});
