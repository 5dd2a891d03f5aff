// check: the per-request decision in process — verify a token and check it against revocation.
// 10k live tokens, 1% revoked. ours-seen: a token verified before (verified-token cache hit, then
// the revocation set); ours-first: a token never seen (full EdDSA verification); tutorial: the
// tutorial's middleware (Redis GET of the token, then jsonwebtoken HS256 verify); crypto-verify:
// node:crypto's Ed25519 check alone (cached KeyObject, signing input and signature decoded once),
// the floor of a first sight; jose: jwtVerify alone, the library the verifier used to call. Calls
// run one after another: the figure is the latency of one check.
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { localKeys } from '@revoke/auth';
import { createAuthGuard, createTokenVerifier, RevocationFeed } from '@revoke/auth/internal';
import { createTestSigner, startPrivateRedis, testPrefix } from '@revoke/auth/testing';
import { createRevocationWriter } from '@revoke/auth/writer';
import { Redis } from 'ioredis';
import { importJWK, jwtVerify } from 'jose';
import jwt from 'jsonwebtoken';
import { type BenchContext, interleave, type Row } from '../runner.ts';
import { median } from '../stats.ts';

const LIVE_TOKENS = 10_000;
const REVOKED_EVERY = 100;

export async function runCheck(context: BenchContext): Promise<Row[]> {
  const { quick, progress } = context;
  const rounds = quick ? 3 : 7;
  const seenOps = quick ? 300_000 : 1_000_000;
  const firstOps = quick ? 1000 : 3000;
  const tutorialOps = quick ? 1000 : 4000;

  const redisServer = await startPrivateRedis();
  const redis = new Redis(redisServer.url);
  const prefix = testPrefix('bench-check');
  const writer = createRevocationWriter({ redis, prefix });
  const signer = await createTestSigner();
  const verifierOptions = { issuer: signer.issuer, audience: signer.audience, keys: localKeys(signer.jwks) };
  // A stale feed would make the guard ask Redis: counted, so the figures are known to be the local path's.
  let directChecks = 0;
  const feed = new RevocationFeed({
    redisUrl: redisServer.url,
    prefix,
    observer: { directCheck: () => void directChecks++ },
  });
  try {
    const nowSec = Math.floor(Date.now() / 1000);
    const { live, fresh } = await progress.step('check: sign tokens, revoke 1%, start the feed', async () => {
      const live = await signMany(signer, LIVE_TOKENS);
      // Warm-up plus measured rounds each need tokens no verifier has seen.
      const fresh = await signMany(signer, firstOps * (rounds + 1));
      await writer.setEpoch();
      await feed.start();
      const revoked = [...live, ...fresh].filter((_, i) => i % REVOKED_EVERY === 0);
      await writer.writeAll(revoked.map(({ jti }) => ({ kind: 'jti' as const, id: jti, exp: nowSec + 900 })));
      // Applied through the feed, as in a service: wait until every event arrived.
      while (feed.cache.size < revoked.length) await new Promise((resolve) => setTimeout(resolve, 10));
      return { live, fresh };
    });

    // Separate verifiers, so first sights never evict the seen tokens from the verified-token cache.
    const seenGuard = createAuthGuard({ verifier: createTokenVerifier(verifierOptions), feed });
    const firstGuard = createAuthGuard({ verifier: createTokenVerifier(verifierOptions), feed });
    await progress.step(
      `check: first sight of the ${LIVE_TOKENS.toLocaleString('en')} live tokens`,
      async () => {
        for (const { token } of live) await seenGuard.authenticate(token).catch(() => {});
      },
    );

    const joseKey = await importJWK(signer.jwks.keys[0]!, 'EdDSA');
    const bare = decodeForBareVerify(live, signer.jwks.keys[0]!);
    const secret = randomBytes(32).toString('hex');
    const tutorialTokens = await progress.step("check: the tutorial's tokens and blacklist", async () => {
      const tokens = live.map((_, i) =>
        jwt.sign({ _id: `user-${i}`, email: `u${i}@example.com` }, secret, { expiresIn: '1h' }),
      );
      // The tutorial's logout: the token itself as the key, expiring with it.
      const blacklist = redis.pipeline();
      tokens.forEach((token, i) => {
        if (i % REVOKED_EVERY === 0) blacklist.set(token, 'logout', 'EXAT', nowSec + 3600);
      });
      await blacklist.exec();
      return tokens;
    });

    // Signing 10k tokens above blocked the event loop, heartbeats included: measure a fresh feed only.
    while (!feed.isFresh()) await new Promise((resolve) => setTimeout(resolve, 50));
    directChecks = 0;
    let freshAt = 0;
    const rows = await interleave(context, {
      workload: 'check',
      units: { us_per_op: 'µs' },
      rounds,
      variants: [
        {
          name: 'ours-seen',
          run: () => timeOps(seenOps, 10_000, (i) => seenGuard.authenticate(live[i % LIVE_TOKENS]!.token)),
        },
        {
          name: 'ours-first',
          run: () => {
            const start = freshAt;
            freshAt += firstOps;
            return timeOps(firstOps, 40, (i) => firstGuard.authenticate(fresh[start + i]!.token));
          },
        },
        {
          name: 'tutorial',
          run: () =>
            timeOps(tutorialOps, 20, async (i) => {
              const token = tutorialTokens[i % LIVE_TOKENS]!;
              if (await redis.get(token)) throw new Error('Token expired (logged out)');
              return jwt.verify(token, secret);
            }),
        },
        {
          name: 'crypto-verify',
          run: () =>
            timeOps(firstOps, 40, (i) => {
              const { input, signature } = bare.tokens[i % LIVE_TOKENS]!;
              return verify(null, input, bare.key, signature);
            }),
        },
        {
          name: 'jose',
          run: () =>
            timeOps(firstOps, 40, (i) =>
              jwtVerify(live[i % LIVE_TOKENS]!.token, joseKey, { algorithms: ['EdDSA'] }),
            ),
        },
      ],
    });
    if (directChecks > 0) {
      context.notes['check: warning'] = [
        `The feed went stale (heartbeat late by > 3 s, a busy machine) and ${directChecks} check(s) asked Redis directly; ours-* figures include them.`,
      ];
    }
    return rows;
  } finally {
    await feed.close();
    redis.disconnect();
    await redisServer.stop();
  }
}

