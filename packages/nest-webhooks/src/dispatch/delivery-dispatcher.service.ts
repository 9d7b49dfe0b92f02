import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { isServerShutdown } from '../shared/sql-state';
import { errorMessage } from '../common/error-message';
import type { ClaimedDelivery } from '../queue/claimed-delivery';
import { DeliveryQueue } from '../queue/delivery-queue.repository';
import { WebhooksSettings } from '../webhooks-settings';
import { AttemptRecorder } from './attempt-recorder';
import { DeliveryAttempt } from './delivery-attempt';
import { DeliveryHandoff } from './delivery-handoff';
import { deliveryMetrics } from './delivery-metrics';
import { DispatchCapacity } from './dispatch-capacity';
import { DispatchSignal } from './dispatch-signal';
import { EndpointCircuits } from './endpoint-circuits';
import { LaneRunner } from './lane-runner';
import { OverflowMarks } from './overflow-marks';
import { SubscriptionLanes } from './subscription-lanes';

/** After a failed claim, the wait before the next: 200 ms doubling per failure, at most 10 s. */
const claimBackoffMs = (failures: number) => Math.min(10_000, 200 * 2 ** Math.min(failures, 6));
/** After a wake-up while work waits behind a full subscription: at most one look per 5 ms. */
const SATURATED_LOOK_MS = 5;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The claim loop and the engine's lifecycle: claims due deliveries (FOR UPDATE SKIP LOCKED, with
 * a lease) while the dispatch capacity has room, and hands them to the lane runner; on shutdown,
 * lets what runs finish within the grace, records it, and gives every other lease back.
 */
@Injectable()
export class DeliveryDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryDispatcher.name);
  private stopping = false;
  private loop: Promise<void> | null = null;
  private failures = 0;

  constructor(
    private readonly settings: WebhooksSettings,
    private readonly queue: DeliveryQueue,
    private readonly capacity: DispatchCapacity,
    private readonly lanes: SubscriptionLanes,
    private readonly circuits: EndpointCircuits,
    private readonly overflow: OverflowMarks,
    private readonly runner: LaneRunner,
    private readonly handoff: DeliveryHandoff,
    private readonly recorder: AttemptRecorder,
    private readonly attempts: DeliveryAttempt,
    private readonly signal: DispatchSignal,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.settings.dispatch.enabled) return;
    this.loop = this.run();
    this.handoff.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    const graceMs = this.settings.dispatch.shutdownGraceMs;
    this.stopping = true;
    this.handoff.stop();
    this.runner.stop();
    this.signal.dispose();
    this.capacity.wakeWaiters();
    await this.loop;
    // Publishes whose group was being written when the shutdown began: their deliveries are
    // committed leased to this instance, and released below with the rest.
    await this.handoff.settled(graceMs);
    this.runner.dropWaiting();
    await this.runner.settled(graceMs);
    await this.recorder.flushAll(graceMs);
    // Nothing more is recorded: what is still held is given back now, and requests still running
    // past the grace are aborted (their outcomes would land after their deliveries were released).
    this.recorder.close();
    try {
      await this.queue.releaseAll();
    } catch (error) {
      const message = `Releasing leases failed (${errorMessage(error)}); they expire by themselves`;
      // The database stopping at the same time (Ctrl-C reaches the embedded server too).
      if (isServerShutdown(error)) this.logger.log(message);
      else this.logger.warn(message);
    }
    await this.attempts.close();
  }

  private async run(): Promise<void> {
    const { concurrency, claimBatchSize, perSubscriptionConcurrency } = this.settings.dispatch;
    const batch = Math.max(1, Math.min(claimBatchSize, concurrency));
    // While deliveries are held, claim again only once a quarter of a batch is free: fewer,
    // larger claims instead of one query per finished request.
    const threshold = Math.max(1, Math.floor(Math.min(batch, perSubscriptionConcurrency) / 4));
    while (!this.stopping) {
      // Spilled deliveries waiting for room that went free without a finished request.
      this.runner.pumpWaitingForCapacity();
      const free = this.capacity.free;
      if (free <= 0 || (this.capacity.held > 0 && free < threshold)) {
        await this.capacity.nextRoom();
        continue;
      }
      const saturated = this.lanes.saturated(perSubscriptionConcurrency);
      const claimed = await this.claim(Math.min(free, batch), saturated);
      if (claimed === null) continue;
      if (claimed.length === 0) {
        await this.idle(saturated);
        continue;
      }
      try {
        await this.runner.route(claimed);
      } catch (error) {
        // Their leases expire and the reaper hands them out again.
        this.logger.error(`Starting ${claimed.length} deliveries failed: ${errorMessage(error)}`);
        await this.signal.backoff(1000, () => this.stopping);
      }
    }
  }

  /**
   * Claims up to `limit` due deliveries, leaving out full subscriptions and paused endpoints
   * (until their probe is due); null after a failure, once its backoff has passed.
   */
  private async claim(limit: number, saturated: string[]): Promise<ClaimedDelivery[] | null> {
    // Counted as held while the claim runs, so that hand-offs meanwhile see the room it takes.
    this.capacity.take(limit);
    const excluded = [...saturated, ...this.circuits.paused()];
    const started = this.overflow.claimStarted();
    try {
      const claimed = await this.queue.claim(limit, excluded);
      this.capacity.give(limit);
      const backlogged = claimed.length === limit;
      this.handoff.setBacklogged(backlogged);
      // Nothing else due for the others: what waited for them when the claim began is claimed.
      if (!backlogged) this.overflow.claimCameBackShort(started, excluded);
      this.failures = 0;
      if (claimed.length > 0) deliveryMetrics.taken.inc({ via: 'claim' }, claimed.length);
      return claimed;
    } catch (error) {
      this.capacity.give(limit);
      this.failures++;
      const delay = claimBackoffMs(this.failures);
      this.logger.warn(
        `Claiming deliveries failed (${errorMessage(error)}); retrying in ${delay} ms`,
      );
      // Only new work (a commit: the database is back) ends the backoff early, not the tick.
      await this.signal.backoff(delay, () => this.stopping);
      return null;
    }
  }

  /** Nothing was due: waits for new work, or for room in a full subscription that has some due. */
  private async idle(saturated: string[]): Promise<void> {
    const { perSubscriptionConcurrency, pollIntervalMs } = this.settings.dispatch;
    if (saturated.length === 0) {
      await this.signal.wait(pollIntervalMs);
      return;
    }
    // Due work may be waiting behind a full subscription. If it has room again (requests ended
    // while we were claiming), look at once; else when one of its requests ends, or on a wake-up.
    if (this.lanes.saturated(perSubscriptionConcurrency).length < saturated.length) return;
    await Promise.race([this.capacity.nextRoom(), this.signal.wait(pollIntervalMs)]);
    await sleep(SATURATED_LOOK_MS);
  }
}
