import { createParamDecorator, ExecutionContext, UnauthorizedException } from '@nestjs/common';

/**
 * Who is calling: the host's authentication puts this on `request.user` (the app does it from a
 * bearer JWT). Every webhook query is scoped to `companyId`.
 */
export interface WebhooksPrincipal {
  sub: string;
  companyId: string;
  permissions: string[];
}

export function isPrincipal(value: unknown): value is WebhooksPrincipal {
  const v = value as Partial<WebhooksPrincipal> | undefined;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.companyId === 'string' &&
    v.companyId.length > 0 &&
    Array.isArray(v.permissions)
  );
}

/** The authenticated caller (the guard has already refused requests without one). */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): WebhooksPrincipal => {
    const user: unknown = context.switchToHttp().getRequest<{ user?: unknown }>().user;
    if (!isPrincipal(user)) throw new UnauthorizedException('A valid bearer token is required');
    return user;
  },
);
