import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DataSource } from 'typeorm';
import type { DeliveryStatus } from '../deliveries/delivery-status';
import type { DirectEndpoint } from '../deliveries/webhook-delivery.entity';
import { SerializerRegistry } from '../formats/serializer-registry';
import type { OutgoingEvent } from '../interfaces/outgoing-event.interface';
import type {
  WebhookHttpClient,
  WebhookHttpResponse,
} from '../interfaces/webhook-http-client.interface';
import { SignatureProviderRegistry } from '../signing/signature-headers';
import { signatureHeaders } from '../signing/signature-headers';
import { WEBHOOK_HTTP_CLIENT } from '../webhooks.constants';
import { WebhooksSettings } from '../webhooks-settings';
import { type DeliveryTarget, DeliveryTargets } from './delivery-targets';
import { DispatchSignal } from './dispatch-signal';
import { decideAfterAttempt } from './retry-policy';
import { SubscriptionHealth } from './subscription-health.service';

/** A delivery this instance holds the lease of, with what it needs to be sent. */
export interface ClaimedDelivery {
  id: string;
  companyId: string;
  eventId: string;
  batchEventIds: string[] | null;
  subscriptionId: string | null;
  endpoint: DirectEndpoint | null;
  eventType: string;
  /** The number of the attempt about to be made (1 = first). */
  attemptNumber: number;
  event: OutgoingEvent;
}

/** The outcome of one attempt, as the recorder writes it. */
export interface AttemptRecord {
  attemptId: string;
  delivery: ClaimedDelivery;
  status: 'succeeded' | 'failed';
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseBody: string;
  requestHeaders: Record<string, string>;
  at: Date;
  nextStatus: DeliveryStatus;
  nextAttemptAt: Date | null;
  gone: boolean;
}

interface ClaimRow {
  id: string;
  company_id: string;
  event_id: string;
  batch_event_ids: string[] | null;
  subscription_id: string | null;
  endpoint: DirectEndpoint | null;
  event_type: string;
  attempt_count: number;
  type: string;
  data: unknown;
  created_at: Date;
}

const RECORD_BATCH = 200;

/**
 * Claims due deliveries (FOR UPDATE SKIP LOCKED, with a lease), sends them concurrently within a
 * global and a per-subscription bound, and records attempts and state changes in batches: one
 * statement per claim and one per recorded batch, never a query per delivery.
 */
