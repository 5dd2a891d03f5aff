import { type HeaderSource, passesCsrfCheck } from '@revoke/auth/trpc';
import { TRPCError } from '@trpc/server';

/**
 * Refuses (FORBIDDEN) a mutation authenticated by a cookie whose request fails the CSRF check
 * (`passesCsrfCheck`: no `x-revoke-csrf` header, or `Sec-Fetch-Site: cross-site`). For the procedures
 * that read their credential themselves (logout, refresh); `protectedProcedure` checks its own.
 */
export function assertCsrfForCookie(headers: HeaderSource): void {
  if (!passesCsrfCheck(headers))
    throw new TRPCError({
      code: 'FORBIDDEN',
      message:
        'Cross-site request refused: cookie-authenticated requests that change state must send the x-revoke-csrf header',
    });
}
