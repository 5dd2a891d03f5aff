/** Where a calling service gets its own credential for another service's internal procedures. */
export interface ServiceTokenSource {
  /** A live service token for the configured audience: cached, refreshed before it expires. */
  token(): Promise<string>;
  /** Forgets the cached token (the callee refused it: expired early, revoked, key withdrawn). */
  invalidate(): void;
}

/** Options of {@link createServiceTokenSource}. */
export interface ServiceTokenSourceOptions {
  /** The auth app's URL: tokens come from its `/oauth/token`. */
  authUrl: string;
  /** This service's client id and secret at the auth app (its `SERVICE_CLIENTS`). */
  clientId: string;
  clientSecret: string;
  /** The audience of the service to call (`activity`). */
  audience: string;
  /** Abort a token request after this long (default 3000 ms). */
  timeoutMs?: number;
  /** Clock in ms, for tests. */
  now?: () => number;
}

/** The service could not get a token (the auth app refused or could not be reached). */
export class ServiceTokenError extends Error {
  override readonly name = 'ServiceTokenError';
}

/** RFC 6749 §2.3.1: client id and secret are form-urlencoded before they are joined for Basic. */
function basicCredentials(id: string, secret: string): string {
  const encode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
  return `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString('base64')}`;
}

/**
 * Gets service tokens by the OAuth 2.0 client credentials grant (RFC 6749 §4.4) from the auth app and
 * keeps one until 80 % of its lifetime has passed. Concurrent callers share one request.
 */
export function createServiceTokenSource(options: ServiceTokenSourceOptions): ServiceTokenSource {
  const now = options.now ?? Date.now;
  const endpoint = new URL('/oauth/token', options.authUrl);
  let cached: { token: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    const started = now();
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: {
          authorization: basicCredentials(options.clientId, options.clientSecret),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', audience: options.audience }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 3000),
      });
    } catch (cause) {
      throw new ServiceTokenError(`the auth app at ${endpoint.origin} did not answer`, { cause });
    }
    const body = (await response.json().catch(() => ({}))) as {
      access_token?: unknown;
      expires_in?: unknown;
      error?: unknown;
    };
    if (!response.ok || typeof body.access_token !== 'string' || typeof body.expires_in !== 'number') {
      throw new ServiceTokenError(
        `the auth app refused a service token for "${options.audience}": ${response.status} ${String(body.error ?? '')}`,
      );
    }
    cached = { token: body.access_token, refreshAt: started + body.expires_in * 800 };
    return body.access_token;
  }

  return {
    token() {
      if (cached && now() < cached.refreshAt) return Promise.resolve(cached.token);
      pending ??= fetchToken().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    invalidate() {
      cached = undefined;
    },
  };
}
