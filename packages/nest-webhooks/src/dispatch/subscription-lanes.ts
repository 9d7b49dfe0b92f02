import { Injectable } from '@nestjs/common';
import type { ClaimedDelivery } from '../queue/claimed-delivery';
import type { DeliveryTarget } from './delivery-targets';

/** A held delivery with where it goes. */
export interface QueuedDelivery {
  delivery: ClaimedDelivery;
  target: DeliveryTarget;
}

/** One subscription's deliveries in this instance: being sent, and waiting for room. */
export interface SubscriptionLane {
  id: string;
  /** Requests in flight. */
  running: number;
  /** Waiting for the lane's room; counted in the dispatch capacity. */
  queue: QueuedDelivery[];
  /**
   * Handed off while the lane was at its bound: leased to this instance and waiting in memory,
   * not counted in the capacity (they take the lane's room, and then capacity, as they come out).
   */
  spill: QueuedDelivery[];
  /** Spill room promised to publishes whose deliveries have not reached the spill yet. */
  spillReserved: number;
  /** The most bytes one delivery of the spill (or of its promised room) may hold; stale when none wait. */
  spillBytesEach: number;
  /** Since when (epoch ms) the spill has not been empty; null while it is. */
  spillingSince: number | null;
  /**
   * How long a delivery may wait here and still be sent within its lease, read off the last one
   * that came in: `webhook_lease_expires_at` stays the one lease formula.
   */
  slackMs: number;
}

/** Deliveries a lane holds, for its bound: sending, queued and spilled. */
export function laneLoad(lane: SubscriptionLane): number {
  return lane.running + lane.queue.length + lane.spill.length;
}

/** Spilled or promised spill: what the spill room is measured against. */
export function spilledOrPromised(lane: SubscriptionLane): number {
  return lane.spill.length + lane.spillReserved;
}

/**
 * Where a delivery entering its lane waits: in the spill when it was written on spill room, or
 * when it was handed off and the lane is full or already spills (behind those); else the queue.
 */
export function placement(
  lane: SubscriptionLane,
  delivery: { onSpillRoom: boolean; handedOff: boolean },
  bound: number,
): 'queue' | 'spill' {
  const full = lane.running + lane.queue.length >= bound || lane.spill.length > 0;
  return delivery.onSpillRoom || (delivery.handedOff && full) ? 'spill' : 'queue';
}

/** What a lane does next: start a queued delivery, a spilled one, wait for capacity, or nothing. */
export type LaneStep = 'queued' | 'spilled' | 'wait-capacity' | 'none';

export function nextStep(lane: SubscriptionLane, bound: number, capacityFull: boolean): LaneStep {
  if (lane.running >= bound) return 'none';
  if (lane.queue.length > 0) return 'queued';
  if (lane.spill.length === 0) return 'none';
  return capacityFull ? 'wait-capacity' : 'spilled';
}

/** How long a held delivery may still wait and be sent (timeout and 1 s) within its lease. */
export function leaseSlackMs(queued: QueuedDelivery, now: number): number {
  return queued.delivery.leaseExpiresAt - now - queued.target.requestTimeoutMs - 1000;
}

/** The lanes of this instance, by subscription id; a lane with nothing in it is forgotten. */
@Injectable()
export class SubscriptionLanes {
  private readonly lanes = new Map<string, SubscriptionLane>();
  /** Lanes with spilled deliveries waiting for room in the dispatch capacity. */
  readonly waitingForCapacity = new Set<SubscriptionLane>();

  get(id: string): SubscriptionLane | undefined {
    return this.lanes.get(id);
  }

  all(): IterableIterator<SubscriptionLane> {
    return this.lanes.values();
  }

  laneOf(id: string): SubscriptionLane {
    let lane = this.lanes.get(id);
    if (!lane) {
      lane = {
        id,
        running: 0,
        queue: [],
        spill: [],
        spillReserved: 0,
        spillBytesEach: 0,
        spillingSince: null,
        slackMs: 0,
      };
      this.lanes.set(id, lane);
    }
    return lane;
  }

  /** Forgets a lane with nothing sending, queued, spilled or promised. */
  dropIfIdle(lane: SubscriptionLane): void {
    if (laneLoad(lane) === 0 && lane.spillReserved === 0) {
      this.lanes.delete(lane.id);
      this.waitingForCapacity.delete(lane);
    }
  }

  /** Subscriptions with as many deliveries held as `bound` allows: left out of claims. */
  saturated(bound: number): string[] {
    const ids: string[] = [];
    for (const lane of this.lanes.values()) if (laneLoad(lane) >= bound) ids.push(lane.id);
    return ids;
  }
}
