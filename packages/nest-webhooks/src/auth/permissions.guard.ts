import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AUTHENTICATION_ERROR_PROPERTY, PERMISSIONS_METADATA } from '../webhooks.constants';
import { isPrincipal } from './principal';

/**
 * 401 when the request carries no authenticated principal, 403 when the principal lacks a
 * permission the route requires (`@RequirePermissions`).
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
    if (missing.length) {
      throw new ForbiddenException(`This route needs the permission ${missing.join(', ')}`);
    }
    return true;
  }
}