@Injectable()
export class DeliveryDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryDispatcher.name);
  /** Lease owner name of this instance. */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private inFlight = 0;
  private readonly perSubscription = new Map<string, number>();
  private readonly sends = new Set<Promise<void>>();
  private stopping = false;
  private loop: Promise<void> | null = null;
  private slotWaiter: (() => void) | null = null;
  private failures = 0;
  private buffer: AttemptRecord[] = [];
  private flushing: Promise<void> | null = null;
  private flushTimer: NodeJS.Timeout | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly settings: WebhooksSettings,
    private readonly targets: DeliveryTargets,
    private readonly signal: DispatchSignal,
    private readonly serializers: SerializerRegistry,
    private readonly signers: SignatureProviderRegistry,
    private readonly health: SubscriptionHealth,
    @Inject(WEBHOOK_HTTP_CLIENT) private readonly http: WebhookHttpClient,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.settings.dispatch.enabled) return;
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.signal.dispose();
    this.slotWaiter?.();
    await this.loop;
    const grace = new Promise<void>((resolve) =>
      setTimeout(resolve, this.settings.dispatch.shutdownGraceMs).unref(),
    );
    await Promise.race([Promise.allSettled([...this.sends]), grace]);
    await this.flush().catch((error: unknown) =>
      this.logger.error(`Final flush failed: ${describe(error)}`),
    );
    await this.releaseLeases();
    await this.http.close();
  }

  /** Requests in flight right now (for tests and metrics). */
  get busy(): number {
    return this.inFlight;
  }

  /**
   * Sends one delivery this instance already holds (status `sending`, leased to `owner`) right
   * now and waits for its recorded attempt. `retry: false` ends it after this attempt.
   */
  async deliverNow(deliveryId: string, options: { retry: boolean }): Promise<AttemptRecord> {
    const rows = await this.dataSource.query<ClaimRow[]>(
      `SELECT d.id, d.company_id, d.event_id, d.batch_event_ids, d.subscription_id, d.endpoint,
              d.event_type, d.attempt_count, e.type, e.data, e.created_at
       FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
       WHERE d.id = $1 AND d.lease_owner = $2 AND d.status = 'sending'`,
      [deliveryId, this.owner],
    );
    const [claimed] = await this.withBatchEvents(rows.map(toClaimed));
    if (!claimed) throw new Error(`Delivery ${deliveryId} is not held by this instance`);
    const target = await this.targetFor(claimed);
    const record = await this.attempt(claimed, target, options.retry);
    this.buffer.push(record);
    await this.flush();
    return record;
  }

  private async run(): Promise<void> {
    const { concurrency, claimBatchSize } = this.settings.dispatch;
    while (!this.stopping) {
      const free = concurrency - this.inFlight;
      if (free <= 0) {
        await new Promise<void>((resolve) => (this.slotWaiter = resolve));
        this.slotWaiter = null;
        continue;
      }
      let claimed: ClaimedDelivery[];
      try {
        claimed = await this.claim(Math.min(free, claimBatchSize));
        this.failures = 0;
      } catch (error) {
        this.failures++;
        const delay = Math.min(30_000, 200 * 2 ** Math.min(this.failures, 8));
        this.logger.warn(
          `Claiming deliveries failed (${describe(error)}); retrying in ${delay} ms`,
        );
        await this.signal.wait(delay);
        continue;
      }
      if (claimed.length === 0) {
        await this.signal.wait(this.settings.dispatch.pollIntervalMs);
        continue;
      }
      try {
        await this.start(claimed);
      } catch (error) {
        // Their leases expire and the reaper hands them out again.
        this.logger.error(`Starting ${claimed.length} deliveries failed: ${describe(error)}`);
        await this.signal.wait(1000);
      }
    }
  }

  private async claim(limit: number): Promise<ClaimedDelivery[]> {
    const { perSubscriptionConcurrency } = this.settings.dispatch;
    const saturated = [...this.perSubscription]
      .filter(([, n]) => n >= perSubscriptionConcurrency)
      .map(([id]) => id);
    const rows = await this.dataSource.query<ClaimRow[]>(
      `WITH due AS (
         SELECT id FROM webhook_deliveries
         WHERE status = 'pending' AND next_attempt_at <= now()
           AND (subscription_id IS NULL OR NOT (subscription_id = ANY($3::uuid[])))
         ORDER BY next_attempt_at
         LIMIT $2
         FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE webhook_deliveries d
         SET status = 'sending', lease_owner = $1, attempt_count = d.attempt_count + 1,
             lease_expires_at = now() + make_interval(secs => $4), updated_at = now()
         FROM due WHERE d.id = due.id
         RETURNING d.id, d.company_id, d.event_id, d.batch_event_ids, d.subscription_id, d.endpoint,
                   d.event_type, d.attempt_count)
       SELECT c.*, e.type, e.data, e.created_at
       FROM claimed c JOIN webhook_events e ON e.id = c.event_id`,
      [this.owner, limit, saturated, this.settings.leaseSeconds],
    );
    return this.withBatchEvents(rows.map(toClaimed));
  }

  /** Starts sending claimed deliveries; returns once they are all under way. */
  private async start(claimed: ClaimedDelivery[]): Promise<void> {
    const subscriptionIds = claimed.flatMap((d) => (d.subscriptionId ? [d.subscriptionId] : []));
    const targets = await this.targets.forSubscriptions(subscriptionIds);
    const { perSubscriptionConcurrency } = this.settings.dispatch;
    const excess: string[] = [];
    const counts = new Map(this.perSubscription);
    for (const delivery of claimed) {
      const target = delivery.subscriptionId
        ? targets.get(delivery.subscriptionId)
        : this.targets.fromEndpoint(delivery.endpoint!);
      if (!target || !target.active) {
        this.buffer.push(cancelled(delivery));
        continue;
      }
      const key = delivery.subscriptionId;
      if (key) {
        const n = counts.get(key) ?? 0;
        if (n >= perSubscriptionConcurrency) {
          excess.push(delivery.id);
          continue;
        }
        counts.set(key, n + 1);
      }
      this.launch(delivery, target);
    }
    if (excess.length) await this.release(excess);
    this.scheduleFlush();
  }

  private launch(delivery: ClaimedDelivery, target: DeliveryTarget): void {
    this.inFlight++;
    const key = delivery.subscriptionId;
    if (key) this.perSubscription.set(key, (this.perSubscription.get(key) ?? 0) + 1);
    const send = this.attempt(delivery, target, true)
      .then((record) => {
        this.buffer.push(record);
      })
      .catch((error: unknown) => {
        this.logger.error(`Delivery ${delivery.id} could not be attempted: ${describe(error)}`);
      })
      .finally(() => {
        this.inFlight--;
        if (key) {
          const n = (this.perSubscription.get(key) ?? 1) - 1;
          if (n <= 0) this.perSubscription.delete(key);
          else this.perSubscription.set(key, n);
        }
        this.sends.delete(send);
        this.scheduleFlush();
        const waiter = this.slotWaiter;
        this.slotWaiter = null;
        waiter?.();
      });
    this.sends.add(send);
  }

  /** Builds, signs and sends one request, and decides what comes next. */
  private async attempt(
    delivery: ClaimedDelivery,
    target: DeliveryTarget,
    retry: boolean,
  ): Promise<AttemptRecord> {
    const serializer = this.serializers.get(target.format);
    const batch = delivery.batchEventIds !== null;
    const body = batch
      ? serializer.serializeBatch(await this.batchEvents(delivery))
      : serializer.serialize(delivery.event);
    const timestamp = Math.floor(Date.now() / 1000);
    const messageId = batch ? delivery.id : delivery.eventId;
    const headers: Record<string, string> = {
      ...target.headers,
      'content-type': batch ? serializer.batchContentType : serializer.contentType,
      'user-agent': this.settings.userAgent,
      'X-Webhook-Event': delivery.eventType,
      'X-Webhook-Delivery': delivery.id,
    };
    if (target.secrets.length > 0) {
      Object.assign(
        headers,
        signatureHeaders({
          messageId,
          timestamp,
          body,
          secrets: target.secrets,
          provider: this.signers.get(target.signatureAlgorithm),
        }),
      );
    } else {
      headers['webhook-id'] = messageId;
      headers['webhook-timestamp'] = String(timestamp);
      headers['X-Webhook-Timestamp'] = String(timestamp);
    }
    const leaseMs = this.settings.leaseSeconds * 1000;
    const response: WebhookHttpResponse = await this.http.send({
      url: target.url,
      headers,
      body,
      timeoutMs: Math.max(100, Math.min(target.requestTimeoutMs, leaseMs - 5000)),
      allowPrivateAddresses: this.settings.urlPolicy.allowPrivateUrls,
    });
    const at = new Date();
    const decision = decideAfterAttempt(response, delivery.attemptNumber, target, at.getTime());
    const succeeded = decision.outcome === 'succeeded';
    let nextStatus: DeliveryStatus = succeeded ? 'succeeded' : 'failed';
    let nextAttemptAt: Date | null = null;
    if (decision.outcome === 'retry' && retry) {
      nextStatus = 'pending';
      nextAttemptAt = new Date(at.getTime() + decision.delayMs);
    }
    return {
      attemptId: randomUUID(),
      delivery,
      status: succeeded ? 'succeeded' : 'failed',
      statusCode: response.statusCode,
      durationMs: Math.round(response.durationMs),
      error: response.error,
      responseBody: response.body,
      requestHeaders: redactHeaders(headers, target.headers),
      at,
      nextStatus,
      nextAttemptAt,
      gone: decision.outcome === 'gone',
    };
  }

  private scheduleFlush(): void {
    if (this.buffer.length >= RECORD_BATCH) {
      void this.flush();
      return;
    }
    if (this.flushTimer || this.buffer.length === 0) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      void this.flush();
    }, 2);
  }

  /** Writes every buffered attempt and state change in one statement; retried on failure. */
  private async flush(): Promise<void> {
    if (this.flushing) {
      await this.flushing;
      if (this.buffer.length === 0) return;
    }
    if (this.buffer.length === 0) return;
    const records = this.buffer.splice(0, this.buffer.length);
    this.flushing = this.write(records)
      .then(() => this.afterWrite(records))
      .catch((error: unknown) => {
        this.buffer.unshift(...records);
        this.logger.warn(
          `Recording ${records.length} attempts failed (${describe(error)}); retrying`,
        );
        setTimeout(() => void this.flush(), 500).unref();
      })
      .finally(() => {
        this.flushing = null;
      });
    await this.flushing;
    if (this.buffer.length >= RECORD_BATCH) await this.flush();
  }

  private async write(records: AttemptRecord[]): Promise<void> {
    const attempts = records.filter((r) => r.attemptId !== '');
    const subscriptionOutcome = new Map<string, { ok: boolean; at: Date }>();
    for (const r of attempts) {
      const id = r.delivery.subscriptionId;
      if (!id) continue;
      const seen = subscriptionOutcome.get(id);
      subscriptionOutcome.set(id, {
        ok: (seen?.ok ?? false) || r.status === 'succeeded',
        at: seen && seen.at < r.at ? seen.at : r.at,
      });
    }
    await this.dataSource.query(
      `WITH attempt_rows AS (
         INSERT INTO webhook_attempts (id, company_id, delivery_id, event_id, subscription_id, event_type,
           attempt_number, status, status_code, duration_ms, error, response_body, request_headers, created_at)
         SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::uuid[], $4::uuid[], $5::uuid[], $6::varchar[],
           $7::int[], $8::varchar[], $9::int[], $10::int[], $11::text[], $12::text[], $13::jsonb[], $14::timestamptz[])
         RETURNING 1
       ), delivery_rows AS (
         UPDATE webhook_deliveries d
         SET status = v.status, next_attempt_at = v.next_attempt_at,
             last_status_code = COALESCE(v.status_code, CASE WHEN v.attempted THEN NULL ELSE d.last_status_code END),
             last_error = CASE WHEN v.attempted THEN v.error ELSE d.last_error END,
             last_attempt_at = CASE WHEN v.attempted THEN v.at ELSE d.last_attempt_at END,
             attempt_count = CASE WHEN v.attempted THEN d.attempt_count ELSE d.attempt_count - 1 END,
             lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
         FROM unnest($15::uuid[], $16::varchar[], $17::timestamptz[], $18::int[], $19::text[],
           $20::timestamptz[], $21::bool[]) AS v(id, status, next_attempt_at, status_code, error, at, attempted)
         WHERE d.id = v.id AND d.lease_owner = $22 AND d.status = 'sending'
         RETURNING d.id
       ), subscription_rows AS (
         UPDATE webhook_subscriptions s
         SET failing_since = CASE WHEN v.ok THEN NULL ELSE v.since END
         FROM unnest($23::uuid[], $24::bool[], $25::timestamptz[]) AS v(id, ok, since)
         WHERE s.id = v.id
           AND ((v.ok AND s.failing_since IS NOT NULL) OR (NOT v.ok AND s.failing_since IS NULL))
         RETURNING s.id
       )
       SELECT (SELECT count(*) FROM attempt_rows) AS attempts, (SELECT count(*) FROM delivery_rows) AS deliveries,
              (SELECT count(*) FROM subscription_rows) AS subscriptions`,
      [
        attempts.map((r) => r.attemptId),
        attempts.map((r) => r.delivery.companyId),
        attempts.map((r) => r.delivery.id),
        attempts.map((r) => r.delivery.eventId),
        attempts.map((r) => r.delivery.subscriptionId),
        attempts.map((r) => r.delivery.eventType),
        attempts.map((r) => r.delivery.attemptNumber),
        attempts.map((r) => r.status),
        attempts.map((r) => r.statusCode),
        attempts.map((r) => r.durationMs),
        attempts.map((r) => r.error),
        attempts.map((r) => stripNul(r.responseBody)),
        attempts.map((r) => JSON.stringify(r.requestHeaders)),
        attempts.map((r) => r.at.toISOString()),
        records.map((r) => r.delivery.id),
        records.map((r) => r.nextStatus),
        records.map((r) => r.nextAttemptAt?.toISOString() ?? null),
        records.map((r) => r.statusCode),
        records.map((r) => r.error),
        records.map((r) => r.at.toISOString()),
        records.map((r) => r.attemptId !== ''),
        this.owner,
        [...subscriptionOutcome.keys()],
        [...subscriptionOutcome.values()].map((v) => v.ok),
        [...subscriptionOutcome.values()].map((v) => v.at.toISOString()),
      ],
    );
  }

  /** Wake-ups for retries, and the subscription-level consequences (410, 5 days failing). */
  private async afterWrite(records: AttemptRecord[]): Promise<void> {
    let earliest = Infinity;
    for (const r of records) {
      if (r.nextAttemptAt) earliest = Math.min(earliest, r.nextAttemptAt.getTime());
    }
    if (earliest !== Infinity) this.signal.wakeAt(earliest);
    const gone = new Set(
      records.flatMap((r) =>
        r.gone && r.delivery.subscriptionId ? [r.delivery.subscriptionId] : [],
      ),
    );
    const failing = new Set(
      records.flatMap((r) =>
        r.status === 'failed' && r.attemptId && r.delivery.subscriptionId
          ? [r.delivery.subscriptionId]
          : [],
      ),
    );
    try {
      for (const id of gone) {
        this.targets.forget(id);
        await this.health.deactivate(id, 'the endpoint answered 410 Gone');
      }
      if (failing.size) {
        for (const id of await this.health.failingTooLong([...failing])) {
          this.targets.forget(id);
          await this.health.deactivate(id, 'every delivery failed for 5 days');
        }
      }
    } catch (error) {
      this.logger.error(`Deactivating failing subscriptions failed: ${describe(error)}`);
    }
  }

  /** Gives claimed deliveries back without an attempt (per-subscription bound reached). */
  private async release(ids: string[]): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_deliveries
       SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL, attempt_count = attempt_count - 1
       WHERE id = ANY($1::uuid[]) AND lease_owner = $2 AND status = 'sending'`,
      [ids, this.owner],
    );
  }

  private async releaseLeases(): Promise<void> {
    try {
      await this.dataSource.query(
        `UPDATE webhook_deliveries
         SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = now(),
             attempt_count = greatest(attempt_count - 1, 0)
         WHERE lease_owner = $1 AND status = 'sending'`,
        [this.owner],
      );
    } catch (error) {
      this.logger.warn(`Releasing leases failed (${describe(error)}); they expire by themselves`);
    }
  }

  private async targetFor(delivery: ClaimedDelivery): Promise<DeliveryTarget> {
    if (!delivery.subscriptionId) return this.targets.fromEndpoint(delivery.endpoint!);
    const targets = await this.targets.forSubscriptions([delivery.subscriptionId]);
    const target = targets.get(delivery.subscriptionId);
    if (!target) throw new Error(`Subscription ${delivery.subscriptionId} not found`);
    return target;
  }

  private readonly batchCache = new Map<string, OutgoingEvent[]>();

  private async batchEvents(delivery: ClaimedDelivery): Promise<OutgoingEvent[]> {
    return this.batchCache.get(delivery.id) ?? [delivery.event];
  }

  /** Loads every event of the batch deliveries among `claimed` (one query). */
  private async withBatchEvents(claimed: ClaimedDelivery[]): Promise<ClaimedDelivery[]> {
    const batches = claimed.filter((d) => d.batchEventIds !== null);
    if (batches.length === 0) return claimed;
    const ids = [...new Set(batches.flatMap((d) => d.batchEventIds ?? []))];
    const rows = await this.dataSource.query<
      { id: string; company_id: string; type: string; data: unknown; created_at: Date }[]
    >(
      `SELECT id, company_id, type, data, created_at FROM webhook_events WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const delivery of batches) {
      this.batchCache.set(
        delivery.id,
        (delivery.batchEventIds ?? []).flatMap((id) => {
          const row = byId.get(id);
          return row
            ? [
                {
                  id: row.id,
                  type: row.type,
                  timestamp: new Date(row.created_at).toISOString(),
                  companyId: row.company_id,
                  data: row.data,
                },
              ]
            : [];
        }),
      );
      if (this.batchCache.size > 10_000)
        this.batchCache.delete(this.batchCache.keys().next().value!);
    }
    return claimed;
  }
}

