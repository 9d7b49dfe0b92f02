import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { OperationalEventPublisher } from '../interfaces/operational-event-publisher.interface';
import { OutboxRepository } from '../queue/outbox.repository';
import { WebhookPublisher } from './webhook-publisher.service';

/**
 * The engine's and the subscriptions' way to publish operational events (`OPERATIONAL_EVENTS`):
 * through the publisher, as any event (signed, retried, logged), and only when an active
 * subscription of the company other than the one it is about names the type, so that a company
 * without one stores nothing for them.
 */
@Injectable()
export class OperationalEvents implements OperationalEventPublisher {
  constructor(
    private readonly publisher: WebhookPublisher,
    private readonly outbox: OutboxRepository,
  ) {}

  async publish(
    type: string,
    data: unknown,
    options: { companyId: string; manager?: EntityManager },
  ): Promise<unknown> {
    const about = (data as { subscriptionId?: unknown }).subscriptionId;
    const listened = await this.outbox.anyListener(
      options.companyId,
      type,
      typeof about === 'string' ? about : null,
      options.manager,
    );
    if (!listened) return null;
    return this.publisher.publish(type, data, options);
  }
}
