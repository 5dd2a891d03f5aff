import { createServiceServer } from '@revoke/service';
import type { FastifyInstance } from 'fastify';
import type { NotesDeps } from './deps.ts';
import { appRouter } from './router.ts';
import { createNotesContext } from './trpc.ts';

/** The notes service's HTTP server, not yet listening (tests call `listen({ port: 0 })`). */
export function createServer(deps: NotesDeps): Promise<FastifyInstance> {
  return createServiceServer(deps, appRouter, (headers) => createNotesContext(deps, headers));
}
