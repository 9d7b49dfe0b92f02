import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { JwtService, TokenExpiredError } from '@nestjs/jwt';
import type { IncomingHttpHeaders } from 'node:http';
import { AUTHENTICATION_ERROR_PROPERTY, type WebhooksPrincipal } from 'nest-webhooks';
import { hasLoneSurrogate } from 'nest-webhooks/shared';

interface TokenClaims {
  sub?: unknown;
  companyId?: unknown;
  permissions?: unknown;
}

/**
 * Global authentication: a valid `Authorization: Bearer <JWT>` (HS256) becomes `request.user`.
 * It never refuses by itself: route guards answer 401/403 (`@RequirePermissions`), which lets the
 * rate limiter count unauthenticated callers by address before they are refused.
 */
@Injectable()
export class JwtAuthenticationGuard implements CanActivate {
  constructor(private readonly jwt: JwtService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context
      .switchToHttp()
      .getRequest<{ headers: IncomingHttpHeaders } & Record<string, unknown>>();
    const header = request.headers.authorization;
    if (!header) return true;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) {
      request[AUTHENTICATION_ERROR_PROPERTY] = 'Authorization header must be "Bearer <token>"';
      return true;
    }
    try {
      const claims = await this.jwt.verifyAsync<TokenClaims>(match[1]);
      const principal = toPrincipal(claims);
      if (principal) {
        request.user = principal;
      } else {
        request[AUTHENTICATION_ERROR_PROPERTY] =
          'Token must carry sub (1 to 255 characters), companyId (1 to 128 characters), neither with control characters, and permissions (string[])';
      }
    } catch (error) {
      request[AUTHENTICATION_ERROR_PROPERTY] =
        error instanceof TokenExpiredError ? 'Token has expired' : 'Token is invalid';
    }
    return true;
  }
}

/**
 * An identifier claim: 1 to `max` characters, none a control character (`companyId` is stored
 * as varchar(128); a NUL byte cannot be stored at all).
 */
function isIdentifier(value: string, max: number): boolean {
  if (value.length === 0 || value.length > max) return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return false;
  }
  // A lone surrogate would be stored as U+FFFD: two different ids, one tenant.
  return !hasLoneSurrogate(value);
}

function toPrincipal(claims: TokenClaims): WebhooksPrincipal | null {
  const { sub, companyId, permissions } = claims;
  if (typeof sub !== 'string' || typeof companyId !== 'string') return null;
  if (!isIdentifier(sub, 255) || !isIdentifier(companyId, 128)) return null;
  if (!Array.isArray(permissions) || !permissions.every((p) => typeof p === 'string')) return null;
  return { sub, companyId, permissions };
}
