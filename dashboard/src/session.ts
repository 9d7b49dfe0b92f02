import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api } from './api';
import { type Access, type TokenClaims, tokenFromFragment } from './lib/token';

/** The signed-in token, kept for this browser tab only (sessionStorage), never in the URL. */
const STORAGE_KEY = 'webhooks-console-token';

export interface Session {
  api: Api;
  claims: TokenClaims;
  access: Access;
  signOut(reason?: string): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in screen');
  return session;
}

/** Whether the signed-in token may change things (the API enforces it; this hides the buttons). */
export function useCanManage(): boolean {
  return useSession().access === 'manage';
}

/**
 * The token to start with: a portal link's `#token=...` (then taken out of the address bar and
 * the history entry, and kept in sessionStorage), else the one this tab signed in with.
 */
export function initialToken(): string | null {
  const fromLink = tokenFromFragment(window.location.hash);
  if (fromLink) {
    storeToken(fromLink);
    const { pathname, search } = window.location;
    window.history.replaceState(null, '', `${pathname}${search}#/subscriptions`);
    return fromLink;
  }
  try {
    return window.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string): void {
  try {
    window.sessionStorage.setItem(STORAGE_KEY, token);
  } catch {
    // Storage refused (private mode): the token lives in memory until the tab is closed.
  }
}

export function forgetToken(): void {
  try {
    window.sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing stored.
  }
}
