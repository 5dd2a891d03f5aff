import type { RequestHandler } from 'express';
import type { AccessClaims } from '../claims.ts';
import { decideRequest, type RequestAuthOptions } from './decide.ts';

export type {
  AuthAccepted,
  AuthDecision,
  AuthErrorBody,
  AuthRefusalCode,
  AuthRefused,
  RequestAuthOptions,
} from './decide.ts';

declare global {
  // Express's own way to type what a middleware adds to the request and to `res.locals`.
  namespace Express {
    interface Request {
      /** The verified claims of the request's access token, set by `createExpressAuth`. */
      auth?: AccessClaims;
    }
    interface Locals {
      /** The verified claims of the request's access token, set by `createExpressAuth`. */
      auth?: AccessClaims;
    }
  }
}

/**
 * An Express (5) middleware that lets a request through only with a valid, unrevoked access token:
 * it sets the verified claims on `req.auth` and `res.locals.auth`, and otherwise answers itself with
 * 401 (`TOKEN_MISSING`, `TOKEN_INVALID`, `TOKEN_EXPIRED`, `TOKEN_REVOKED`), 403 (`CSRF_REQUIRED`:
 * an unsafe method authenticated by cookie without the CSRF header) or 503 (`REVOCATION_UNAVAILABLE`),
 * as JSON `{ error: { code, message } }`. The token is read as everywhere in this package:
 * `Authorization: Bearer <token>` or the access-token cookie.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { createExpressAuth } from '@revoke/auth/express';
 *
 * const app = express();
 * const requireAuth = createExpressAuth({ guard });
 * app.get('/me', requireAuth, (req, res) => res.json({ sub: req.auth!.sub }));
 * ```
 */
export function createExpressAuth(options: RequestAuthOptions): RequestHandler {
  return async (req, res, next) => {
    const decision = await decideRequest({ headers: req.headers, method: req.method }, options);
    if (decision.ok) {
      req.auth = decision.claims;
      res.locals.auth = decision.claims;
      next();
      return;
    }
    res.status(decision.status).set(decision.headers).json(decision.body);
  };
}
