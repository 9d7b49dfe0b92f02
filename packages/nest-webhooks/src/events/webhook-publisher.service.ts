import { Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { EventCatalog } from '../catalog/event-catalog.service';
import { SerializerRegistry } from '../formats/serializer-registry';
import { SignatureProviderRegistry } from '../signing/signature-headers';
import { type OutboxEvent, OutboxRepository } from '../queue/outbox.repository';
import { WebhooksError } from '../webhooks.errors';
import { WebhooksSettings } from '../webhooks-settings';
import { batchProblems } from './batch-problems';
import { BatchWriter } from './batch-writer';
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

/** An event of a batch: a key as `PublishOptions.idempotencyKey`, once per batch. */
export interface BatchEventInput extends EventInput {
  idempotencyKey?: string;
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
    private readonly batches: BatchWriter,
    private readonly outbox: OutboxRepository,
    private readonly serializers: SerializerRegistry,
    private readonly signers: SignatureProviderRegistry,
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
   * Several events of one company, all or nothing, in one transaction (the caller's, or one of
   * their own whose deliveries this instance sends from memory while it has room). Every event is
   * checked first: one bad event refuses the batch, naming each problem (`events.<i>.<field>`).
   * Each `idempotencyKey` behaves as a single publish's, and may appear once per batch: a replayed
   * key answers its earlier event (nothing new), a key reused with another body refuses the whole
   * batch. Subscriptions with `batch: true` get one delivery carrying every event they match (one
   * HTTP request); the others get one delivery per event as with `publish`. Answers are in order.
   */
  async publishBatch(
    events: readonly BatchEventInput[],
    options: Omit<PublishOptions, 'idempotencyKey'>,
  ): Promise<PublishedEvent[]> {
    const problems = batchProblems(events, this.catalog);
    if (problems.length > 0) throw WebhooksError.invalidFields(problems);
    return this.batches.publish(
      events.map((e) => ({
        id: randomUUID(),
        companyId: options.companyId,
        type: e.type,
        data: JSON.stringify(e.data),
        idempotency: e.idempotencyKey
          ? { key: e.idempotencyKey, requestHash: hashRequest(e.type, e.data) }
          : undefined,
      })),
      options.manager,
    );
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
    const endpoint = await directEndpoint(options, this.settings, {
      serializers: this.serializers,
      signers: this.signers,
    });
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
