import type { DeliveryStatus } from '../entities/delivery-status';
import type { ClaimedDelivery } from '../queue/claimed-delivery';

/** One HTTP attempt of a held delivery, and the state it leads to. */
export interface AttemptMade {
  kind: 'attempted';
  attemptId: string;
  delivery: ClaimedDelivery;
  status: 'succeeded' | 'failed';
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseBody: string;
  /** Every header sent, the signatures' and the subscription's own header values masked. */
  requestHeaders: Record<string, string>;
  /** As received (the first 50, each value at most 1 KiB); null without an answer. */
  responseHeaders: Record<string, string> | null;
  at: Date;
  nextStatus: DeliveryStatus;
  nextAttemptAt: Date | null;
  /** The endpoint answered 410: its subscription is deactivated. */
  gone: boolean;
}

/** A held delivery whose subscription was deleted or deactivated: cancelled, no attempt. */
export interface DeliveryCancelled {
  kind: 'cancelled';
  delivery: ClaimedDelivery;
  reason: string;
  at: Date;
}

/** What the recorder writes for a held delivery. */
export type AttemptOutcome = AttemptMade | DeliveryCancelled;

export function cancelled(delivery: ClaimedDelivery): DeliveryCancelled {
  return { kind: 'cancelled', delivery, reason: 'subscription inactive', at: new Date() };
}
