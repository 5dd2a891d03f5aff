import { once } from 'node:events';
import { createServer } from 'node:net';

/**
 * `count` distinct free loopback ports: every listener stays open until all are bound, so the kernel
 * cannot hand the same port out twice (asking for one free port at a time can).
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer().listen(0, '127.0.0.1'));
  await Promise.all(servers.map((server) => once(server, 'listening')));
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => once(server.close(), 'close')));
  return ports;
}

/** One free loopback port. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port!;
}

/** `http://127.0.0.1:<port>`: every test service listens on loopback only. */
export const loopbackUrl = (port: number): string => `http://127.0.0.1:${port}`;
