import { Injectable, Logger } from '@nestjs/common';
import { errorMessage } from '../common/error-message';
import type { ClaimedDelivery } from '../queue/claimed-delivery';
import { DeliveryQueue } from '../queue/delivery-queue.repository';
import type { GroupLease } from '../queue/outbox.repository';
import { WebhooksSettings } from '../webhooks-settings';
import { deliveryMetrics } from './delivery-metrics';
import { DispatchCapacity } from './dispatch-capacity';
import { EndpointCircuits } from './endpoint-circuits';
import { LaneRunner } from './lane-runner';
import { OverflowMarks } from './overflow-marks';
import { ResponseTimes } from './response-times';
import { spillRooms } from './spill-policy';
import { SubscriptionLanes, spilledOrPromised } from './subscription-lanes';

/** Room given to a publish for deliveries it creates already leased to this instance (see `reserve`). */
export type HandoffReservation = GroupLease;

/**
 * Publisher to dispatcher, in one process: deliveries created by a publish are written already
 * leased to this instance and sent from memory, with no claim query, while the dispatcher has
 * room. If the process dies before sending them, their lease expires and any instance sends them.
 */
@Injectable()
export class DeliveryHandoff {
  private readonly logger = new Logger(DeliveryHandoff.name);
  /** Taking deliveries: between the dispatcher's start and the beginning of its shutdown. */
  private open = false;
  /** The last claim came back full: due deliveries wait in the database, hand-off pauses. */
  private backlogged = false;
  /** Reservations not yet adopted (their publish's statement is running). */
  private reservations = 0;
  private reservationWaiters: (() => void)[] = [];
  /** Adopted deliveries being routed (their subscriptions loading). */
  private readonly starting = new Set<Promise<void>>();

  constructor(
    private readonly settings: WebhooksSettings,
    private readonly capacity: DispatchCapacity,
    private readonly lanes: SubscriptionLanes,
    private readonly circuits: EndpointCircuits,
    private readonly overflow: OverflowMarks,
    private readonly responseTimes: ResponseTimes,
    private readonly runner: LaneRunner,
    private readonly queue: DeliveryQueue,
  ) {}

  /** The dispatcher runs: hand-offs may begin. */
  start(): void {
    this.open = true;
  }

  /** Shutdown begins: no new reservations; those made are still adopted, and their rows released. */
  stop(): void {
    this.open = false;
  }

  /** Set by each claim: while due deliveries wait in the database, new ones do not overtake them. */
  setBacklogged(backlogged: boolean): void {
    this.backlogged = backlogged;
  }

  /**
   * Room for at most `max` deliveries of at most `bytesEach` bytes of event data each: at most
   * three quarters of `concurrency` held in all, so that claims of due retries and of the overflow
   * always keep a quarter; none while the last claim came back full; none for a subscription
   * whose lane is full, whose endpoint is paused or that is overflowed. Besides, a busy
   * subscription at its bound may spill (see `spillRooms`). null when there is no room at all.
   */
  reserve(max: number, bytesEach: number): HandoffReservation | null {
    if (!this.open || this.backlogged) return null;
    const { concurrency, perSubscriptionConcurrency: bound } = this.settings.dispatch;
    const take = Math.max(0, Math.min(Math.floor((concurrency * 3) / 4) - this.capacity.held, max));
    const decision = spillRooms({
      lanes: this.lanes.all(),
      max,
      bytesEach,
      bound,
      concurrency,
      now: Date.now(),
      meanMs: (id) => this.responseTimes.mean(id),
      overflowed: (id) => this.overflow.has(id),
      circuit: (id) => this.circuits.state(id),
    });
    decision.overflow.forEach((id) => this.overflow.mark(id));
    if (take === 0 && decision.rooms.length === 0) return null;
    for (const { id, room, bytesEach: each } of decision.rooms) {
      const lane = this.lanes.get(id)!;
      lane.spillReserved += room;
      lane.spillBytesEach = each;
    }
    this.capacity.take(take);
    this.reservations++;
    const spilling = new Set(decision.rooms.map((r) => r.id));
    return {
      take,
      owner: this.queue.owner,
      excluded: [
        ...this.lanes.saturated(bound).filter((id) => !spilling.has(id)),
        ...this.circuits.paused(),
        ...this.overflow.ids(),
      ],
      perSubscription: bound,
      leaseSeconds: this.settings.leaseSeconds,
      spill: { ids: [...spilling], rooms: decision.rooms.map((r) => r.room) },
    };
  }

  /**
   * Takes the deliveries a publish created leased on `reservation` (maybe fewer, or none: also
   * called when the publish failed), and the subscriptions it left `pending` rows for. Called
   * exactly once per reservation. While shutting down, they are left to the release of all leases.
   */
  adopt(
    reservation: HandoffReservation,
    deliveries: ClaimedDelivery[],
    pendingSubscriptions: string[] = [],
  ): void {
    this.capacity.give(reservation.take);
    this.reservations--;
    const spilling = new Set(reservation.spill.ids);
    // Written on spill room: it stays promised until the runner has put them in their lane's
    // spill (their subscriptions load first), so that no other publish is promised the same room.
    const arriving = new Map<string, number>();
    if (this.open) {
      for (const { subscriptionId: id } of deliveries) {
        if (id && spilling.has(id)) arriving.set(id, (arriving.get(id) ?? 0) + 1);
      }
    }
    reservation.spill.ids.forEach((id, i) => {
      const lane = this.lanes.get(id);
      if (!lane) return;
      const unused = reservation.spill.rooms[i] - (arriving.get(id) ?? 0);
      lane.spillReserved = Math.max(0, lane.spillReserved - unused);
      this.lanes.dropIfIdle(lane);
    });
    for (const id of pendingSubscriptions) {
      // Spilling (or promised spill by another publish): these would be overtaken by its spill.
      // A lane merely full, not measured yet, drains within a spill window at worst.
      const lane = this.lanes.get(id);
      if (spilling.has(id) || (lane !== undefined && spilledOrPromised(lane) > 0)) {
        this.overflow.mark(id);
      }
    }
    if (this.reservations === 0) {
      this.reservationWaiters.forEach((resolve) => resolve());
      this.reservationWaiters = [];
    }
    if (deliveries.length === 0 || !this.open) {
      this.runner.roomFreed();
      return;
    }
    deliveryMetrics.taken.inc({ via: 'handoff' }, deliveries.length);
    const starting: Promise<void> = this.runner
      .route(deliveries, spilling)
      .catch((error: unknown) => {
        this.logger.error(
          `Starting ${deliveries.length} handed-off deliveries failed (${errorMessage(error)}); their leases expire and they are sent again`,
        );
      })
      .finally(() => this.starting.delete(starting));
    this.starting.add(starting);
  }

  /**
   * Resolves once every reservation made has been adopted (or `timeoutMs` passed) and the
   * deliveries adopted have been routed: their rows are then committed, leased to this instance.
   */
  async settled(timeoutMs: number): Promise<void> {
    if (this.reservations > 0) {
      await new Promise<void>((resolve) => {
        this.reservationWaiters.push(resolve);
        setTimeout(resolve, timeoutMs).unref();
      });
    }
    await Promise.allSettled([...this.starting]);
  }
}
