/**
 * The bearer token as the console reads it: for display only (who is signed in, which buttons
 * to show). The API verifies the token and enforces every permission.
 */
export const MANAGE_PERMISSION = 'system.webhooks.manage';
export const READ_PERMISSION = 'system.webhooks.read';

export interface TokenClaims {
  sub: string | null;
  companyId: string | null;
  permissions: string[];
  /** From `exp`; null when the token carries none. */
  expiresAt: Date | null;
}

/** What the console lets the signed-in user do. */
export type Access = 'manage' | 'read' | 'none';

/** The claims of a JWT's payload, or null when it is not a JWT. Never checks the signature. */
export function decodeToken(token: string): TokenClaims | null {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || !parts[1]) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(base64UrlDecode(parts[1]));
  } catch {
    return null;
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return null;
  const claims = payload as Record<string, unknown>;
  const permissions = Array.isArray(claims.permissions)
    ? claims.permissions.filter((p): p is string => typeof p === 'string')
    : [];
  return {
    sub: typeof claims.sub === 'string' ? claims.sub : null,
    companyId: typeof claims.companyId === 'string' ? claims.companyId : null,
    permissions,
    expiresAt: typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : null,
  };
}

export function accessOf(claims: TokenClaims): Access {
  if (claims.permissions.includes(MANAGE_PERMISSION)) return 'manage';
  if (claims.permissions.includes(READ_PERMISSION)) return 'read';
  return 'none';
}

export function isExpired(claims: TokenClaims, now: Date): boolean {
  return claims.expiresAt !== null && claims.expiresAt.getTime() <= now.getTime();
}

/**
 * A portal link's fragment, `#token=<jwt>` (possibly among other `&`-separated pairs): the token,
 * or null when the fragment carries none.
 */
export function tokenFromFragment(fragment: string): string | null {
  const text = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  if (text.startsWith('/')) return null;
  const value = new URLSearchParams(text).get('token');
  return value && value.trim() ? value.trim() : null;
}

/** Why a token cannot be used, in words; null when it looks usable. */
export function tokenProblem(token: string, now: Date): string | null {
  if (!token.trim()) return 'Paste a token to sign in.';
  const claims = decodeToken(token);
  if (!claims) return 'This is not a JWT (three base64url parts separated by dots).';
  if (isExpired(claims, now)) {
    return `This token expired at ${claims.expiresAt!.toISOString()}. Ask for a new link or token.`;
  }
  if (accessOf(claims) === 'none') {
    return `This token has neither ${MANAGE_PERMISSION} nor ${READ_PERMISSION}.`;
  }
  return null;
}

function base64UrlDecode(text: string): string {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}
