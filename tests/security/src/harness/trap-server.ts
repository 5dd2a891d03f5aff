import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local HTTP server that hostile tokens point at (`jku`, `x5u`, `iss`): it counts every request. */
export interface TrapServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Every request it received, as `METHOD path`. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Starts a {@link TrapServer} on a free port. It answers a valid-looking JWKS, in case anyone asks. */
export async function startTrapServer(jwks: unknown = { keys: [] }): Promise<TrapServer> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
