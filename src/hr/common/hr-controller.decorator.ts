import { applyDecorators, Controller, UseFilters } from '@nestjs/common';
import { ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { RequirePermissions } from 'nest-webhooks';
import { HR_MANAGE_PERMISSION } from '../hr.constants';
import { HrExceptionFilter } from '../hr-exception.filter';

/**
 * An HR controller: its routes under `path`, each needing `hr.manage` (401/403), HR's refusals
 * answered by HrExceptionFilter, and the whole documented in Swagger under `tag`.
 */
export function HrController(path: string, tag: string): ClassDecorator {
  return applyDecorators(
    ApiTags(tag),
    Controller(path),
    RequirePermissions(HR_MANAGE_PERMISSION),
    UseFilters(HrExceptionFilter),
    ApiTooManyRequestsResponse({ description: 'Rate limit reached; see Retry-After' }),
  );
}
