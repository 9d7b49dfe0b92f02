import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { PERMISSIONS_METADATA } from '../webhooks.constants';
import { PermissionsGuard } from './permissions.guard';

/**
 * Requires an authenticated caller holding every named permission (401 without a valid token,
 * 403 without the permission), and documents both in Swagger.
 */
export function RequirePermissions(...permissions: string[]): ClassDecorator & MethodDecorator {
  return applyDecorators(
    SetMetadata(PERMISSIONS_METADATA, permissions),
    UseGuards(PermissionsGuard),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'No bearer token, or an invalid or expired one' }),
    ApiForbiddenResponse({ description: `The token lacks ${permissions.join(', ')}` }),
  );
}
