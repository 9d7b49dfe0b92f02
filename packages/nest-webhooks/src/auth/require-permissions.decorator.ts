import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import {
  ALTERNATIVE_PERMISSIONS_METADATA,
  PERMISSIONS_METADATA,
  WEBHOOKS_MANAGE_PERMISSION,
  WEBHOOKS_READ_PERMISSION,
} from '../webhooks.constants';
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

/**
 * A GET route (a method of a controller under `@RequirePermissions(WEBHOOKS_MANAGE_PERMISSION)`)
 * that also accepts the read-only permission `system.webhooks.read` instead.
 */
export function ReadOnlyAllowed(): MethodDecorator {
  return applyDecorators(
    SetMetadata(ALTERNATIVE_PERMISSIONS_METADATA, [WEBHOOKS_READ_PERMISSION]),
    ApiForbiddenResponse({
      description: `The token holds neither ${WEBHOOKS_MANAGE_PERMISSION} nor ${WEBHOOKS_READ_PERMISSION}`,
    }),
  );
}
