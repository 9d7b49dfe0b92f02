import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { WEBHOOK_PING } from '../catalog/builtin-event-types';
import { DispatchSignal } from '../dispatch/dispatch-signal';
import { ImmediateDelivery } from '../dispatch/immediate-delivery';
import { DeliveryQueue } from '../queue/delivery-queue.repository';
import { OutboxRepository } from '../queue/outbox.repository';
import { SubscriptionsService } from '../subscriptions/subscriptions.service';
import { WebhooksError, WebhooksErrorCode } from '../webhooks.errors';
import { WebhooksSettings } from '../webhooks-settings';
import { DeliveryLogRepository } from './delivery-log.repository';
import type { AttemptStatus } from '../entities/delivery-status';
import type {
  AttemptPageDto,
  DeliveryDto,
  RequeuedDto,
  TestDeliveryResultDto,
} from './dto/attempt.dto';

export const RECOVER_WINDOW_MS = 14 * 24 * 60 * 60 * 1000;

/** Delivery logs, replays and test pings, all scoped to the caller's company. */
@Injectable()
export class DeliveriesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly log: DeliveryLogRepository,
    private readonly subscriptions: SubscriptionsService,
    private readonly immediate: ImmediateDelivery,
    private readonly queue: DeliveryQueue,
    private readonly outbox: OutboxRepository,
    private readonly signal: DispatchSignal,
    private readonly settings: WebhooksSettings,
  ) {}

  /** Sends a `webhook.ping` to the subscription now and waits for the answer (no retries). */
  async sendTestPing(companyId: string, subscriptionId: string): Promise<TestDeliveryResultDto> {
    const subscription = await this.subscriptions.require(companyId, subscriptionId);
    const eventId = randomUUID();
    const deliveryId = randomUUID();
    await this.dataSource.transaction(async (manager) => {
      const data = { subscriptionId, message: 'Test delivery from the webhooks API' };
      const event = { id: eventId, companyId, type: WEBHOOK_PING, data: JSON.stringify(data) };
      await this.outbox.insertEvent(manager, event);
      await this.queue.insertHeld(manager, {
        id: deliveryId,
        companyId,
        eventId,
        subscriptionId,
        eventType: WEBHOOK_PING,
        requestTimeoutMs: subscription.requestTimeoutMs,
      });
    });
    const record = await this.immediate.send(deliveryId, { retry: false });
    return {
      delivered: record.status === 'succeeded',
      statusCode: record.statusCode,
      durationMs: record.durationMs,
      error: record.error,
      attemptId: record.attemptId,
    };
  }

  async logs(
    companyId: string,
    subscriptionId: string,
    query: { limit: number; cursor?: string; status?: AttemptStatus; eventType?: string },
  ): Promise<AttemptPageDto> {
    await this.subscriptions.require(companyId, subscriptionId);
    const scope = `attempts:${companyId}:${subscriptionId}:${query.status ?? ''}:${query.eventType ?? ''}`;
    const after = query.cursor ? this.settings.cursors.decode(query.cursor, scope) : null;
    if (query.cursor && !after) {
      throw new WebhooksError(WebhooksErrorCode.InvalidCursor, 'cursor was not issued by this API');
    }
    const page = await this.log.attemptsPageForCompany(
      companyId,
      subscriptionId,
      { status: query.status, eventType: query.eventType },
      after,
      query.limit,
    );
    const last = page.items[page.items.length - 1];
    return {
      items: page.items,
      nextCursor: page.hasMore && last ? this.settings.cursors.encode(last, scope) : null,
    };
  }

  async get(companyId: string, deliveryId: string): Promise<DeliveryDto> {
    const delivery = isUUID(deliveryId)
      ? await this.log.deliveryForCompany(companyId, deliveryId)
      : null;
    if (!delivery) throw notFound(deliveryId);
    return delivery;
  }

  /** Queues one delivery again now (a succeeded one is sent again); 409 while it is being sent. */
  async retry(companyId: string, deliveryId: string): Promise<void> {
    const before = isUUID(deliveryId)
      ? await this.queue.requeueForCompany(companyId, deliveryId)
      : null;
    if (!before) throw notFound(deliveryId);
    if (before === 'sending') {
      throw new WebhooksError(
        WebhooksErrorCode.DeliveryInProgress,
        `delivery ${deliveryId} is being sent right now; retry once it has finished`,
      );
    }
    this.signal.wake();
  }

  async recover(companyId: string, subscriptionId: string, since: string): Promise<RequeuedDto> {
    await this.subscriptions.require(companyId, subscriptionId);
    const from = new Date(since);
    if (Number.isNaN(from.getTime())) {
      throw WebhooksError.invalidField('since', 'since must be an ISO-8601 date-time');
    }
    if (Date.now() - from.getTime() > RECOVER_WINDOW_MS) {
      throw WebhooksError.invalidField('since', 'since must be at most 14 days ago');
    }
    const requeued = await this.queue.recoverForCompany(companyId, subscriptionId, from);
    if (requeued > 0) this.signal.wake();
    return { requeued };
  }
}

function notFound(deliveryId: string): WebhooksError {
  return new WebhooksError(
    WebhooksErrorCode.DeliveryNotFound,
    `delivery ${deliveryId} was not found`,
  );
}
