import { Injectable, Logger } from '@nestjs/common';
import { errorMessage } from '../common/error-message';
import { isRefusedStatement } from '../shared/sql-state';
import { storable } from '../shared/storable-text';
import {
  DeliveryQueue,
  type RecordRow,
  type SubscriptionOutcome,
} from '../queue/delivery-queue.repository';
import type { AttemptOutcome } from './attempt-outcome';
import { deliveryMetrics } from './delivery-metrics';
import { deliveryNotices, DeliveryNotices } from './delivery-notices';

const RECORD_BATCH = 200;
/**
 * Record writes in flight at once, and how long records gather before a write: larger batches,
 * fewer statements (the answer has arrived already; only the log and the lease wait).
 */
const MAX_WRITERS = 2;
const RECORD_GATHER_MS = 5;
const RETRY_AFTER_FAILED_WRITE_MS = 500;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Writes attempt outcomes: gathers them for a few milliseconds, writes up to RECORD_BATCH in one
 * statement with at most MAX_WRITERS writes at once, retries a failed write, and after PostgreSQL
 * refused a batch writes its records one by one so that one bad record cannot hold up the rest.
 */
@Injectable()
export class AttemptRecorder {
  private readonly logger = new Logger(AttemptRecorder.name);
  private buffer: AttemptOutcome[] = [];
  private readonly writes = new Set<Promise<void>>();
  private flushTimer: NodeJS.Timeout | null = null;
  /** Shut down: nothing more is written. */
  private closed = false;

  /** Called with each batch once written (see AttemptConsequences); must not throw. */
  private readonly listeners: ((records: readonly AttemptOutcome[]) => Promise<void>)[] = [];

  constructor(
    private readonly queue: DeliveryQueue,
    private readonly notices: DeliveryNotices,
  ) {}

  /** Adds what is done with each batch of outcomes once it is written. */
  onRecorded(listener: (records: readonly AttemptOutcome[]) => Promise<void>): void {
    this.listeners.push(listener);
  }

  /** Buffers an outcome; it is written within RECORD_GATHER_MS, or at once in a full batch. */
  add(outcome: AttemptOutcome): void {
    this.buffer.push(outcome);
    this.scheduleFlush();
  }

  /** Resolves once everything buffered now has been written (or `timeoutMs` passed). */
  async flushAll(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((this.buffer.length > 0 || this.writes.size > 0) && Date.now() < deadline) {
      this.flush();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all([...this.writes]),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        }),
      ]);
      clearTimeout(timer);
    }
  }

  /**
   * Drops what is still buffered and writes nothing more (after shutdown gave the deliveries
   * back: outcomes of requests aborted past the grace are not recorded).
   */
  close(): void {
    this.closed = true;
    this.buffer = [];
  }

  private scheduleFlush(): void {
    if (this.buffer.length >= RECORD_BATCH) {
      this.flush();
      return;
    }
    if (this.flushTimer || this.buffer.length === 0) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      this.flush();
    }, RECORD_GATHER_MS);
  }

  private flush(): void {
    if (this.closed) {
      this.buffer = [];
      return;
    }
    while (this.buffer.length > 0 && this.writes.size < MAX_WRITERS) {
      const records = this.buffer.splice(0, RECORD_BATCH);
      const write: Promise<void> = this.write(records)
        .catch((error: unknown) => {
          if (this.closed) return;
          if (isRefusedStatement(error)) return this.writeOneByOne(records);
          this.buffer.unshift(...records);
          this.logger.warn(
            `Recording ${records.length} attempts failed (${errorMessage(error)}); retrying`,
          );
          return sleep(RETRY_AFTER_FAILED_WRITE_MS);
        })
        .finally(() => {
          this.writes.delete(write);
          this.scheduleFlush();
        });
      this.writes.add(write);
    }
  }

  /**
   * After PostgreSQL refused a batch: writes its records one at a time. A record refused alone is
   * dropped with an error log; its delivery stays leased until the lease ends, and is then sent
   * again (at least once holds). One that fails otherwise goes back to the buffer.
   */
  private async writeOneByOne(records: AttemptOutcome[]): Promise<void> {
    for (const record of records) {
      if (this.closed) return;
      try {
        await this.write([record]);
      } catch (error) {
        if (!isRefusedStatement(error)) {
          this.logger.warn(
            `Recording the attempt of delivery ${record.delivery.id} failed (${errorMessage(error)}); retrying`,
          );
          this.buffer.push(record);
          continue;
        }
        deliveryMetrics.recordsDropped.inc();
        this.logger.error(
          `Recording the attempt of delivery ${record.delivery.id} refused by PostgreSQL (${errorMessage(error)}); dropped, the delivery is sent again when its lease ends`,
        );
      }
    }
  }

  /** Writes the records, then acts on what they mean for their subscriptions. */
  private async write(records: AttemptOutcome[]): Promise<void> {
    const rows = records.map(toRecordRow);
    const subscriptions = subscriptionOutcomes(records);
    const notices = deliveryNotices(records);
    if (notices.length === 0) await this.queue.record(rows, subscriptions);
    else await this.notices.recordWith(notices, (m) => this.queue.record(rows, subscriptions, m));
    for (const listener of this.listeners) await listener(records);
  }
}

/** One literal, always in this field order: one hidden class for every row (a spread cost 4x). */
function toRecordRow(r: AttemptOutcome): RecordRow {
  const d = r.delivery;
  const made = r.kind === 'attempted';
  return {
    attempt_id: made ? r.attemptId : null,
    delivery_id: d.id,
    company_id: d.companyId,
    event_id: d.eventId,
    subscription_id: d.subscriptionId,
    event_type: d.eventType,
    attempt_number: d.attemptNumber,
    status: made ? r.status : 'failed',
    status_code: made ? r.statusCode : null,
    duration_ms: made ? r.durationMs : 0,
    error: made ? storable(r.error) : r.reason,
    response_body: made ? storable(r.responseBody) : '',
    request_headers: made ? r.requestHeaders : {},
    response_headers: made ? r.responseHeaders : null,
    at: r.at,
    next_status: made ? r.nextStatus : 'cancelled',
    next_attempt_at: made ? r.nextAttemptAt : null,
  };
}

/** Per subscription of the batch's attempts: whether any was answered, and the earliest. */
function subscriptionOutcomes(records: AttemptOutcome[]): SubscriptionOutcome[] {
  const outcomes = new Map<string, SubscriptionOutcome>();
  for (const r of records) {
    const id = r.delivery.subscriptionId;
    if (r.kind !== 'attempted' || !id) continue;
    const seen = outcomes.get(id);
    outcomes.set(id, {
      subscriptionId: id,
      ok: (seen?.ok ?? false) || r.status === 'succeeded',
      at: seen && seen.at < r.at ? seen.at : r.at,
    });
  }
  return [...outcomes.values()];
}
