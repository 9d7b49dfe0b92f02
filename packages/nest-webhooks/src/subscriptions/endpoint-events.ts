import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  WEBHOOK_ENDPOINT_CREATED,
  WEBHOOK_ENDPOINT_DELETED,
  WEBHOOK_ENDPOINT_ENABLED,
  WEBHOOK_ENDPOINT_UPDATED,
} from '../catalog/builtin-event-types';
import type { WebhookSubscription } from '../entities/webhook-subscription.entity';
import type { OperationalEventPublisher } from '../interfaces/operational-event-publisher.interface';
import { OPERATIONAL_EVENTS } from '../webhooks.constants';

type Row = Pick<WebhookSubscription, 'id' | 'companyId' | 'url' | 'events'>;

/**
 * The operational events about a company's subscriptions that its API calls cause, each published
 * in the transaction of the change (`manager`): `webhook.endpoint.created`, `.updated`,
 * `.deleted`, and `.enabled` when `isActive` turns from false to true. The fan-out leaves out the
 * subscription they are about.
 */
@Injectable()
export class EndpointEvents {
  constructor(@Inject(OPERATIONAL_EVENTS) private readonly events: OperationalEventPublisher) {}

  created(row: Row, manager: EntityManager): Promise<void> {
    return this.publish(WEBHOOK_ENDPOINT_CREATED, row, manager);
  }

  async updated(row: Row, enabled: boolean, manager: EntityManager): Promise<void> {
    await this.publish(WEBHOOK_ENDPOINT_UPDATED, row, manager);
    if (enabled) {
      await this.events.publish(
        WEBHOOK_ENDPOINT_ENABLED,
        { subscriptionId: row.id, url: row.url },
        { companyId: row.companyId, manager },
      );
    }
  }

  deleted(row: Row, manager: EntityManager): Promise<void> {
    return this.publish(WEBHOOK_ENDPOINT_DELETED, row, manager);
  }

  private async publish(type: string, row: Row, manager: EntityManager): Promise<void> {
    await this.events.publish(
      type,
      { subscriptionId: row.id, url: row.url, events: row.events },
      { companyId: row.companyId, manager },
    );
  }
}
