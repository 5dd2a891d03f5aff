import { createServiceServer } from '@revoke/service';
import type { FastifyInstance } from 'fastify';
import type { ActivityDeps } from './deps.ts';
import { appRouter } from './router.ts';
import { createActivityContext } from './trpc.ts';

/** The activity service's HTTP server, not yet listening (tests call `listen({ port: 0 })`). */
export function createServer(deps: ActivityDeps): Promise<FastifyInstance> {
  return createServiceServer(deps, appRouter, (headers) => createActivityContext(deps, headers));
}
