import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  ALTERNATIVE_PERMISSIONS_METADATA,
  AUTHENTICATION_ERROR_PROPERTY,
  PERMISSIONS_METADATA,
} from '../webhooks.constants';
import { isPrincipal } from './principal';

/**
 * 401 when the request carries no authenticated principal, 403 when the principal lacks a
 * permission the route requires (`@RequirePermissions`) and holds none of those it also accepts
 * (`@AlsoAllow`). Guards run before pipes and the handler: the refusal comes before the body is
 * validated and before any id is looked up.
 */
@Injectable()
export class PermissionsGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required =
      this.reflector.getAllAndOverride<string[] | undefined>(PERMISSIONS_METADATA, [
        context.getHandler(),
        context.getClass(),
      ]) ?? [];
    const request = context.switchToHttp().getRequest<Record<string, unknown>>();
    const user = request.user;
    if (!isPrincipal(user)) {
      const reason = request[AUTHENTICATION_ERROR_PROPERTY];
      throw new UnauthorizedException(
        typeof reason === 'string' ? reason : 'A valid bearer token is required',
      );
    }
    const missing = required.filter((p) => !user.permissions.includes(p));
    if (missing.length === 0) return true;
    const alternatives =
      this.reflector.get<string[] | undefined>(
        ALTERNATIVE_PERMISSIONS_METADATA,
        context.getHandler(),
      ) ?? [];
    if (alternatives.some((p) => user.permissions.includes(p))) return true;
    const accepted = alternatives.length ? ` (or ${alternatives.join(' or ')})` : '';
    throw new ForbiddenException(
      `This route needs the permission ${missing.join(', ')}${accepted}`,
    );
  }
}
