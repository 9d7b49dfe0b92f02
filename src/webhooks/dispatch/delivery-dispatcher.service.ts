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
import { SerializerRegistry } from '../formats/serializer-registry';
import type {
  WebhookHttpClient,
  WebhookHttpResponse,
} from '../interfaces/webhook-http-client.interface';
import { SignatureProviderRegistry } from '../signing/signature-headers';
import { signatureHeaders } from '../signing/signature-headers';
import { WEBHOOK_HTTP_CLIENT } from '../webhooks.constants';
import { WebhooksSettings } from '../webhooks-settings';
import { type ClaimedDelivery, type ClaimRow, toClaimed } from './claimed-delivery';
import { CircuitBreakers, isEndpointFailure } from './circuit-breaker';
import { type DeliveryTarget, DeliveryTargets } from './delivery-targets';
import { DispatchSignal } from './dispatch-signal';
import { DeliveryHandoff, type HandoffReservation, type HandoffTaker } from './delivery-handoff';
import { deliveryMetrics } from './delivery-metrics';
import { decideAfterAttempt } from './retry-policy';
import { SubscriptionHealth } from './subscription-health.service';
import { errorMessage } from '../common/error-message';
import { storable } from '../common/storable-text';
import { isRefusedStatement } from '../common/sql-state';
import { type HotStatement, hotQuery } from '../common/prepared-statement';

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

/**
 * Selected by the dispatcher's bookkeeping statements (claim, record, release): the statement's
 * own implicit transaction then commits without waiting for the WAL flush, in one round trip (no
 * BEGIN, SET LOCAL, COMMIT). If PostgreSQL itself crashes and loses the last milliseconds of such
 * commits, the deliveries concerned go back to `pending` or an expired lease and are sent again
 * (at least once holds; a receiver drops the duplicate by its webhook-id). Accepting an event
 * always waits for the flush.
 */
const ASYNC_COMMIT = `set_config('synchronous_commit', 'off', true) AS async_commit`;

/**
 * The claim: the oldest due rows, leaving out the subscriptions in $3, leased to this instance
 * ($1) with their events (`webhook_claim_deliveries`: planned with index scans only, so that the
 * prepared statement never keeps a plan made for an empty queue).
 */
export const CLAIM_STATEMENT: HotStatement = {
  name: 'webhooks_claim',
  text: `SELECT c.*, ${ASYNC_COMMIT} FROM webhook_claim_deliveries($1, $2, $3, $4) c`,
};

/**
 * The record of a batch of attempts ($1, one JSON object each) of deliveries leased to $2 ($3
 * their ids): attempt rows, delivery states, and the failing mark of the subscriptions in $4
 * (answered: $5, since: $6). `webhook_record_attempts` is planned with index scans only.
 */
export const RECORD_STATEMENT: HotStatement = {
  name: 'webhooks_record',
  text: `SELECT r.*, ${ASYNC_COMMIT}
         FROM webhook_record_attempts($1::jsonb, $2, $3::uuid[], $4::uuid[], $5::bool[], $6::timestamptz[]) r`,
};

const RECORD_BATCH = 200;
/**
 * Record writes in flight at once, and how long records gather before a write: larger batches,
 * fewer statements (the answer has arrived already; only the log and the lease wait).
 */
const MAX_WRITERS = 2;
const RECORD_GATHER_MS = 5;
/** Deliveries waiting in memory beyond their lanes' bounds (spill), in all: this many per `concurrency`. */
const SPILL_PER_SLOT = 100;
/** And at most this many bytes of them (their events' data, as their publishes estimated it). */
const SPILL_BYTES = 32 * 1024 * 1024;
/** Subscriptions whose mean attempt duration is remembered. */
const MEASURED_SUBSCRIPTIONS = 10_000;

interface QueuedDelivery {
  delivery: ClaimedDelivery;
  target: DeliveryTarget;
}

