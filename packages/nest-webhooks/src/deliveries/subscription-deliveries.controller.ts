import {
  Body,
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
import { AttemptPageDto, RequeuedDto, TestDeliveryResultDto } from './dto/attempt.dto';
import { LogsQueryDto } from './dto/logs-query.dto';
import { SubscriptionStatsDto } from './dto/stats.dto';
import { DeliveryStats } from './delivery-stats';
import { RecoverDto } from './dto/recover.dto';

@ApiTags('webhooks')
@Controller('api/webhooks/:id')
@RequirePermissions(WEBHOOKS_MANAGE_PERMISSION)
@UseFilters(WebhooksExceptionFilter)
@UseInterceptors(DatabaseUnavailableInterceptor)
@ApiNotFoundResponse({ description: 'No such subscription in your company' })
export class SubscriptionDeliveriesController {
  constructor(
    private readonly deliveries: DeliveriesService,
    private readonly stats: DeliveryStats,
  ) {}

  /**
   * Its deliveries created in the last 24 h by state, the success rate of those finished, and
   * its most recent failed attempt in that time.
   */
  @ReadOnlyAllowed()
  @Get('stats')
  @ApiOkResponse({ type: SubscriptionStatsDto })
  statsOf(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') id: string,
  ): Promise<SubscriptionStatsDto> {
    return this.stats.forSubscription(principal.companyId, id);
  }

  /** Sends a `webhook.ping` event now and waits for the endpoint's answer. */
  @Post('test')
  @HttpCode(200)
  @ApiOkResponse({ type: TestDeliveryResultDto })
  test(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') id: string,
  ): Promise<TestDeliveryResultDto> {
    return this.deliveries.sendTestPing(principal.companyId, id);
  }

  /** The subscription's delivery attempts, newest first. */
  @ReadOnlyAllowed()
  @Get('logs')
  @ApiOkResponse({ type: AttemptPageDto })
  @ApiBadRequestResponse({ description: 'Bad filter, limit or cursor' })
  logs(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') id: string,
    @Query() query: LogsQueryDto,
  ): Promise<AttemptPageDto> {
    return this.deliveries.logs(principal.companyId, id, query);
  }

  /** Tries its failed deliveries again now (those whose last attempt is at or after `since`). */
  @Post('recover')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: RequeuedDto })
  @ApiBadRequestResponse({ description: '`since` missing, malformed or more than 14 days back' })
  recover(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') id: string,
    @Body() body: RecoverDto,
  ): Promise<RequeuedDto> {
    return this.deliveries.recover(principal.companyId, id, body.since);
  }
}
