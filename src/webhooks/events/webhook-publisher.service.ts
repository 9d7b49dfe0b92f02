import { Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { EventCatalog } from '../catalog/event-catalog.service';
import { matchesAnyEventFilter } from '../catalog/event-type-matching';
import {
  type BatchDeliveryRow,
  type OutboxEvent,
  OutboxRepository,
} from '../queue/outbox.repository';
import { WebhooksError } from '../webhooks.errors';
import { WebhooksSettings } from '../webhooks-settings';
import { type DirectSendOptions, directEndpoint } from './direct-endpoint';
import { EventWriter, type PublishedEvent } from './event-writer';

export type { DirectSendOptions };

export interface PublishOptions {
  /** The tenant: only its subscriptions receive the event. */
  companyId: string;
  /**
   * The caller's transaction: the event and its deliveries are written in it (a transactional
   * outbox), so they exist exactly when the caller's change commits.
   */
  manager?: EntityManager;
  /** Same key (per company, 24 h) and same body: the first event's id, nothing new stored. */
  idempotencyKey?: string;
}

export type { PublishedEvent };

export interface EventInput {
  type: string;
  data: unknown;
}

/**
 * Accepts events: validates them against the catalog, stores each with one delivery per matching
 * subscription in one transaction, and wakes the dispatchers once that transaction commits
 * (NOTIFY inside the transaction reaches every instance on commit, never on rollback).
 */
@Injectable()
export class WebhookPublisher {
  constructor(
    private readonly catalog: EventCatalog,
    private readonly settings: WebhooksSettings,
    private readonly writer: EventWriter,
    private readonly outbox: OutboxRepository,
  ) {}

  async publish(type: string, data: unknown, options: PublishOptions): Promise<PublishedEvent> {
    this.validate(type, data);
    const key = options.idempotencyKey;
    const event: OutboxEvent = {
      id: randomUUID(),
      companyId: options.companyId,
      type,
      data: JSON.stringify(data),
      idempotency: key ? { key, requestHash: hashRequest(type, data) } : undefined,
    };
    if (options.manager) return this.writer.publishInTransaction(event, options.manager);
    const answer = await this.writer.groups.submit(event);
    if (answer instanceof Error) throw answer;
    return answer;
  }

  /**
   * Several events at once. Subscriptions with `batch: true` get one delivery carrying every event
   * they match (one HTTP request); the others get one delivery per event as with `publish`.
   */
  async publishBatch(
    events: readonly EventInput[],
    options: Omit<PublishOptions, 'idempotencyKey'>,
  ): Promise<PublishedEvent[]> {
    events.forEach((event) => this.validate(event.type, event.data));
    if (events.length === 0) return [];
    const stored = events.map((e) => ({
      id: randomUUID(),
      type: e.type,
      data: JSON.stringify(e.data),
    }));
    return this.writer.inTransaction(options.manager, async (manager) => {
      const subscriptions = await this.outbox.activeSubscriptions(manager, options.companyId);
      const counts = new Map<string, number>(stored.map((e) => [e.id, 0]));
      const rows: BatchDeliveryRow[] = [];
      for (const subscription of subscriptions) {
        const matching = stored.filter((e) => matchesAnyEventFilter(subscription.events, e.type));
        if (matching.length === 0) continue;
        if (subscription.batch) {
          const types = new Set(matching.map((e) => e.type));
          rows.push({
            eventId: matching[0].id,
            batch: matching.map((e) => e.id),
            subscriptionId: subscription.id,
            type: types.size === 1 ? matching[0].type : 'batch',
          });
        } else {
          for (const e of matching) {
            rows.push({
              eventId: e.id,
              batch: null,
              subscriptionId: subscription.id,
              type: e.type,
            });
          }
        }
        matching.forEach((e) => counts.set(e.id, (counts.get(e.id) ?? 0) + 1));
      }
      await this.outbox.insertBatch(manager, options.companyId, stored, rows);
      return stored.map(({ id }) => ({ id, deliveries: counts.get(id) ?? 0, replayed: false }));
    });
  }

  /**
   * Delivers one event to an ad-hoc endpoint (no subscription): per-call options over the
   * module's `directSend` defaults. Persisted, signed and retried like any other delivery.
   */
  async send(
    event: EventInput,
    options: DirectSendOptions,
  ): Promise<{ eventId: string; deliveryId: string }> {
    this.validate(event.type, event.data);
    const endpoint = await directEndpoint(options, this.settings);
    return this.writer.inTransaction(options.manager, async (manager) => {
      const eventId = randomUUID();
      const deliveryId = randomUUID();
      const stored = { id: eventId, companyId: options.companyId, type: event.type };
      await this.outbox.insertDirect(
        manager,
        { ...stored, data: JSON.stringify(event.data) },
        deliveryId,
        endpoint,
      );
      return { eventId, deliveryId };
    });
  }

  /** Throws a 400-mapped error unless `type` is in the catalog and `data` matches its schema. */
  validate(type: string, data: unknown): void {
    if (!this.catalog.has(type)) {
      throw WebhooksError.invalidField('type', `type "${type}" is not in the event catalog`);
    }
    const problems = this.catalog.validateData(type, data);
    if (problems.length) {
      throw WebhooksError.invalidField(
        'data',
        `data does not match the schema of ${type}: ${problems.join('; ')}`,
      );
    }
  }
}

function hashRequest(type: string, data: unknown): string {
  return createHash('sha256').update(type).update('\0').update(JSON.stringify(data)).digest('hex');
}
