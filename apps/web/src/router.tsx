import { type MouseEvent, type ReactNode, useSyncExternalStore } from 'react';

/** The pages of the client. */
export const ROUTES = {
  signIn: '/sign-in',
  signUp: '/sign-up',
  notes: '/notes',
  activity: '/activity',
  devices: '/devices',
  account: '/account',
} as const;

const NAVIGATE_EVENT = 'revoke:navigate';

function subscribe(listener: () => void): () => void {
  window.addEventListener('popstate', listener);
  window.addEventListener(NAVIGATE_EVENT, listener);
  return () => {
    window.removeEventListener('popstate', listener);
    window.removeEventListener(NAVIGATE_EVENT, listener);
  };
}

/** The current path (a History API router: the preview server answers every path with index.html). */
export function usePath(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

/** Goes to `path` without a reload. */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (window.location.pathname === path) return;
  if (options.replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

/** An in-app link; marks itself as the current page for assistive technology. */
export function Link(props: { to: string; children: ReactNode; className?: string }) {
  const path = usePath();
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
      return;
    event.preventDefault();
    navigate(props.to);
  };
  return (
    <a
      href={props.to}
      onClick={onClick}
      className={props.className}
      aria-current={path === props.to ? 'page' : undefined}
    >
      {props.children}
    </a>
  );
}
