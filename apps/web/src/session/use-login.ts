import { useMutation } from '@tanstack/react-query';
import { useApi } from '../api/api-context.tsx';
import { useSessionStore } from './session-context.tsx';

/** `auth.login`, signing this page in with the tokens it returns. */
export function useLogin() {
  const api = useApi();
  const session = useSessionStore();
  return useMutation(api.auth.auth.login.mutationOptions({ onSuccess: (pair) => session.signedIn(pair) }));
}
