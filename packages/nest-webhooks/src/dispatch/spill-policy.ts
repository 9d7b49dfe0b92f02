import { type SubscriptionLane, spilledOrPromised } from './subscription-lanes';

/** Deliveries waiting in memory beyond their lanes' bounds (spill), in all: this many per `concurrency`. */
export const SPILL_PER_SLOT = 100;
/** And at most this many bytes of them (their events' data, as their publishes estimated it). */
export const SPILL_BYTES = 32 * 1024 * 1024;

/** What the spill policy reads: the lanes, the limits, a clock, and per-subscription facts. */
export interface SpillInput {
  lanes: Iterable<SubscriptionLane>;
  /** Most deliveries the publish asking may create. */
  max: number;
  /** The most bytes one of them may hold in memory. */
  bytesEach: number;
  /** `perSubscriptionConcurrency`. */
  bound: number;
  /** `concurrency`: the spill holds at most SPILL_PER_SLOT times it. */
  concurrency: number;
  now: number;
  /** The subscription's mean attempt duration (ms), unknown before its first answer. */
  meanMs(id: string): number | undefined;
  /** Whether the subscription waits for a claim to drain what it left in the table. */
  overflowed(id: string): boolean;
  /** Its endpoint's circuit: requests allowed at once, and until when it is paused. */
  circuit(id: string): { allowance: number; pausedUntil: number | null };
}

export interface SpillDecision {
  /** Room promised to each lane (in the lanes' order), and the bytes each delivery may hold then. */
  rooms: { id: string; room: number; bytesEach: number }[];
  /** Lanes that spilled for a whole window: they drain once, so claims reach their due retries. */
  overflow: string[];
}

/**
 * Spill room for a publish: a busy subscription at its bound may take deliveries created leased
 * that wait in memory for its lane's room, as many as it answers in a quarter of the time their
 * lease leaves (by its mean attempt duration), and within SPILL_PER_SLOT per unit of concurrency
 * and SPILL_BYTES in all. None for a subscription not measured yet, overflowed, or paused.
 */
export function spillRooms(input: SpillInput): SpillDecision {
  const decision: SpillDecision = { rooms: [], overflow: [] };
  const lanes = [...input.lanes];
  let total = 0;
  let bytes = 0;
  for (const lane of lanes) {
    const waiting = spilledOrPromised(lane);
    total += waiting;
    bytes += waiting * (waiting === 0 ? 0 : lane.spillBytesEach);
  }
  let left = input.concurrency * SPILL_PER_SLOT - total;
  let leftBytes = SPILL_BYTES - bytes;
  for (const lane of lanes) {
    if (left <= 0 || leftBytes < input.bytesEach) break;
    const meanMs = input.meanMs(lane.id);
    if (meanMs === undefined || input.overflowed(lane.id)) continue;
    // At its bound, or spilling (promised spill included: it may still be on its way there).
    const waiting = spilledOrPromised(lane);
    if (lane.running + lane.queue.length + waiting < input.bound) continue;
    const { allowance, pausedUntil } = input.circuit(lane.id);
    if (pausedUntil !== null) continue;
    const windowMs = lane.slackMs / 4;
    if (lane.spillingSince !== null && input.now - lane.spillingSince > windowMs) {
      decision.overflow.push(lane.id);
      continue;
    }
    const capacity = Math.floor(
      (Math.min(input.bound, allowance) * windowMs) / Math.max(1, meanMs),
    );
    // Every delivery of the lane is then counted at the larger size: those waiting already too.
    const held = waiting === 0 ? 0 : lane.spillBytesEach;
    const each = Math.max(held, input.bytesEach);
    const repriced = waiting * (each - held);
    const room = Math.min(
      input.max,
      left,
      Math.floor((leftBytes - repriced) / each),
      capacity - waiting,
    );
    if (room <= 0) continue;
    decision.rooms.push({ id: lane.id, room, bytesEach: each });
    left -= room;
    leftBytes -= repriced + room * each;
  }
  return decision;
}
