import {
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, type WebhooksPrincipal } from '../auth/principal';
import { ReadOnlyAllowed, RequirePermissions } from '../auth/require-permissions.decorator';
import { WEBHOOKS_MANAGE_PERMISSION } from '../webhooks.constants';
import { DatabaseUnavailableInterceptor } from '../common/database-unavailable';
import { WebhooksExceptionFilter } from '../webhooks-exception.filter';
import { DeliveriesService } from './deliveries.service';
import { DeliveryDto } from './dto/attempt.dto';
import { DeliveryStatsDto, DeliveryStatsQueryDto } from './dto/stats.dto';
import { DeliveryStats } from './delivery-stats';

@ApiTags('deliveries')
@Controller('api/deliveries')
@RequirePermissions(WEBHOOKS_MANAGE_PERMISSION)
@UseFilters(WebhooksExceptionFilter)
@UseInterceptors(DatabaseUnavailableInterceptor)
export class DeliveriesController {
  constructor(
    private readonly deliveries: DeliveriesService,
    private readonly stats: DeliveryStats,
  ) {}

  /**
   * Attempts made each minute by outcome (`succeeded`; `failed`: it ended its delivery as
   * failed; `retrying`: another attempt was scheduled after it), from `since` to now, for the
   * company or one of its subscriptions; one bucket per minute, zeros included, oldest first.
   */
  @ReadOnlyAllowed()
  @Get('stats')
  @ApiOkResponse({ type: DeliveryStatsDto })
  @ApiBadRequestResponse({
    description:
      '`since` malformed, more than 24 h back or in the future, or `subscriptionId` not a UUID',
  })
  @ApiNotFoundResponse({ description: 'No such subscription in your company' })
  perMinute(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Query() query: DeliveryStatsQueryDto,
  ): Promise<DeliveryStatsDto> {
    return this.stats.perMinute(principal.companyId, query);
  }

  /** The delivery with its attempts (oldest first). */
  @ReadOnlyAllowed()
  @Get(':id')
  @ApiOkResponse({ type: DeliveryDto })
  @ApiNotFoundResponse({ description: 'No such delivery in your company' })
  get(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') id: string,
  ): Promise<DeliveryDto> {
    return this.deliveries.get(principal.companyId, id);
  }

  /** Tries the delivery again now, whatever its state; the `webhook-id` stays the same. */
  @Post(':id/retry')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'Queued' })
  @ApiConflictResponse({ description: 'It is being sent right now' })
  @ApiNotFoundResponse({ description: 'No such delivery in your company' })
  async retry(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') id: string,
  ): Promise<void> {
    await this.deliveries.retry(principal.companyId, id);
  }
}
