import { createServiceServer } from '@revoke/service';
import type { FastifyInstance } from 'fastify';
import type { NotesDeps } from './deps.ts';
import { appRouter } from './router.ts';
import { createNotesContext } from './trpc.ts';

/** The notes service's HTTP server, not yet listening (tests call `listen({ port: 0 })`). */
export async function createServer(deps: NotesDeps): Promise<FastifyInstance> {
  const app = await createServiceServer(deps, appRouter, (headers) => createNotesContext(deps, headers));
  // Open `notes.live` streams would hold `close()` until every browser went away: end them first.
  app.addHook('preClose', async () => deps.live.close());
  return app;
}
