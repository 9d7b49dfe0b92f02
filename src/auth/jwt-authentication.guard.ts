import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { JwtService, TokenExpiredError } from '@nestjs/jwt';
import type { Request } from 'express';
import { AUTHENTICATION_ERROR_PROPERTY } from '../webhooks/webhooks.constants';
import type { WebhooksPrincipal } from '../webhooks/auth/principal';

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
    const request = context.switchToHttp().getRequest<Request & Record<string, unknown>>();
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
      if (principal) request.user = principal;
      else {
        request[AUTHENTICATION_ERROR_PROPERTY] =
          'Token must carry sub (string), companyId (string) and permissions (string[])';
      }
    } catch (error) {
      request[AUTHENTICATION_ERROR_PROPERTY] =
        error instanceof TokenExpiredError ? 'Token has expired' : 'Token is invalid';
    }
    return true;
  }
}

function toPrincipal(claims: TokenClaims): WebhooksPrincipal | null {
  const { sub, companyId, permissions } = claims;
  if (typeof sub !== 'string' || typeof companyId !== 'string' || companyId.length === 0) {
    return null;
  }
  if (!Array.isArray(permissions) || !permissions.every((p) => typeof p === 'string')) return null;
  return { sub, companyId, permissions };
}

declare module 'express-serve-static-core' {
  interface Request {
    user?: WebhooksPrincipal;
  }
}
