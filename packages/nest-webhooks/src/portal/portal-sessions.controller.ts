import { Body, Controller, HttpCode, Post, UseFilters } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotImplementedResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, type WebhooksPrincipal } from '../auth/principal';
import { RequirePermissions } from '../auth/require-permissions.decorator';
import { WEBHOOKS_MANAGE_PERMISSION } from '../webhooks.constants';
import { WebhooksExceptionFilter } from '../webhooks-exception.filter';
import { CreatePortalSessionDto, PortalSessionDto } from './dto/portal-session.dto';
import { PortalSessions } from './portal-sessions';

@ApiTags('portal')
@Controller('api/portal')
@RequirePermissions(WEBHOOKS_MANAGE_PERMISSION)
@UseFilters(WebhooksExceptionFilter)
@ApiTooManyRequestsResponse({ description: 'Rate limit reached; see Retry-After' })
export class PortalSessionsController {
  constructor(private readonly sessions: PortalSessions) {}

  /**
   * A link a host app hands to its customer: it opens the console already signed in for the
   * caller's company only, with a short-lived token carrying `system.webhooks.manage` (or
   * `system.webhooks.read` with `readOnly`) and no other permission.
   */
  @Post('sessions')
  @HttpCode(201)
  @ApiCreatedResponse({ type: PortalSessionDto })
  @ApiBadRequestResponse({
    description: '`expiresInMinutes` not 5 to 1,440, or `readOnly` not a boolean',
  })
  @ApiForbiddenResponse({
    description: 'The token lacks system.webhooks.manage, or is itself a portal session’s token',
  })
  @ApiNotImplementedResponse({ description: 'The server has no portal configured' })
  async create(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Body() body: CreatePortalSessionDto,
  ): Promise<PortalSessionDto> {
    return this.sessions.create(principal, body);
  }
}
