import type { AuthContext, HeaderSource } from '@revoke/auth/trpc';
import { createServiceTRPC, serviceAuthContext } from '@revoke/service';
import type { NotesDeps } from './deps.ts';

/** The notes service's tRPC context: the shared auth part plus its dependencies. */
export interface NotesContext extends AuthContext {
  deps: NotesDeps;
}

/** Builds a context from request headers (fastify's, or a test's plain object). */
export function createNotesContext(deps: NotesDeps, headers: HeaderSource): NotesContext {
  return { auth: serviceAuthContext(deps.auth, headers), deps };
}

export const { router, protectedProcedure, createCallerFactory } = createServiceTRPC<NotesContext>();
