import {
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
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

@ApiTags('deliveries')
@Controller('api/deliveries')
@RequirePermissions(WEBHOOKS_MANAGE_PERMISSION)
@UseFilters(WebhooksExceptionFilter)
@UseInterceptors(DatabaseUnavailableInterceptor)
@ApiNotFoundResponse({ description: 'No such delivery in your company' })
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  /** The delivery with its attempts (oldest first). */
  @ReadOnlyAllowed()
  @Get(':id')
  @ApiOkResponse({ type: DeliveryDto })
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
  async retry(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Param('id') id: string,
  ): Promise<void> {
    await this.deliveries.retry(principal.companyId, id);
  }
}