function toClaimed(row: ClaimRow): ClaimedDelivery {
  return {
    id: row.id,
    companyId: row.company_id,
    eventId: row.event_id,
    batchEventIds: row.batch_event_ids,
    subscriptionId: row.subscription_id,
    endpoint: row.endpoint,
    eventType: row.event_type,
    attemptNumber: row.attempt_count,
    event: {
      id: row.event_id,
      type: row.type,
      timestamp: new Date(row.created_at).toISOString(),
      companyId: row.company_id,
      data: row.data,
    },
  };
}

/** A claimed delivery whose subscription was deleted or deactivated: cancelled, no attempt. */
function cancelled(delivery: ClaimedDelivery): AttemptRecord {
  return {
    attemptId: '',
    delivery,
    status: 'failed',
    statusCode: null,
    durationMs: 0,
    error: 'subscription inactive',
    responseBody: '',
    requestHeaders: {},
    at: new Date(),
    nextStatus: 'cancelled',
    nextAttemptAt: null,
    gone: false,
  };
}

/** The request headers for the log: a subscription's extra header values may be credentials. */
function redactHeaders(
  headers: Record<string, string>,
  extras: Record<string, string>,
): Record<string, string> {
  const redacted = { ...headers };
  for (const name of Object.keys(extras)) redacted[name] = '[redacted]';
  return redacted;
}

function stripNul(text: string): string {
  return text.includes('\0') ? text.replace(/\0/g, '') : text;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
