import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type PrivateRedis, startPrivateRedis, testPrefix } from '@revoke/auth/testing';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));
const authPackage = join(here, '../../../packages/auth');
const consumerSources = join(here, '../consumer');
const tsc = join(here, '../node_modules/typescript/bin/tsc');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let project: string;
let issuerUrl: string;
let jwksServer: Server;
let privateKey: CryptoKey;
const children: ChildProcess[] = [];
let privateRedis: PrivateRedis | undefined;

const sh = (command: string, args: string[], cwd: string) =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

beforeAll(async () => {
  // `pnpm test` builds it first (turbo: ^build); run directly, build it if it never was.
  if (!existsSync(join(authPackage, 'dist/index.js'))) sh('pnpm', ['run', 'build'], authPackage);
  project = mkdtempSync(join(tmpdir(), 'revoke-auth-consumer-'));
  const packed = sh('pnpm', ['pack', '--json', '--pack-destination', project], authPackage);
  const tarball: string = JSON.parse(packed.slice(packed.indexOf('{'))).filename;
  console.log(`tarball ${basename(tarball)}: ${statSync(tarball).size} bytes`);

  // A project of its own, outside the workspace: no workspace links, everything else from the registry.
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2),
  );
  cpSync(consumerSources, project, { recursive: true });
  sh(
    'npm',
    [
      'install',
      tarball,
      'express@^5',
      '@types/express@^5',
      'ioredis@^5',
      '@trpc/server@11.22.1',
      '@types/node@^20',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
    ],
    project,
  );
  // The servers typecheck against the published `.d.ts` and run from what tsc emits.
  sh(process.execPath, [tsc, '-p', 'tsconfig.json'], project);

  const keys = await generateKeyPair('EdDSA', { extractable: true });
  privateKey = keys.privateKey;
  const jwk: JWK = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'EdDSA', use: 'sig' };
  jwksServer = createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  }).listen(0, '127.0.0.1');
  await once(jwksServer, 'listening');
  issuerUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}`;
}, 300_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await privateRedis?.stop();
  jwksServer?.close();
  if (project) rmSync(project, { recursive: true, force: true });
});

/** An access token as the auth app mints them (see packages/auth/src/testing/token-factory.ts). */
async function signToken(): Promise<string> {
  const id = () => Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url');
  return new SignJWT({ sid: id() })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: 'k1' })
    .setIssuer(issuerUrl)
    .setAudience('revoke')
    .setSubject('user-1')
    .setJti(id())
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(privateKey);
}

/** Runs one of the consumer's compiled scripts; resolves its base URL once it says it listens. */
async function startServer(script: string, env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, [join(project, 'dist', script)], {
    cwd: project,
    env: { ...process.env, PORT: '0', AUTH_URL: issuerUrl, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start:\n${output}`)), 60_000);
    child.stderr!.on('data', (chunk) => (output += chunk));
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      const port = /listening on (\d+)/.exec(output)?.[1];
      if (port) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${port}`);
      }
    });
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}:\n${output}`)));
  });
}

function issuerStep(env: Record<string, string>): void {
  execFileSync(process.execPath, [join(project, 'dist/issuer.js')], {
    cwd: project,
    env: { ...process.env, ...env },
  });
}

interface Answer {
  status: number;
  code: string | undefined;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** GET /protected on the Express server: the status and, on a refusal, the error code. */
async function callExpress(base: string, token: string): Promise<Answer> {
  const response = await fetch(`${base}/protected`, { headers: bearer(token) });
  const body = (await response.json()) as { error?: { code: string } };
  return { status: response.status, code: body.error?.code };
}

/** The `me` query on the tRPC server: the status and, on a refusal, `error.data.reason`. */
async function callTrpc(base: string, token: string): Promise<Answer> {
  const response = await fetch(`${base}/me`, { headers: bearer(token) });
  const body = (await response.json()) as { error?: { data?: { reason?: string } } };
  return { status: response.status, code: body.error?.data?.reason };
}

/** Asks until the answer is `wanted` (no timing asserted: the deadline only bounds a failing test). */
async function until(call: () => Promise<Answer>, wanted: Answer): Promise<Answer> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const answer = await call().catch((error: Error) => ({ status: 0, code: error.message }));
    if ((answer.status === wanted.status && answer.code === wanted.code) || Date.now() > deadline)
      return answer;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the packed @revoke/auth, installed with npm outside the workspace', () => {
  it('accepts a valid token, then refuses it with TOKEN_REVOKED once revoked through @revoke/auth/writer', async () => {
    const env = { REDIS_URL, REVOCATION_PREFIX: testPrefix() };
    issuerStep(env);
    const [expressUrl, trpcUrl] = await Promise.all([
      startServer('express-server.js', env),
      startServer('trpc-server.js', env),
    ]);
    const token = await signToken();
    expect(await callExpress(expressUrl, token)).toEqual({ status: 200, code: undefined });
    expect(await callTrpc(trpcUrl, token)).toEqual({ status: 200, code: undefined });

    const logout = await fetch(`${expressUrl}/logout`, { method: 'POST', headers: bearer(token) });
    expect(logout.status).toBe(200);
    const revoked = { status: 401, code: 'TOKEN_REVOKED' };
    expect(await until(() => callExpress(expressUrl, token), revoked)).toEqual(revoked);
    expect(await until(() => callTrpc(trpcUrl, token), revoked)).toEqual(revoked);
    expect(await callExpress(expressUrl, await signToken())).toEqual({ status: 200, code: undefined });
  });

  it('answers 503 REVOCATION_UNAVAILABLE once Redis has been unreachable for longer than S', async () => {
    privateRedis = await startPrivateRedis();
    const env = { REDIS_URL: privateRedis.url, REVOCATION_PREFIX: testPrefix(), STALE_AFTER_MS: '500' };
    issuerStep(env);
    const [expressUrl, trpcUrl] = await Promise.all([
      startServer('express-server.js', env),
      startServer('trpc-server.js', env),
    ]);
    const token = await signToken();
    expect(await callExpress(expressUrl, token)).toEqual({ status: 200, code: undefined });
    expect(await callTrpc(trpcUrl, token)).toEqual({ status: 200, code: undefined });

    const stopping = privateRedis;
    privateRedis = undefined;
    await stopping.stop();
    const unavailable = { status: 503, code: 'REVOCATION_UNAVAILABLE' };
    expect(await until(() => callExpress(expressUrl, token), unavailable)).toEqual(unavailable);
    expect(await until(() => callTrpc(trpcUrl, token), unavailable)).toEqual(unavailable);
  });
});
