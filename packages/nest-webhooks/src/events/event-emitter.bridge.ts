import { Injectable, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { PublishOptions, PublishedEvent } from './webhook-publisher.service';
import { WebhookPublisher } from './webhook-publisher.service';

/**
 * The payload that makes an `@nestjs/event-emitter` event a webhook event:
 *
 *   await eventEmitter.emitAsync('candidate.created', new WebhookEventPayload(data, { companyId, manager }));
 *
 * The event name must be a catalog type. `emitAsync` resolves once the event is stored (in the
 * caller's transaction when `manager` is given) and rejects with the publisher's error, so nothing
 * is lost silently. Other payloads on the same event names are left alone.
 */
export class WebhookEventPayload<T = unknown> {
  constructor(
    readonly data: T,
    readonly options: PublishOptions,
  ) {}
}

@Injectable()
export class EventEmitterBridge implements OnModuleInit, OnModuleDestroy {
  constructor(
    private readonly publisher: WebhookPublisher,
    @Optional() private readonly emitter?: EventEmitter2,
  ) {}

  // EventEmitter2 types listeners as returning void; `emitAsync` does await the promise we return.
  onModuleInit(): void {
    // eslint-disable-next-line @typescript-eslint/no-misused-promises
    this.emitter?.onAny(this.listener);
  }

  onModuleDestroy(): void {
    // eslint-disable-next-line @typescript-eslint/no-misused-promises
    this.emitter?.offAny(this.listener);
  }

  private readonly listener = async (
    event: string | string[],
    payload?: unknown,
  ): Promise<PublishedEvent | undefined> => {
    if (!(payload instanceof WebhookEventPayload)) return undefined;
    const type = Array.isArray(event) ? event.join('.') : event;
    return this.publisher.publish(type, payload.data, payload.options);
  };
}
