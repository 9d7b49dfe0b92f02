import { Injectable, Logger } from '@nestjs/common';
import { errorMessage } from '../common/error-message';
import type { ClaimedDelivery } from '../queue/claimed-delivery';
import { DeliveryQueue } from '../queue/delivery-queue.repository';
import { WebhooksSettings } from '../webhooks-settings';
import { AttemptRecorder } from './attempt-recorder';
import { cancelled } from './attempt-outcome';
import { DeliveryAttempt } from './delivery-attempt';
import { type DeliveryTarget, DeliveryTargets, type ResolvedTarget } from './delivery-targets';
import { DispatchCapacity } from './dispatch-capacity';
import { EndpointCircuits } from './endpoint-circuits';
import { ResponseTimes } from './response-times';
import {
  leaseSlackMs,
  nextStep,
  placement,
  type SubscriptionLane,
  SubscriptionLanes,
} from './subscription-lanes';

/**
 * Runs held deliveries: routes them into their subscription's lane (direct sends straight out),
 * starts attempts while the lane's bound, its endpoint's circuit and the dispatch capacity allow,
 * and hands each outcome to the recorder, the circuit and the response times.
 */
@Injectable()
export class LaneRunner {
  private readonly logger = new Logger(LaneRunner.name);
  private readonly sends = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    private readonly settings: WebhooksSettings,
    private readonly capacity: DispatchCapacity,
    private readonly lanes: SubscriptionLanes,
    private readonly targets: DeliveryTargets,
    private readonly circuits: EndpointCircuits,
    private readonly attempts: DeliveryAttempt,
    private readonly recorder: AttemptRecorder,
    private readonly responseTimes: ResponseTimes,
    private readonly queue: DeliveryQueue,
  ) {}

  /**
   * Routes held deliveries into their lanes and starts what has room. Handed-off deliveries
   * (`spillIds`: the subscriptions their reservation let spill; null for a claim) go to their
   * lane's spill when written on its spill room, or when the lane is full or already spills.
   */
  async route(
    claimed: ClaimedDelivery[],
    spillIds: ReadonlySet<string> | null = null,
  ): Promise<void> {
    const onSpillRoom = (d: ClaimedDelivery) => spillIds?.has(d.subscriptionId ?? '') === true;
    /** A delivery not started: its room is no longer held (or promised). */
    const letGo = (d: ClaimedDelivery) => (onSpillRoom(d) ? this.arrived(d) : this.capacity.give());
    // Held while the subscriptions load, but for those on spill room (not counted as held).
    this.capacity.take(claimed.filter((d) => !onSpillRoom(d)).length);
    let targetOf: (delivery: ClaimedDelivery) => ResolvedTarget;
    try {
      targetOf = await this.targets.forDeliveries(claimed);
    } catch (error) {
      claimed.forEach(letGo);
      this.roomFreed();
      throw error;
    }
    if (this.stopping) {
      // Shutdown began while the subscriptions loaded: the release of all leases gives these back.
      claimed.forEach(letGo);
      return;
    }
    const touched = new Set<SubscriptionLane>();
    const bound = this.settings.dispatch.perSubscriptionConcurrency;
    const handedOff = spillIds !== null;
    for (const delivery of claimed) {
      const resolved = targetOf(delivery);
      if (resolved.kind === 'unreadable') {
        letGo(delivery);
        this.logger.error(
          `Delivery ${delivery.id} cannot be sent (${resolved.reason}); its lease expires and it is tried again`,
        );
        continue;
      }
      if (resolved.kind === 'gone' || !resolved.target.active) {
        letGo(delivery);
        this.recorder.add(cancelled(delivery));
        continue;
      }
      const { target } = resolved;
      if (!delivery.subscriptionId) {
        this.launch(delivery, target, null);
        continue;
      }
      this.circuits.followUrl(delivery.subscriptionId, target.url);
      const lane = this.lanes.laneOf(delivery.subscriptionId);
      const queued = { delivery, target };
      lane.slackMs = leaseSlackMs(queued, Date.now());
      if (placement(lane, { onSpillRoom: onSpillRoom(delivery), handedOff }, bound) === 'spill') {
        letGo(delivery); // in the spill, neither held nor promised any more
        if (lane.spill.length === 0) lane.spillingSince = Date.now();
        lane.spill.push(queued);
      } else {
        lane.queue.push(queued);
      }
      touched.add(lane);
    }
    for (const lane of touched) await this.pump(lane);
    this.roomFreed();
  }

  /** A delivery written on its lane's spill room reached the spill (or never will): no longer promised. */
  arrived(delivery: ClaimedDelivery): void {
    const lane = delivery.subscriptionId ? this.lanes.get(delivery.subscriptionId) : undefined;
    if (lane && lane.spillReserved > 0) lane.spillReserved--;
  }

  /** After capacity went down: spilled deliveries waiting for room go first, then the claim loop. */
  roomFreed(): void {
    if (!this.stopping) this.pumpWaitingForCapacity();
    this.capacity.wakeWaiters();
  }

  /** Lets spilled deliveries of lanes waiting for capacity have the room that went free. */
  pumpWaitingForCapacity(): void {
    for (const lane of this.lanes.waitingForCapacity) {
      if (this.capacity.full) return;
      void this.pump(lane);
    }
  }

  /**
   * Shutdown, first step: no lane is pumped again (a routing already past its check still
   * starts what it routed). Then `dropWaiting` forgets what waits in the lanes
   * (their leases are released with the rest) and `settled` waits for the requests running.
   */
  stop(): void {
    this.stopping = true;
  }

  dropWaiting(): void {
    for (const lane of this.lanes.all()) {
      this.capacity.give(lane.queue.length);
      lane.queue.length = 0;
      lane.spill.length = 0;
      lane.spillingSince = null;
    }
  }

  /** Resolves once every running request has ended, or after `graceMs`. */
  async settled(graceMs: number): Promise<void> {
    const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([Promise.allSettled([...this.sends]), grace]);
  }

  /**
   * Starts queued deliveries of a lane while it has room, and then spilled ones while capacity has
   * room too; gives back those whose lease is too short, and, while the endpoint is paused
   * (circuit open), the whole queue and spill until the pause ends.
   */
  private async pump(lane: SubscriptionLane): Promise<void> {
    const { allowance, pausedUntil } = this.circuits.state(lane.id);
    if (pausedUntil !== null && lane.queue.length + lane.spill.length > 0) {
      await this.postpone(lane, pausedUntil);
      return;
    }
    const bound = Math.min(this.settings.dispatch.perSubscriptionConcurrency, allowance);
    const expired: string[] = [];
    this.lanes.waitingForCapacity.delete(lane);
    for (;;) {
      const step = nextStep(lane, bound, this.capacity.full);
      if (step === 'none') break;
      if (step === 'wait-capacity') {
        this.lanes.waitingForCapacity.add(lane);
        break;
      }
      const next = step === 'queued' ? lane.queue.shift()! : lane.spill.shift()!;
      if (step === 'spilled') {
        if (lane.spill.length === 0) lane.spillingSince = null;
        this.capacity.take();
      }
      // Waited so long behind its subscription that the request could outlive the lease.
      if (leaseSlackMs(next, Date.now()) < 0) {
        this.capacity.give();
        expired.push(next.delivery.id);
        continue;
      }
      this.launch(next.delivery, next.target, lane);
    }
    this.lanes.dropIfIdle(lane);
    if (expired.length) await this.queue.release(expired).catch(() => undefined);
  }

  /** Gives a paused endpoint's queue and spill back, due when the pause ends; no attempt used. */
  private async postpone(lane: SubscriptionLane, pausedUntil: number): Promise<void> {
    this.capacity.give(lane.queue.length);
    const postponed = [...lane.queue.splice(0), ...lane.spill.splice(0)].map(
      (queued) => queued.delivery.id,
    );
    lane.spillingSince = null;
    this.lanes.waitingForCapacity.delete(lane);
    this.lanes.dropIfIdle(lane);
    this.capacity.wakeWaiters();
    await this.queue.release(postponed, new Date(pausedUntil)).catch((error: unknown) => {
      this.logger.warn(
        `Postponing ${postponed.length} deliveries failed (${errorMessage(error)}); their leases expire by themselves`,
      );
    });
  }

  private launch(
    delivery: ClaimedDelivery,
    target: DeliveryTarget,
    lane: SubscriptionLane | null,
  ): void {
    if (lane) lane.running++;
    const send = this.attempts
      .make(delivery, target, { retry: true })
      .then((attempt) => {
        this.recorder.add(attempt);
        if (lane) {
          this.responseTimes.measure(lane.id, attempt.durationMs);
          this.circuits.record(lane.id, target.url, attempt);
        }
      })
      .catch((error: unknown) => {
        this.logger.error(`Delivery ${delivery.id} could not be attempted: ${errorMessage(error)}`);
      })
      .finally(() => {
        this.capacity.give();
        this.sends.delete(send);
        if (lane) {
          lane.running--;
          if (!this.stopping) void this.pump(lane);
          else this.lanes.dropIfIdle(lane);
        }
        this.roomFreed();
      });
    this.sends.add(send);
  }
}
