import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  OperationalEvent,
  OperationalEventPublisher,
} from '../interfaces/operational-event-publisher.interface';
import { OutboxRepository } from '../queue/outbox.repository';
import { WebhookPublisher } from './webhook-publisher.service';

/** The subscription an operational event is about (`data.subscriptionId`), if any. */
function aboutOf(data: unknown): string | null {
  const about = (data as { subscriptionId?: unknown } | null)?.subscriptionId;
  return typeof about === 'string' ? about : null;
}

/**
 * The engine's and the subscriptions' way to publish operational events (`OPERATIONAL_EVENTS`):
 * through the publisher, as any event (signed, retried, logged), and only when an active
 * subscription of the company other than the one it is about names the type, so that a company
 * without one stores nothing for them. Who listens is one query per type, however many events.
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
    const [published] = await this.publishAll(
      [{ type, data, companyId: options.companyId }],
      options.manager,
    );
    return published;
  }

  async publishAll(
    events: readonly OperationalEvent[],
    manager?: EntityManager,
  ): Promise<unknown[]> {
    const heard = new Array<boolean>(events.length).fill(false);
    const byType = new Map<string, number[]>();
    events.forEach((e, i) => byType.set(e.type, [...(byType.get(e.type) ?? []), i]));
    for (const [type, indices] of byType) {
      const listening = await this.outbox.listening(
        type,
        indices.map((i) => ({ companyId: events[i].companyId, about: aboutOf(events[i].data) })),
        manager,
      );
      indices.forEach((i, k) => (heard[i] = listening[k]));
    }
    const published: unknown[] = [];
    for (const [i, e] of events.entries()) {
      published.push(
        heard[i]
          ? await this.publisher.publish(e.type, e.data, { companyId: e.companyId, manager })
          : null,
      );
    }
    return published;
  }
}
