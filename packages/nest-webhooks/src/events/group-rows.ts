import { type ClaimedDelivery, toClaimed } from '../queue/claimed-delivery';
import type { GroupRow, OutboxEvent } from '../queue/outbox.repository';

/** What a group publish's rows come to (see `OutboxRepository.insertGroup`). */
export interface SortedGroupRows {
  /** Deliveries created leased to this instance, ready to hand to its dispatcher. */
  leased: ClaimedDelivery[];
  /** Subscriptions that got `pending` rows (they wait in the table for a claim). */
  pending: Set<string>;
  /** Deliveries created, per event id. */
  counts: Map<string, number>;
  /** Events not stored because their idempotency key was taken. */
  skipped: Set<string>;
  /** Deliveries created in all. */
  created: number;
}

/** One pass over a group publish's rows: what to send from memory, what waits, the fan-out. */
export function sortGroupRows(events: readonly OutboxEvent[], rows: GroupRow[]): SortedGroupRows {
  const types = new Map(events.map((e) => [e.id, e.type]));
  const sorted: SortedGroupRows = {
    leased: [],
    pending: new Set(),
    counts: new Map(),
    skipped: new Set(),
    created: 0,
  };
  for (const row of rows) {
    if (row.skipped) {
      sorted.skipped.add(row.event_id);
      continue;
    }
    sorted.created++;
    sorted.counts.set(row.event_id, (sorted.counts.get(row.event_id) ?? 0) + 1);
    if (row.leased) {
      // Completed in place (no copy of every row): what a claim's row has besides.
      row.type = types.get(row.event_id)!;
      row.batch_event_ids = null;
      row.endpoint = null;
      sorted.leased.push(toClaimed(row));
    } else if (row.subscription_id) {
      sorted.pending.add(row.subscription_id);
    }
  }
  return sorted;
}

/** What one delivery of these events may hold in memory: its event's data, and about 1 KiB besides. */
export function bytesPerDelivery(events: readonly OutboxEvent[]): number {
  return events.reduce((most, e) => Math.max(most, e.data.length), 0) + 1024;
}