/** One subscription's deliveries in this instance: being sent, and waiting for room. */
interface SubscriptionLane {
  id: string;
  running: number;
  /** Waiting for the lane's room; counted in `held`. */
  queue: QueuedDelivery[];
  /**
   * Handed off while the lane was at its bound: leased to this instance and waiting in memory,
   * not counted in `held` (they take the lane's room, and then `held`, as they come out).
   */
  spill: QueuedDelivery[];
  /** Spill room promised to publishes not adopted yet. */
  spillReserved: number;
  /** The most bytes one delivery of the spill (or of its promised room) may hold. */
  spillBytesEach: number;
  /** Since when (epoch ms) the spill has not been empty; null while it is. */
  spillingSince: number | null;
  /**
   * How long a delivery may wait here and still be sent within its lease (as `pump` checks it),
   * read off the last one that came in: `webhook_lease_expires_at` stays the one lease formula.
   */
  slackMs: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Claims due deliveries (FOR UPDATE SKIP LOCKED, with a lease), sends them concurrently within a
 * global and a per-subscription bound, and records attempts and state changes in batches: one
 * statement per claim and one per recorded batch, never a query per delivery.
 */
@Injectable()
export class DeliveryDispatcher
  implements OnApplicationBootstrap, BeforeApplicationShutdown, HandoffTaker
{
  private readonly logger = new Logger(DeliveryDispatcher.name);
  /** Lease owner name of this instance. */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  /** Claimed deliveries this instance holds: being sent, or queued behind their subscription's bound. */
  private held = 0;
  private inFlight = 0;
  private readonly lanes = new Map<string, SubscriptionLane>();
  private readonly sends = new Set<Promise<void>>();
  private stopping = false;
  private loop: Promise<void> | null = null;
  private slotWaiters: (() => void)[] = [];
  private failures = 0;
  private buffer: AttemptRecord[] = [];
  private readonly writes = new Set<Promise<void>>();
  private flushTimer: NodeJS.Timeout | null = null;
  /** Per-subscription circuit breakers of this instance. */
  private readonly breakers: CircuitBreakers;
  /** The URL each breaker was tripped on: a subscription moved to another URL starts closed. */
  private readonly breakerUrls = new Map<string, string>();
  /** Hand-off reservations not yet adopted (their publish's statement is running). */
  private reservations = 0;
  private reservationWaiters: (() => void)[] = [];
  /** Hand-offs being started (loading their subscriptions). */
  private readonly starting = new Set<Promise<void>>();
  /** The last claim came back full: due deliveries wait in the database, hand-off pauses. */
  private backlogged = false;
  /**
   * Subscriptions that got deliveries created `pending` while their lane spilled (or had spill
   * room), or that spilled for a whole spill window: no more hand-off for them until a claim that started
   * after (the value: `claimsStarted` then) came back short, so that new events do not overtake
   * what waits in the database (their overflow, their due retries).
   */
  private readonly overflowed = new Map<string, number>();
  private claimsStarted = 0;
  /** Lanes with spilled deliveries waiting for room in `concurrency`. */
  private readonly spillWaiting = new Set<SubscriptionLane>();
  /**
   * Mean attempt duration (ms, exponentially weighted) of the subscriptions answered lately, the
   * least recent first; kept past their lanes, so that a lane busy again can spill at once.
   */
  private readonly meanMs = new Map<string, number>();
  /** Shut down: nothing more is written. */
  private closed = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly settings: WebhooksSettings,
    private readonly targets: DeliveryTargets,
    private readonly signal: DispatchSignal,
    private readonly serializers: SerializerRegistry,
    private readonly signers: SignatureProviderRegistry,
    private readonly health: SubscriptionHealth,
    private readonly handoff: DeliveryHandoff,
    @Inject(WEBHOOK_HTTP_CLIENT) private readonly http: WebhookHttpClient,
  ) {
    this.breakers = new CircuitBreakers(settings.circuitBreaker);
  }

  onApplicationBootstrap(): void {
    if (!this.settings.dispatch.enabled) return;
    this.loop = this.run();
    this.handoff.attach(this);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.handoff.detach(this);
    this.signal.dispose();
    this.notifySlot();
    await this.loop;
    // Publishes whose group was being written when the shutdown began: their deliveries are
    // committed leased to this instance, and released below with the rest.
    await this.reservationsSettled(this.settings.dispatch.shutdownGraceMs);
    await Promise.allSettled([...this.starting]);
    for (const lane of this.lanes.values()) {
      this.held -= lane.queue.length;
      lane.queue.length = 0;
      lane.spill.length = 0;
      lane.spillingSince = null;
    }
    const grace = new Promise<void>((resolve) =>
      setTimeout(resolve, this.settings.dispatch.shutdownGraceMs).unref(),
    );
    await Promise.race([Promise.allSettled([...this.sends]), grace]);
    await this.flushAll(this.settings.dispatch.shutdownGraceMs);
    await this.releaseLeases();
    // Requests still running past the grace are aborted; their deliveries were just given back,
    // so their outcomes are not recorded (the connection pool is about to close).
    this.closed = true;
    this.buffer = [];
    await this.http.close();
  }

