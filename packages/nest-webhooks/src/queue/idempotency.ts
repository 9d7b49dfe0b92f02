import { WebhooksError, WebhooksErrorCode } from '../webhooks.errors';

/** The longest idempotency key taken. */
export const MAX_IDEMPOTENCY_KEY = 255;

/** How long an idempotency key answers its first event. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface IdempotencyClaim {
  key: string;
  /** The SHA-256 of the type and data: the same key with another body is refused. */
  requestHash: string;
}

/** An earlier event holding an idempotency key. */
export interface KeyedEvent {
  id: string;
  requestHash: string | null;
  createdAt: Date;
}

/**
 * What a publish with `claim` does, given the company's event holding the same key: answer that
 * event (`replay`), refuse (`reused`: another body), or go on and store a new event (`free`: no
 * such event, or one older than the window, which gives its key up).
 */
export type KeyDecision = { kind: 'replay'; id: string } | { kind: 'reused' } | { kind: 'free' };

export function decideKey(
  claim: IdempotencyClaim,
  earlier: KeyedEvent | undefined,
  now: number,
): KeyDecision {
  if (!earlier || now - earlier.createdAt.getTime() > IDEMPOTENCY_WINDOW_MS) {
    return { kind: 'free' };
  }
  if (earlier.requestHash !== claim.requestHash) return { kind: 'reused' };
  return { kind: 'replay', id: earlier.id };
}

export function keyReused(): WebhooksError {
  return new WebhooksError(
    WebhooksErrorCode.IdempotencyKeyReused,
    'Idempotency-Key was already used with a different request body',
    'Idempotency-Key',
  );
}
