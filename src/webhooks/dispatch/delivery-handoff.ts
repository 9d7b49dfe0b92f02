import { Injectable } from '@nestjs/common';
import type { ClaimedDelivery } from './claimed-delivery';

/** Room the dispatcher gave the publisher for deliveries it creates already leased. */
export interface HandoffReservation {
  /** Most deliveries to create leased (`sending`, this instance as the lease owner). */
  take: number;
  /** The lease owner name to write. */
  owner: string;
  /** Subscriptions whose deliveries must stay `pending` (lane full, or endpoint paused). */
  excluded: string[];
  /** Most deliveries of one subscription to create leased. */
  perSubscription: number;
  /** The least lease (seconds), as `webhook_lease_expires_at` takes it. */
  leaseSeconds: number;
  /**
   * Subscriptions at their bound whose deliveries may still be created leased, to wait in this
   * instance's memory (`rooms[i]` at most for `ids[i]`), outside `take` and `excluded`.
   */
  spill: { ids: string[]; rooms: number[] };
}

/** The dispatcher's side of the hand-off (the dispatcher depends on the publisher, not back). */
export interface HandoffTaker {
  /** `bytesEach`: the most bytes one of the deliveries may hold in memory (its event's data). */
  reserve(max: number, bytesEach: number): HandoffReservation | null;
  /**
   * Takes the deliveries created leased (they may be fewer than reserved; none at all), and the
   * subscriptions that got deliveries created `pending` by the same publish. Called exactly once
   * for every reservation, on the taker that made it, even after `detach`.
   */
  adopt(
    reservation: HandoffReservation,
    deliveries: ClaimedDelivery[],
    pendingSubscriptions: string[],
  ): void;
}

/** A reservation, with the taker that made it (the one `adopt` must reach). */
export interface HeldReservation extends HandoffReservation {
  taker: HandoffTaker;
}

/**
 * Publisher to dispatcher, in one process: deliveries created by a publish are written already
 * leased to this instance and sent from memory, with no claim query, while the dispatcher has
 * room. If the process dies before sending them, their lease expires and any instance sends them.
 */
@Injectable()
export class DeliveryHandoff {
  private taker: HandoffTaker | null = null;

  attach(taker: HandoffTaker): void {
    this.taker = taker;
  }

  detach(taker: HandoffTaker): void {
    if (this.taker === taker) this.taker = null;
  }

  /**
   * Room for at most `max` deliveries of at most `bytesEach` bytes of event data each; null when
   * there is no dispatcher, or it is full or stopping.
   */
  reserve(max: number, bytesEach: number): HeldReservation | null {
    const taker = this.taker;
    const reservation = taker?.reserve(max, bytesEach) ?? null;
    return taker && reservation ? { ...reservation, taker } : null;
  }

  /** Hands the deliveries over; must be called once for every reservation, also on failure. */
  adopt(
    reservation: HeldReservation,
    deliveries: ClaimedDelivery[],
    pendingSubscriptions: string[] = [],
  ): void {
    reservation.taker.adopt(reservation, deliveries, pendingSubscriptions);
  }
}