  /**
   * Room for deliveries a publish creates already leased to this instance (see DeliveryHandoff):
   * at most three quarters of `concurrency` held in all, so that claims of due retries and of the
   * overflow always keep a quarter; none while due deliveries wait in the database (the last
   * claim came back full), so that new events do not overtake them; none for a subscription whose
   * lane is full or whose endpoint is paused. The room counts as held until `adopt`.
   *
   * Besides, a busy subscription at its bound may spill: deliveries created leased that wait in
   * memory for its lane's room, as many as it sends in a quarter of the time their lease leaves
   * (measured by its mean attempt duration), and at most `SPILL_PER_SLOT` per unit of
   * `concurrency` in all. Under a burst faster than the endpoint, they save each delivery a claim.
   */
  reserve(max: number, bytesEach: number): HandoffReservation | null {
    if (this.stopping || !this.loop || this.backlogged) return null;
    const room = Math.floor((this.settings.dispatch.concurrency * 3) / 4) - this.held;
    const take = Math.max(0, Math.min(room, max));
    const spill = this.spillRooms(max, bytesEach);
    if (take === 0 && spill.ids.length === 0) return null;
    this.held += take;
    this.reservations++;
    const spilling = new Set(spill.ids);
    return {
      take,
      owner: this.owner,
      excluded: [
        ...this.saturatedSubscriptions().filter((id) => !spilling.has(id)),
        ...this.breakers.paused(),
        ...this.overflowed.keys(),
      ],
      perSubscription: this.settings.dispatch.perSubscriptionConcurrency,
      leaseSeconds: this.settings.leaseSeconds,
      spill,
    };
  }

  /**
   * Spill room of the lanes at their bound (see `reserve`), counted as promised until `adopt`;
   * within SPILL_BYTES in all, each delivery counted at `bytesEach`.
   */
  private spillRooms(max: number, bytesEach: number): HandoffReservation['spill'] {
    const ids: string[] = [];
    const rooms: number[] = [];
    const bound = this.settings.dispatch.perSubscriptionConcurrency;
    let total = 0;
    let bytes = 0;
    for (const lane of this.lanes.values()) {
      const waiting = lane.spill.length + lane.spillReserved;
      if (waiting === 0) lane.spillBytesEach = 0;
      total += waiting;
      bytes += waiting * lane.spillBytesEach;
    }
    let left = this.settings.dispatch.concurrency * SPILL_PER_SLOT - total;
    let leftBytes = SPILL_BYTES - bytes;
    for (const lane of this.lanes.values()) {
      if (left <= 0 || leftBytes < bytesEach) break;
      const meanMs = this.meanMs.get(lane.id);
      if (meanMs === undefined || this.overflowed.has(lane.id)) continue;
      // At its bound, or spilling (promised spill included: it may still be on its way there).
      const waiting = lane.queue.length + lane.spill.length + lane.spillReserved;
      if (lane.running + waiting < bound) continue;
      const { allowance, pausedUntil } = this.breakers.state(lane.id);
      if (pausedUntil !== null) continue;
      const waitMs = lane.slackMs / 4;
      if (lane.spillingSince !== null && Date.now() - lane.spillingSince > waitMs) {
        // Spilling for a whole window: the lane drains once, so claims reach its due retries.
        this.overflowed.set(lane.id, this.claimsStarted);
        continue;
      }
      const capacity = Math.floor((Math.min(bound, allowance) * waitMs) / Math.max(1, meanMs));
      const room = Math.min(
        max,
        left,
        Math.floor(leftBytes / bytesEach),
        capacity - lane.spill.length - lane.spillReserved,
      );
      if (room <= 0) continue;
      lane.spillReserved += room;
      lane.spillBytesEach = Math.max(lane.spillBytesEach, bytesEach);
      left -= room;
      leftBytes -= room * bytesEach;
      ids.push(lane.id);
      rooms.push(room);
    }
    return { ids, rooms };
  }

