import type { HeaderSource } from '@revoke/auth/trpc';
import { createServiceTRPC, type ServiceContext } from '@revoke/service';
import type { NotesDeps } from './deps.ts';

/** The notes service's tRPC context: the request's headers and auth stack, and its dependencies. */
export interface NotesContext extends ServiceContext {
  deps: NotesDeps;
}

/** Builds a context from request headers (fastify's, or a test's plain object). */
export function createNotesContext(deps: NotesDeps, headers: HeaderSource): NotesContext {
  return { headers, auth: deps.auth, deps };
}

export const { router, protectedProcedure, createCallerFactory } = createServiceTRPC<NotesContext>();
