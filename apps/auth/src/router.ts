import { changePassword, logoutOthers } from './procedures/account.ts';
import { login, me, register } from './procedures/accounts.ts';
import { logout, logoutAll, revokeSession, sessions } from './procedures/logout.ts';
import { refresh } from './procedures/refresh.ts';
import { sessionEvents } from './procedures/session-events.ts';
import { router } from './trpc.ts';

/** The auth app's API (docs/architecture.md, "The contract"). Clients import only its type. */
export const appRouter = router({
  auth: router({
    register,
    login,
    refresh,
    logout,
    logoutAll,
    logoutOthers,
    changePassword,
    me,
    sessions,
    revokeSession,
    sessionEvents,
  }),
});

/** The type a typed client of the auth app imports (`import type { AuthRouter } from '@revoke/auth-app/router'`). */
export type AuthRouter = typeof appRouter;