  /**
   * Sends deliveries created leased to this instance, as if it had just claimed them. While
   * shutting down they are left to `releaseLeases`, which runs once every reservation settled.
   */
  adopt(
    reservation: HandoffReservation,
    deliveries: ClaimedDelivery[],
    pendingSubscriptions: string[],
  ): void {
    this.held -= reservation.take;
    this.reservations--;
    const spilling = new Set(reservation.spill.ids);
    // Written on spill room: it stays promised until `start` has put them in their lane's spill
    // (their subscriptions load first), so that no other publish is promised the same room.
    const arriving = new Map<string, number>();
    if (!this.stopping) {
      for (const { subscriptionId: id } of deliveries) {
        if (id && spilling.has(id)) arriving.set(id, (arriving.get(id) ?? 0) + 1);
      }
    }
    reservation.spill.ids.forEach((id, i) => {
      const lane = this.lanes.get(id);
      if (!lane) return;
      const unused = reservation.spill.rooms[i] - (arriving.get(id) ?? 0);
      lane.spillReserved = Math.max(0, lane.spillReserved - unused);
      this.dropIfIdle(lane);
    });
    for (const id of pendingSubscriptions) {
      // Spilling (or promised spill by another publish): these would be overtaken by its spill.
      // A lane merely full, not measured yet, drains within a spill window at worst.
      const lane = this.lanes.get(id);
      const spills = lane !== undefined && lane.spill.length + lane.spillReserved > 0;
      if (spilling.has(id) || spills) this.overflowed.set(id, this.claimsStarted);
    }

    if (this.reservations === 0) {
      this.reservationWaiters.forEach((resolve) => resolve());
      this.reservationWaiters = [];
    }
    if (deliveries.length === 0 || this.stopping) {
      this.roomFreed();
      return;
    }
    deliveryMetrics.taken.inc({ via: 'handoff' }, deliveries.length);
    const starting: Promise<void> = this.start(deliveries, spilling)
      .catch((error: unknown) => {
        this.logger.error(
          `Starting ${deliveries.length} handed-off deliveries failed (${errorMessage(error)}); their leases expire and they are sent again`,
        );
      })
      .finally(() => this.starting.delete(starting));
    this.starting.add(starting);
  }

