import Fastify from 'fastify';
import { describeAdapter } from './adapter-suite.ts';
import { createFastifyAuth } from './fastify.ts';

// A Fastify 5 server: the hook on every route of an encapsulated context, as a service would register it.
describeAdapter(
  'Fastify',
  async (options) => {
    const app = Fastify();
    await app.register(async (protectedRoutes) => {
      protectedRoutes.addHook('preHandler', createFastifyAuth(options));
      const me = async (request: import('fastify').FastifyRequest) => ({
        sub: request.auth?.sub,
        sid: request.auth?.sid,
        via: request.auth ? 'request.auth' : 'missing',
      });
      protectedRoutes.get('/me', me);
      protectedRoutes.post('/me', me);
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url, close: () => app.close() };
  },
  'request.auth',
);
