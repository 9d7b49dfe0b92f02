import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { isRefusedStatement } from '../shared/sql-state';
import { deliveryMetrics } from '../dispatch/delivery-metrics';
import { DeliveryHandoff } from '../dispatch/delivery-handoff';
import { DispatchSignal } from '../dispatch/dispatch-signal';
import { decideKey, keyReused } from '../queue/idempotency';
import { type GroupRow, type OutboxEvent, OutboxRepository } from '../queue/outbox.repository';
import { GroupCommit } from './group-commit';
import { bytesPerDelivery, sortGroupRows } from './group-rows';

export interface PublishedEvent {
  id: string;
  /** How many deliveries were created (0 for a replayed idempotent request). */
  deliveries: number;
  /** true when an earlier event with the same idempotency key was answered. */
  replayed: boolean;
}

/**
 * Writes published events to the outbox: group-committed with concurrent publishes (and handed
 * off to this instance's dispatcher), or in one transaction, the caller's or its own, which wakes
 * the dispatchers on commit.
 */
@Injectable()
export class EventWriter {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly signal: DispatchSignal,
    private readonly handoff: DeliveryHandoff,
    private readonly outbox: OutboxRepository,
  ) {}

  /**
   * One event in a transaction of its own or the caller's (`manager`): the idempotency key
   * claimed first, then the event and its fan-out, and NOTIFY on commit.
   */
  publishInTransaction(
    event: OutboxEvent,
    manager: EntityManager | undefined,
  ): Promise<PublishedEvent> {
    const claim = event.idempotency;
    return this.inTransaction(manager, async (m) => {
      const earlier = () =>
        claim
          ? this.outbox.claimIdempotencyKey(m, event.companyId, claim.key, claim.requestHash)
          : null;
      const replayed = await earlier();
      if (replayed) return { id: replayed, deliveries: 0, replayed: true };
      if (!(await this.outbox.insertEvent(m, event))) {
        // A concurrent request with the same key committed first.
        const first = await earlier();
        if (first) return { id: first, deliveries: 0, replayed: true };
      }
      const deliveries = await this.outbox.fanOut(m, event);
      deliveryMetrics.published.inc();
      return { id: event.id, deliveries, replayed: false };
    });
  }

  /**
   * Publishes outside a caller's transaction, keyed or not: group-committed with the concurrent
   * ones (see {@link GroupCommit}); no NOTIFY inside the commit (NOTIFY serialises committing
   * transactions): this instance wakes at once, the others through a throttled NOTIFY after the
   * commit. An event's own refusal (its idempotency key reused with another body) is its answer.
   */
  readonly groups = new GroupCommit<OutboxEvent, PublishedEvent | Error>(
    (events) => this.publishGroup(events),
    async (event) => (await this.publishGroup([event]))[0],
    {
      maxGroup: 500,
      maxInFlight: 4,
      // Only PostgreSQL refusing the data (class 22) or a constraint (23) may be one event's
      // fault. Anything else (a lost connection) may even have committed the group: each event
      // alone would then fail on its id, so every caller gets the group's error, as a publish of
      // its own would.
      retryAlone: isRefusedStatement,
    },
  );

  /**
   * Events and their fan-out in one statement. While this instance's dispatcher has room, up to
   * that many deliveries are created already leased to it (`sending`, attempt 1) and handed to
   * it on commit: no claim query for them.
   */
  private async publishGroup(events: OutboxEvent[]): Promise<(PublishedEvent | Error)[]> {
    const reservation = this.handoff.reserve(events.length * 2, bytesPerDelivery(events));
    let rows: GroupRow[];
    try {
      rows = await this.outbox.insertGroup(events, reservation);
    } catch (error) {
      if (reservation) this.handoff.adopt(reservation, []);
      throw error;
    }
    const { leased, pending, counts, skipped, created } = sortGroupRows(events, rows);
    if (reservation) this.handoff.adopt(reservation, leased, [...pending]);
    deliveryMetrics.published.inc(events.length - skipped.size);
    if (created > leased.length) {
      this.signal.wake();
      this.notifyOtherInstances();
    }
    // The group is committed: a failure from here on is only the skipped events' answer.
    const replays =
      skipped.size > 0
        ? await this.replays(events, skipped).catch((error: unknown) => {
            const failed = asError(error);
            return new Map([...skipped].map((id) => [id, failed]));
          })
        : null;
    return events.map(
      (e) => replays?.get(e.id) ?? { id: e.id, deliveries: counts.get(e.id) ?? 0, replayed: false },
    );
  }

  /**
   * The answers of the group's events that were not stored because their key was taken (earlier,
   * or by another event of the group): the earlier event's id, or 422 for another body. A key
   * older than the window is given up by a publish of its own.
   */
  private async replays(
    events: OutboxEvent[],
    skipped: ReadonlySet<string>,
  ): Promise<Map<string, PublishedEvent | Error>> {
    const keyed = events.filter((e) => skipped.has(e.id) && e.idempotency);
    const holders = await this.outbox.keyedEvents(
      keyed.map((e) => ({ companyId: e.companyId, key: e.idempotency!.key })),
    );
    const holderOf = new Map(holders.map((h) => [`${h.companyId}\0${h.key}`, h]));
    const answers = new Map<string, PublishedEvent | Error>();
    for (const event of keyed) {
      const claim = event.idempotency!;
      const holder = holderOf.get(`${event.companyId}\0${claim.key}`);
      const decision = decideKey(claim, holder, Date.now());
      if (decision.kind === 'replay') {
        answers.set(event.id, { id: decision.id, deliveries: 0, replayed: true });
      } else if (decision.kind === 'reused') {
        answers.set(event.id, keyReused());
      } else {
        answers.set(event.id, await this.publishInTransaction(event, undefined).catch(asError));
      }
    }
    return answers;
  }

  private lastNotifyAt = 0;

  /** At most one NOTIFY per 50 ms: enough to wake every other instance promptly. */
  private notifyOtherInstances(): void {
    const now = Date.now();
    if (now - this.lastNotifyAt < 50) return;
    this.lastNotifyAt = now;
    this.outbox.notify().catch(() => {
      // The other instances' ticks pick the deliveries up anyway.
    });
  }

  /** Runs `work` in the caller's transaction, or in one of its own that wakes this instance on commit. */
  async inTransaction<T>(
    manager: EntityManager | undefined,
    work: (manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    if (manager) return work(manager);
    const result = await this.dataSource.transaction(work);
    this.signal.wake();
    return result;
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