  private reservationsSettled(timeoutMs: number): Promise<void> {
    if (this.reservations === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.reservationWaiters.push(resolve);
      setTimeout(resolve, timeoutMs).unref();
    });
  }

  /** Subscriptions this instance has paused (circuit open), with when each pause ends (epoch ms). */
  pausedSubscriptions(): Map<string, number> {
    return new Map(
      this.breakers.paused().map((id) => [id, this.breakers.pausedUntil(id) ?? Date.now()]),
    );
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
              d.event_type, d.attempt_count, d.lease_expires_at, e.type, e.data, e.created_at
       FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
       WHERE d.id = $1 AND d.lease_owner = $2 AND d.status = 'sending'`,
      [deliveryId, this.owner],
    );
    const [claimed] = await this.withBatchEvents(rows.map(toClaimed));
    if (!claimed) throw new Error(`Delivery ${deliveryId} is not held by this instance`);
    const target = await this.targetFor(claimed);
    const record = await this.attempt(claimed, target, options.retry);
    // A manual retry or test that gets an answer tells the breaker the endpoint is back.
    if (claimed.subscriptionId && !isEndpointFailure(record.statusCode)) {
      this.recordCircuit(claimed.subscriptionId, target, record);
    }
    this.buffer.push(record);
    await this.flushAll();
    return record;
  }

  private async run(): Promise<void> {
    const { concurrency, claimBatchSize, perSubscriptionConcurrency } = this.settings.dispatch;
    const batch = Math.max(1, Math.min(claimBatchSize, concurrency));
    // While deliveries are held, claim again only once a quarter of a batch is free: fewer,
    // larger claims instead of one query per finished request.
    const threshold = Math.max(1, Math.floor(Math.min(batch, perSubscriptionConcurrency) / 4));
    while (!this.stopping) {
      // Spilled deliveries waiting for room that went free without a finished request.
      if (this.spillWaiting.size > 0) this.pumpSpillWaiting();
      const free = concurrency - this.held;
      if (free <= 0 || (this.held > 0 && free < threshold)) {
        await this.nextSlot();
        continue;
      }
      let claimed: ClaimedDelivery[];
      const saturated = this.saturatedSubscriptions();
      const limit = Math.min(free, batch);
      // Counted as held while the claim runs, so that hand-offs meanwhile see the room it takes.
      this.held += limit;
      try {
        // Paused endpoints (circuit open) are left out too, until their probe is due.
        const excluded = [...saturated, ...this.breakers.paused()];
        const started = ++this.claimsStarted;
        claimed = await this.claim(limit, excluded);
        this.held -= limit;
        this.backlogged = claimed.length === limit;
        // Nothing else due for the others: what waited for them when the claim began is claimed.
        if (!this.backlogged && this.overflowed.size > 0) {
          const left = new Set(excluded);
          for (const [id, markedAt] of this.overflowed) {
            if (markedAt < started && !left.has(id)) this.overflowed.delete(id);
          }
        }
        this.failures = 0;
      } catch (error) {
        this.held -= limit;
        this.failures++;
        const delay = Math.min(10_000, 200 * 2 ** Math.min(this.failures, 6));
        this.logger.warn(
          `Claiming deliveries failed (${errorMessage(error)}); retrying in ${delay} ms`,
        );
        // Only new work (a commit: the database is back) ends the backoff early, not the tick.
        await this.signal.backoff(delay, () => this.stopping);
        continue;
      }
      if (claimed.length === 0) {
        if (saturated.length > 0) {
          // Due work may be waiting behind a full subscription. If it has room again (requests
          // ended while we were claiming), look at once; else when one of its requests ends, or
          // on a wake-up (at most every 5 ms).
          if (this.saturatedSubscriptions().length < saturated.length) continue;
          await Promise.race([
            this.nextSlot(),
            this.signal.wait(this.settings.dispatch.pollIntervalMs),
          ]);
          await sleep(5);
        } else {
          await this.signal.wait(this.settings.dispatch.pollIntervalMs);
        }
        continue;
      }
      try {
        await this.start(claimed);
      } catch (error) {
        // Their leases expire and the reaper hands them out again.
        this.logger.error(`Starting ${claimed.length} deliveries failed: ${errorMessage(error)}`);
        await this.signal.backoff(1000, () => this.stopping);
      }
    }
  }

  /** Subscriptions with as many deliveries held as their bound allows: left out of claims. */
  private saturatedSubscriptions(): string[] {
    const bound = this.settings.dispatch.perSubscriptionConcurrency;
    return [...this.lanes]
      .filter(([, lane]) => lane.running + lane.queue.length + lane.spill.length >= bound)
      .map(([id]) => id);
  }

  private nextSlot(): Promise<void> {
    return new Promise<void>((resolve) => this.slotWaiters.push(resolve));
  }

  private notifySlot(): void {
    const waiters = this.slotWaiters;
    this.slotWaiters = [];
    waiters.forEach((resolve) => resolve());
  }

  private async claim(limit: number, excluded: string[]): Promise<ClaimedDelivery[]> {
    const rows = await hotQuery<ClaimRow>(
      this.dataSource,
      CLAIM_STATEMENT,
      [this.owner, limit, excluded, this.settings.leaseSeconds],
      this.settings.preparedStatements,
    );
    if (rows.length > 0) deliveryMetrics.taken.inc({ via: 'claim' }, rows.length);
    return this.withBatchEvents(rows.map(toClaimed));
  }

  /**
   * Hands claimed deliveries to their subscription's lane (or straight out for direct sends);
   * each lane sends at most `perSubscriptionConcurrency` at once. Handed-off deliveries (`spillIds`:
   * the subscriptions their reservation let spill) go to their lane's spill when they were
   * written on its spill room, when the lane is full, or when it already spills (behind those).
   */
  private async start(
    claimed: ClaimedDelivery[],
    spillIds: ReadonlySet<string> | null = null,
  ): Promise<void> {
    const spillRoom = (d: ClaimedDelivery) => spillIds?.has(d.subscriptionId ?? '') === true;
    // Held while the subscriptions load, but for those on spill room (not counted in `held`).
    const counted = claimed.filter((d) => !spillRoom(d)).length;
    this.held += counted;
    const versions = new Map<string, number>();
    for (const d of claimed) {
      if (d.subscriptionId && d.subscriptionVersion !== null) {
        versions.set(d.subscriptionId, d.subscriptionVersion);
      }
    }
    let targets: Map<string, DeliveryTarget>;
    try {
      targets = await this.targets.forSubscriptions(versions);
    } catch (error) {
      this.held -= counted;
      claimed.filter(spillRoom).forEach((d) => this.arrived(d));
      this.roomFreed();
      throw error;
    }
    if (this.stopping) {
      // Shutdown began while the subscriptions loaded: releaseLeases gives these back.
      this.held -= counted;
      claimed.filter(spillRoom).forEach((d) => this.arrived(d));
      return;
    }
    const touched = new Set<SubscriptionLane>();
    const bound = this.settings.dispatch.perSubscriptionConcurrency;
    for (const delivery of claimed) {
      const target = delivery.subscriptionId
        ? targets.get(delivery.subscriptionId)
        : this.targets.fromEndpoint(delivery.endpoint!);
      if (!target || !target.active) {
        if (spillRoom(delivery)) this.arrived(delivery);
        else this.held--;
        this.buffer.push(cancelled(delivery));
        continue;
      }
      if (!delivery.subscriptionId) {
        this.launch(delivery, target, null);
        continue;
      }
      if (this.breakerUrls.get(delivery.subscriptionId) !== target.url) {
        this.breakers.forget(delivery.subscriptionId);
        this.breakerUrls.set(delivery.subscriptionId, target.url);
      }
      const lane = this.laneOf(delivery.subscriptionId);
      lane.slackMs = leaseSlackMs(delivery, target);
      const onSpillRoom = spillRoom(delivery);
      const full = lane.running + lane.queue.length >= bound || lane.spill.length > 0;
      if (onSpillRoom || (spillIds !== null && full)) {
        if (onSpillRoom) this.arrived(delivery);
        else this.held--;
        if (lane.spill.length === 0) lane.spillingSince = Date.now();
        lane.spill.push({ delivery, target });
      } else {
        lane.queue.push({ delivery, target });
      }
      touched.add(lane);
    }
    for (const lane of touched) await this.pump(lane);
    this.roomFreed();
    this.scheduleFlush();
  }

  /** A delivery written on its lane's spill room reached the spill (or never will): no longer promised. */
  private arrived(delivery: ClaimedDelivery): void {
    const lane = delivery.subscriptionId ? this.lanes.get(delivery.subscriptionId) : undefined;
    if (lane && lane.spillReserved > 0) lane.spillReserved--;
  }

  /** After `held` went down: spilled deliveries waiting for room go first, then the claim loop. */
  private roomFreed(): void {
    if (!this.stopping && this.spillWaiting.size > 0) this.pumpSpillWaiting();
    this.notifySlot();
  }

  private laneOf(subscriptionId: string): SubscriptionLane {
    let lane = this.lanes.get(subscriptionId);
    if (!lane) {
      lane = {
        id: subscriptionId,
        running: 0,
        queue: [],
        spill: [],
        spillReserved: 0,
        spillBytesEach: 0,
        spillingSince: null,
        slackMs: 0,
      };
      this.lanes.set(lane.id, lane);
    }
    return lane;
  }

  /** Forgets a lane with nothing sending, queued, spilled or promised. */
  private dropIfIdle(lane: SubscriptionLane): void {
    if (
      lane.running === 0 &&
      lane.queue.length === 0 &&
      lane.spill.length === 0 &&
      lane.spillReserved === 0
    ) {
      this.lanes.delete(lane.id);
      this.spillWaiting.delete(lane);
    }
  }

  /**
   * Starts queued deliveries of a lane while it has room, and then spilled ones while `held` has
   * room too; gives back those whose lease is too short, and, while the endpoint is paused
   * (circuit open), the whole queue and spill until the pause ends.
   */
  private async pump(lane: SubscriptionLane): Promise<void> {
    const { allowance, pausedUntil } = this.breakers.state(lane.id);
    if (pausedUntil !== null && lane.queue.length + lane.spill.length > 0) {
      this.held -= lane.queue.length;
      const postponed = [...lane.queue.splice(0), ...lane.spill.splice(0)].map(
        (queued) => queued.delivery.id,
      );
      lane.spillingSince = null;
      this.spillWaiting.delete(lane);
      this.dropIfIdle(lane);
      this.notifySlot();
      await this.release(postponed, new Date(pausedUntil)).catch((error: unknown) => {
        this.logger.warn(
          `Postponing ${postponed.length} deliveries failed (${errorMessage(error)}); their leases expire by themselves`,
        );
      });
      return;
    }
    const bound = Math.min(this.settings.dispatch.perSubscriptionConcurrency, allowance);
    const { concurrency } = this.settings.dispatch;
    const expired: string[] = [];
    this.spillWaiting.delete(lane);
    while (lane.running < bound) {
      let next = lane.queue.shift();
      if (!next) {
        if (lane.spill.length === 0) break;
        if (this.held >= concurrency) {
          this.spillWaiting.add(lane);
          break;
        }
        next = lane.spill.shift()!;
        if (lane.spill.length === 0) lane.spillingSince = null;
        this.held++;
      }
      // Waited so long behind its subscription that the request could outlive the lease.
      if (leaseSlackMs(next.delivery, next.target) < 0) {
        this.held--;
        expired.push(next.delivery.id);
        continue;
      }
      this.launch(next.delivery, next.target, lane);
    }
    this.dropIfIdle(lane);
    if (expired.length) await this.release(expired).catch(() => undefined);
  }

  /** Lets spilled deliveries of other lanes have the room a finished request left in `held`. */
  private pumpSpillWaiting(): void {
    for (const lane of this.spillWaiting) {
      if (this.held >= this.settings.dispatch.concurrency) return;
      void this.pump(lane);
    }
  }

  private launch(
    delivery: ClaimedDelivery,
    target: DeliveryTarget,
    lane: SubscriptionLane | null,
  ): void {
    this.inFlight++;
    if (lane) lane.running++;
    const send = this.attempt(delivery, target, true)
      .then((record) => {
        this.buffer.push(record);
        if (lane) {
          this.measure(lane.id, record.durationMs);
          this.recordCircuit(lane.id, target, record);
        }
      })
      .catch((error: unknown) => {
        this.logger.error(`Delivery ${delivery.id} could not be attempted: ${errorMessage(error)}`);
      })
      .finally(() => {
        this.inFlight--;
        this.held--;
        this.sends.delete(send);
        if (lane) {
          lane.running--;
          if (!this.stopping) void this.pump(lane);
          else this.dropIfIdle(lane);
        }
        this.scheduleFlush();
        this.roomFreed();
      });
    this.sends.add(send);
  }

  /** Folds an attempt's duration into its subscription's mean (for the spill room). */
  private measure(subscriptionId: string, durationMs: number): void {
    const mean = this.meanMs.get(subscriptionId);
    this.meanMs.delete(subscriptionId);
    this.meanMs.set(
      subscriptionId,
      mean === undefined ? durationMs : mean * 0.9 + durationMs * 0.1,
    );
    if (this.meanMs.size > MEASURED_SUBSCRIPTIONS) {
      this.meanMs.delete(this.meanMs.keys().next().value!);
    }
  }

  /** Feeds an attempt's outcome to its subscription's circuit breaker; logs a pause or a recovery. */
  private recordCircuit(
    subscriptionId: string,
    target: DeliveryTarget,
    record: AttemptRecord,
  ): void {
    const failed = record.status === 'failed' && isEndpointFailure(record.statusCode);
    const transition = this.breakers.record(
      subscriptionId,
      failed,
      record.at.getTime() - record.durationMs,
    );
    if (!transition) return;
    deliveryMetrics.circuitTransitions.inc({ transition });
    if (transition === 'closed') {
      this.logger.log(`Subscription ${subscriptionId}: endpoint answered again, circuit closed`);
      return;
    }
    const until = this.breakers.pausedUntil(subscriptionId) ?? Date.now();
    this.logger.warn(
      `Subscription ${subscriptionId}: ${transition === 'opened' ? `${this.settings.circuitBreaker.failureThreshold} failed attempts in a row` : 'probe failed'} (${record.error ?? `HTTP ${record.statusCode}`}); pausing ${new URL(target.url).host} until ${new Date(until).toISOString()}`,
    );
    this.signal.wakeAt(until);
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
      ? serializer.serializeBatch(delivery.batch ?? [delivery.event])
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
    const response: WebhookHttpResponse = await this.http.send({
      url: target.url,
      headers,
      body,
      timeoutMs: target.requestTimeoutMs,
      allowPrivateAddresses: this.settings.urlPolicy.allowPrivateUrls,
    });
    const at = new Date();
    const decision = decideAfterAttempt(response, delivery.attemptNumber, target, at.getTime());
    deliveryMetrics.attempts.inc({ outcome: decision.outcome });
    deliveryMetrics.duration.observe(response.durationMs / 1000);
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
      this.flush();
      return;
    }
    if (this.flushTimer || this.buffer.length === 0) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      this.flush();
    }, RECORD_GATHER_MS);
  }

  /**
   * Starts writers for the buffered records: each writes up to RECORD_BATCH attempts and state
   * changes in one statement, MAX_WRITERS at a time. Failed writes go back to the buffer.
   */
  private flush(): void {
    if (this.closed) {
      this.buffer = [];
      return;
    }
    while (this.buffer.length > 0 && this.writes.size < MAX_WRITERS) {
      const records = this.buffer.splice(0, RECORD_BATCH);
      const write: Promise<void> = this.write(records)
        .then(() => this.afterWrite(records))
        .catch((error: unknown) => {
          if (this.closed) return;
          // The same records would be refused again and hold up every record queued behind
          // them: each is tried alone, and one refused alone is dropped.
          if (isRefusedStatement(error)) return this.writeOneByOne(records);
          this.buffer.unshift(...records);
          this.logger.warn(
            `Recording ${records.length} attempts failed (${errorMessage(error)}); retrying`,
          );
          return sleep(500);
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
  private async writeOneByOne(records: AttemptRecord[]): Promise<void> {
    for (const record of records) {
      try {
        await this.write([record]);
        await this.afterWrite([record]);
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

  /** Resolves once everything buffered now has been written (or `timeoutMs` passed). */
  private async flushAll(timeoutMs = 30_000): Promise<void> {
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
    // One JSON document for the whole batch: serialised natively, where 25 text arrays cost more
    // to escape than the statement costs to run.
    const rows = records.map((r) => ({
      attempt_id: r.attemptId === '' ? null : r.attemptId,
      delivery_id: r.delivery.id,
      company_id: r.delivery.companyId,
      event_id: r.delivery.eventId,
      subscription_id: r.delivery.subscriptionId,
      event_type: r.delivery.eventType,
      attempt_number: r.delivery.attemptNumber,
      status: r.status,
      status_code: r.statusCode,
      duration_ms: r.durationMs,
      error: storable(r.error),
      response_body: storable(r.responseBody),
      request_headers: r.requestHeaders,
      at: r.at,
      next_status: r.nextStatus,
      next_attempt_at: r.nextAttemptAt,
    }));
    await hotQuery(
      this.dataSource,
      RECORD_STATEMENT,
      [
        JSON.stringify(rows),
        this.owner,
        records.map((r) => r.delivery.id),
        [...subscriptionOutcome.keys()],
        [...subscriptionOutcome.values()].map((v) => v.ok),
        [...subscriptionOutcome.values()].map((v) => v.at.toISOString()),
      ],
      this.settings.preparedStatements,
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
      this.logger.error(`Deactivating failing subscriptions failed: ${errorMessage(error)}`);
    }
  }

  /**
   * Gives claimed deliveries back without an attempt (their lease is too short to wait any longer,
   * or their endpoint is paused: then they are not due again before `notBefore`).
   */
  private async release(ids: string[], notBefore: Date | null = null): Promise<void> {
    await this.dataSource.query(
      `WITH released AS (
         UPDATE webhook_deliveries
         SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL, attempt_count = attempt_count - 1,
             next_attempt_at = greatest(next_attempt_at, COALESCE($3::timestamptz, next_attempt_at)), updated_at = now()
         WHERE id = ANY($1::uuid[]) AND lease_owner = $2
         RETURNING 1)
       SELECT (SELECT count(*) FROM released) AS released, ${ASYNC_COMMIT}`,
      [ids, this.owner, notBefore?.toISOString() ?? null],
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
      this.logger.warn(
        `Releasing leases failed (${errorMessage(error)}); they expire by themselves`,
      );
    }
  }

  private async targetFor(delivery: ClaimedDelivery): Promise<DeliveryTarget> {
    if (!delivery.subscriptionId) return this.targets.fromEndpoint(delivery.endpoint!);
    this.targets.forget(delivery.subscriptionId);
    const targets = await this.targets.forSubscriptions(new Map([[delivery.subscriptionId, 0]]));
    const target = targets.get(delivery.subscriptionId);
    if (!target) throw new Error(`Subscription ${delivery.subscriptionId} not found`);
    return target;
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
      delivery.batch = (delivery.batchEventIds ?? []).flatMap((id) => {
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
      });
    }
    return claimed;
  }
}

/** How long a held delivery may still wait and be sent (timeout and 1 s) within its lease. */
function leaseSlackMs(delivery: ClaimedDelivery, target: DeliveryTarget): number {
  return delivery.leaseExpiresAt - Date.now() - target.requestTimeoutMs - 1000;
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
