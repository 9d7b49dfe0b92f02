import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { sqlState } from '../shared/sql-state';
import { DeliveryHandoff, type HandoffReservation } from '../dispatch/delivery-handoff';
import { deliveryMetrics } from '../dispatch/delivery-metrics';
import { DispatchSignal } from '../dispatch/dispatch-signal';
import type { ClaimedDelivery } from '../queue/claimed-delivery';
import { decideKey } from '../queue/idempotency';
import { type OutboxEvent, OutboxRepository } from '../queue/outbox.repository';
import { WebhooksError, WebhooksErrorCode } from '../webhooks.errors';
import type { PublishedEvent } from './event-writer';
import { bytesPerDelivery, sortGroupRows } from './group-rows';

/** What a batch's transaction wrote, for what follows its commit. */
interface WrittenBatch {
  answers: PublishedEvent[];
  /** Events stored (the others replayed an earlier one). */
  stored: number;
  leased: ClaimedDelivery[];
  pending: string[];
  /** Some deliveries wait in the table: the dispatchers are woken. */
  waiting: boolean;
}

/** Deadlock, serialization failure: two batches taking the same keys in opposite orders. */
const TRANSIENT = new Set(['40P01', '40001']);
const ATTEMPTS = 3;

/**
 * Writes a batch of one company's events all or nothing, in one transaction: the idempotency keys
 * decided first (a replayed key answers its earlier event, a key reused with another body refuses
 * the whole batch), then the events and their fan-out in one statement, with as many deliveries as
 * this instance's dispatcher has room for created leased to it and handed off on commit, and one
 * delivery carrying every matching event for each `batch` subscription.
 */
@Injectable()
export class BatchWriter {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly signal: DispatchSignal,
    private readonly handoff: DeliveryHandoff,
    private readonly outbox: OutboxRepository,
  ) {}

  /**
   * The events, in the caller's transaction (`manager`: no hand-off, NOTIFY on its commit) or in
   * one of their own, tried again when PostgreSQL broke a deadlock with a concurrent batch.
   */
  async publish(events: OutboxEvent[], manager?: EntityManager): Promise<PublishedEvent[]> {
    if (events.length === 0) return [];
    if (manager) {
      const written = await this.write(manager, events, null);
      // Counted at the write, as a single publish in a caller's transaction is.
      deliveryMetrics.published.inc(written.stored);
      return written.answers;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.publishAlone(events);
      } catch (error) {
        if (attempt >= ATTEMPTS || !TRANSIENT.has(sqlState(error) ?? '')) throw error;
      }
    }
  }

  private async publishAlone(events: OutboxEvent[]): Promise<PublishedEvent[]> {
    const reservation = this.handoff.reserve(events.length * 2, bytesPerDelivery(events));
    let written: WrittenBatch;
    try {
      written = await this.dataSource.transaction((m) => this.write(m, events, reservation));
    } catch (error) {
      if (reservation) this.handoff.adopt(reservation, []);
      throw error;
    }
    if (reservation) this.handoff.adopt(reservation, written.leased, written.pending);
    deliveryMetrics.published.inc(written.stored);
    if (written.waiting) this.signal.wake();
    return written.answers;
  }

  private async write(
    manager: EntityManager,
    events: OutboxEvent[],
    reservation: HandoffReservation | null,
  ): Promise<WrittenBatch> {
    const index = new Map(events.map((e, i) => [e.id, i]));
    const replayed = await this.replays(manager, events, index, true);
    const fresh = events.filter((e) => !replayed.has(e.id));
    const rows = fresh.length
      ? await this.outbox.insertGroup(fresh, reservation, { manager, batch: true })
      : [];
    const sorted = sortGroupRows(fresh, rows);
    if (sorted.skipped.size > 0) {
      // A concurrent publish committed one of these keys after they were looked up.
      const late = fresh.filter((e) => sorted.skipped.has(e.id));
      (await this.replays(manager, late, index, false)).forEach((id, eventId) =>
        replayed.set(eventId, id),
      );
    }
    const stored = fresh.filter((e) => !sorted.skipped.has(e.id));
    const batches = await this.outbox.insertBatchDeliveries(manager, events[0].companyId, stored);
    for (const ids of batches) {
      ids.forEach((id) => sorted.counts.set(id, (sorted.counts.get(id) ?? 0) + 1));
    }
    const waiting = sorted.created > sorted.leased.length || batches.length > 0;
    if (waiting) await this.outbox.notify(manager);
    return {
      stored: stored.length,
      answers: events.map((e) => {
        const earlier = replayed.get(e.id);
        if (earlier) return { id: earlier, deliveries: 0, replayed: true };
        return { id: e.id, deliveries: sorted.counts.get(e.id) ?? 0, replayed: false };
      }),
      leased: sorted.leased,
      pending: [...sorted.pending],
      waiting,
    };
  }

  /**
   * The earlier event's id for each keyed event whose key the company used within the window;
   * throws (422, naming the event) when one was used with another body. Keys held by events older
   * than the window are given up (`freeExpired`); after the insert, a key found free again is a
   * race lost to the purge, answered as a serialization failure.
   */
  private async replays(
    manager: EntityManager,
    events: OutboxEvent[],
    index: ReadonlyMap<string, number>,
    freeExpired: boolean,
  ): Promise<Map<string, string>> {
    const replayed = new Map<string, string>();
    const keyed = events.filter((e) => e.idempotency);
    if (keyed.length === 0) return replayed;
    const holders = await this.outbox.keyedEvents(
      keyed.map((e) => ({ companyId: e.companyId, key: e.idempotency!.key })),
      manager,
    );
    const holderOf = new Map(holders.map((h) => [h.key, h]));
    const expired: string[] = [];
    for (const event of keyed) {
      const holder = holderOf.get(event.idempotency!.key);
      const decision = decideKey(event.idempotency!, holder, Date.now());
      if (decision.kind === 'replay') {
        replayed.set(event.id, decision.id);
      } else if (decision.kind === 'reused') {
        throw keyReusedIn(index.get(event.id)!);
      } else if (!freeExpired) {
        // The key's holder was gone again (purged) by the time it was looked up after the insert
        // skipped it: nothing to answer from. A serialization failure: the batch is tried again.
        throw Object.assign(new Error('an idempotency key changed hands during the batch'), {
          code: '40001',
        });
      } else if (holder) {
        expired.push(holder.id);
      }
    }
    await this.outbox.giveUpKeys(manager, expired);
    return replayed;
  }
}

function keyReusedIn(index: number): WebhooksError {
  const field = `events.${index}.idempotencyKey`;
  return new WebhooksError(
    WebhooksErrorCode.IdempotencyKeyReused,
    `${field} was already used with a different request body`,
    field,
  );
}
