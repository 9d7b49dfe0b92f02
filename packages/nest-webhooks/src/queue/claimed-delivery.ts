import type { DirectEndpoint } from '../entities/webhook-delivery.entity';
import type { OutgoingEvent } from '../interfaces/outgoing-event.interface';

/** A delivery this instance holds the lease of, with what it needs to be sent. */
export interface ClaimedDelivery {
  id: string;
  companyId: string;
  eventId: string;
  batchEventIds: string[] | null;
  /** The events of a batch delivery, loaded with the claim; null for a single event. */
  batch: OutgoingEvent[] | null;
  subscriptionId: string | null;
  endpoint: DirectEndpoint | null;
  eventType: string;
  /** The number of the attempt about to be made (1 = first). */
  attemptNumber: number;
  event: OutgoingEvent;
  /** The subscription's `updatedAt` when claimed (ms): a cached copy older than this is reloaded. */
  subscriptionVersion: number | null;
  /** When this instance's lease on it ends (epoch ms). */
  leaseExpiresAt: number;
}

/** A claimed delivery as the claim query (or a publish that hands it off) returns it. */
export interface ClaimRow {
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
  subscription_version?: Date | null;
  lease_expires_at: Date;
}

export function toClaimed(row: ClaimRow): ClaimedDelivery {
  return {
    id: row.id,
    companyId: row.company_id,
    eventId: row.event_id,
    batchEventIds: row.batch_event_ids,
    batch: null,
    subscriptionId: row.subscription_id,
    endpoint: row.endpoint,
    eventType: row.event_type,
    attemptNumber: row.attempt_count,
    subscriptionVersion: row.subscription_version
      ? new Date(row.subscription_version).getTime()
      : null,
    leaseExpiresAt: new Date(row.lease_expires_at).getTime(),
    event: {
      id: row.event_id,
      type: row.type,
      timestamp: new Date(row.created_at).toISOString(),
      companyId: row.company_id,
      data: row.data,
    },
  };
}