/**
 * The crypto-verify peer's data: the key imported once, each token's signing input and signature
 * decoded once, so what is timed is the signature check alone. Every token is checked here once,
 * so a mistake in the decoding cannot pass for a fast floor.
 */
function decodeForBareVerify(tokens: readonly Signed[], jwk: object) {
  const key = createPublicKey({ key: jwk as { kty: string }, format: 'jwk' });
  const decoded = tokens.map(({ token }) => {
    const lastDot = token.lastIndexOf('.');
    return {
      input: Buffer.from(token.slice(0, lastDot), 'latin1'),
      signature: Buffer.from(token.slice(lastDot + 1), 'base64url'),
    };
  });
  if (!decoded.every(({ input, signature }) => verify(null, input, key, signature))) {
    throw new Error('crypto-verify peer: a live token does not verify');
  }
  return { key, tokens: decoded };
}

interface Signed {
  token: string;
  jti: string;
}

async function signMany(
  signer: Awaited<ReturnType<typeof createTestSigner>>,
  count: number,
): Promise<Signed[]> {
  const out: Signed[] = [];
  for (let i = 0; i < count; i++) {
    const jti = randomBytes(16).toString('base64url');
    out.push({ token: await signer.sign({ jti }), jti });
  }
  return out;
}

/**
 * Runs `op` `count` times, one call after another (rejections are part of the work), in batches of
 * about 10 ms; µs per call is the median over the batches, so that a batch during which another
 * process had the CPU does not count. Every variant is measured the same way: `op`'s result is
 * awaited even when it is not a promise (crypto-verify's), so each call pays the same microtask.
 */
async function timeOps(count: number, batch: number, op: (i: number) => unknown) {
  const perBatch: number[] = [];
  for (let done = 0; done < count; ) {
    const size = Math.min(batch, count - done);
    const started = process.hrtime.bigint();
    for (let i = done; i < done + size; i++) {
      try {
        await op(i);
      } catch {
        // A revoked token: refused, as it should be.
      }
    }
    perBatch.push(Number(process.hrtime.bigint() - started) / 1000 / size);
    done += size;
    // Let timers run between batches (the feed's heartbeat keeps it fresh), as a server does between requests.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { us_per_op: median(perBatch) };
}
