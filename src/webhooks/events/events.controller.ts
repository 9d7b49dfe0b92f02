import {
  Body,
  Controller,
  Headers,
  HttpCode,
  Post,
  UseFilters,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiHeader,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, type WebhooksPrincipal } from '../auth/principal';
import { RequirePermissions } from '../auth/require-permissions.decorator';
import { EVENTS_PUBLISH_PERMISSION } from '../webhooks.constants';
import { WebhooksError } from '../webhooks.errors';
import { DatabaseUnavailableInterceptor } from '../common/database-unavailable';
import { WebhooksExceptionFilter } from '../webhooks-exception.filter';
import { PublishedEventDto, PublishEventDto } from './dto/publish-event.dto';
import { WebhookPublisher } from './webhook-publisher.service';

const MAX_IDEMPOTENCY_KEY = 255;

@ApiTags('events')
@Controller('api/events')
@RequirePermissions(EVENTS_PUBLISH_PERMISSION)
@UseFilters(WebhooksExceptionFilter)
@UseInterceptors(DatabaseUnavailableInterceptor)
export class EventsController {
  constructor(private readonly publisher: WebhookPublisher) {}

  /** Accepts an event for delivery to every matching subscription of your company. */
  @Post()
  @HttpCode(202)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Same key within 24 h and same body: the same id, nothing new. Different body: 422.',
  })
  @ApiAcceptedResponse({ type: PublishedEventDto })
  @ApiBadRequestResponse({ description: 'Unknown type, or data not matching its schema' })
  @ApiUnprocessableEntityResponse({ description: 'Idempotency-Key reused with another body' })
  async publish(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Body() body: PublishEventDto,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<PublishedEventDto> {
    if (
      idempotencyKey !== undefined &&
      (idempotencyKey.length === 0 || idempotencyKey.length > MAX_IDEMPOTENCY_KEY)
    ) {
      throw WebhooksError.invalidField(
        'Idempotency-Key',
        `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY} characters`,
      );
    }
    const published = await this.publisher.publish(body.type, body.data, {
      companyId: principal.companyId,
      idempotencyKey,
    });
    return { id: published.id };
  }
}
