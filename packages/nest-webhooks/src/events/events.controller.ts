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
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentPrincipal, type WebhooksPrincipal } from '../auth/principal';
import { RequirePermissions } from '../auth/require-permissions.decorator';
import { isOperationalEventType } from '../catalog/builtin-event-types';
import { EVENTS_PUBLISH_PERMISSION } from '../webhooks.constants';
import { WebhooksError } from '../webhooks.errors';
import { DatabaseUnavailableInterceptor } from '../common/database-unavailable';
import { WebhooksExceptionFilter } from '../webhooks-exception.filter';
import { PublishBatchDto, PublishedBatchDto } from './dto/publish-batch.dto';
import { PublishedEventDto, PublishEventDto } from './dto/publish-event.dto';
import { MAX_IDEMPOTENCY_KEY } from '../queue/idempotency';
import { type BatchEventInput, WebhookPublisher } from './webhook-publisher.service';

/** As the header's name is written: the document lists it once, optional. */
const IDEMPOTENCY_HEADER = 'Idempotency-Key';

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
    name: IDEMPOTENCY_HEADER,
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
    @Headers(IDEMPOTENCY_HEADER) idempotencyKey?: string,
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
    if (isOperationalEventType(body.type)) {
      throw WebhooksError.invalidField('type', operationalRefusal('type', body.type));
    }
    const published = await this.publisher.publish(body.type, body.data, {
      companyId: principal.companyId,
      idempotencyKey,
    });
    return { id: published.id };
  }

  /**
   * Accepts 1 to 500 events at once (body at most 5 MiB), all or nothing: every event is checked
   * first, then all are stored in one transaction.
   */
  @Post('batch')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: PublishedBatchDto })
  @ApiBadRequestResponse({
    description:
      'No events or more than 500, or some events bad (each named: events.<i>.<field>); nothing stored',
  })
  @ApiUnprocessableEntityResponse({
    description: "An event's idempotencyKey reused with another body; nothing stored",
  })
  @ApiPayloadTooLargeResponse({ description: 'Body over 5 MiB' })
  async publishBatch(
    @CurrentPrincipal() principal: WebhooksPrincipal,
    @Body() body: PublishBatchDto,
  ): Promise<PublishedBatchDto> {
    const reserved = body.events.flatMap((event, i) => {
      const type = (event as { type?: unknown } | null)?.type;
      return typeof type === 'string' && isOperationalEventType(type)
        ? [{ field: `events.${i}.type`, message: operationalRefusal(`events.${i}.type`, type) }]
        : [];
    });
    if (reserved.length) throw WebhooksError.invalidFields(reserved);
    // Each event is checked by publishBatch (shape, catalog, schema, keys), all at once.
    const published = await this.publisher.publishBatch(body.events as BatchEventInput[], {
      companyId: principal.companyId,
    });
    return { ids: published.map((p) => p.id) };
  }
}

/** Operational events (`webhook.*`) are the module's own word: a client cannot publish one. */
function operationalRefusal(field: string, type: string): string {
  return `${field} "${type}" is an operational event type: the module publishes webhook.* events itself`;
}
