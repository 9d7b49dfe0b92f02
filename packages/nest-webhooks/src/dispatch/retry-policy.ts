/** The retry settings of one delivery target (a subscription or a direct endpoint). */
export interface RetrySettings {
  maxRetryCount: number;
  retryDelayMs: number;
  retryBackoffMultiplier: number;
}

/** The observable result of one attempt. */
export interface AttemptResult {
  statusCode: number | null;
  /** Response headers, lower-cased names. */
  headers: Record<string, string>;
  error: string | null;
}

export type AttemptDecision =
  | { outcome: 'succeeded' }
  | { outcome: 'retry'; delayMs: number }
  /** No retry: a 4xx answer, or retries exhausted. */
  | { outcome: 'failed'; exhausted: boolean }
  /** 410 Gone: the endpoint asked to be removed. */
  | { outcome: 'gone' };

export const MAX_DELAY_MS = 24 * 60 * 60 * 1000;
export const JITTER = 0.2;

/** Whether an answer (or its absence) is worth retrying (CONTRACT.md "Delivery semantics"). */
export function isRetryable(result: Pick<AttemptResult, 'statusCode'>): boolean {
  const code = result.statusCode;
  if (code === null) return true; // timeout, connection error
  return (code >= 300 && code < 400) || code === 408 || code === 429 || code >= 500;
}

/**
 * `Retry-After` as a delay in ms (seconds or an HTTP date), capped at 24 h; null when absent or
 * unreadable.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  let delay: number;
  if (/^\d+$/.test(trimmed)) {
    delay = Number(trimmed) * 1000;
  } else {
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) return null;
    delay = at - now;
  }
  return Math.min(Math.max(delay, 0), MAX_DELAY_MS);
}

/**
 * Delay before retry number `retry` (1 = the first retry): retryDelayMs * multiplier^(retry-1),
 * ±20% jitter, capped at 24 h. `random` is in [0, 1).
 */
export function backoffDelay(settings: RetrySettings, retry: number, random: number): number {
  const base = settings.retryDelayMs * Math.pow(settings.retryBackoffMultiplier, retry - 1);
  const jittered = base * (1 - JITTER + 2 * JITTER * random);
  return Math.round(Math.min(jittered, MAX_DELAY_MS));
}

/**
 * What to do after attempt number `attemptNumber` (1 = the first try) of a delivery.
 * `Retry-After` on 429 or 503 is a floor for the next delay.
 */
export function decideAfterAttempt(
  result: AttemptResult,
  attemptNumber: number,
  settings: RetrySettings,
  now: number,
  random: number = Math.random(),
): AttemptDecision {
  const code = result.statusCode;
  if (code !== null && code >= 200 && code < 300) {
    // The receiver accepted it, even if reading the rest of its answer failed.
    return { outcome: 'succeeded' };
  }
  if (code === 410) return { outcome: 'gone' };
  if (!isRetryable(result)) return { outcome: 'failed', exhausted: false };
  const retry = attemptNumber; // the retry that would come next
  if (retry > settings.maxRetryCount) return { outcome: 'failed', exhausted: true };
  let delayMs = backoffDelay(settings, retry, random);
  if (code === 429 || code === 503) {
    const floor = parseRetryAfter(result.headers['retry-after'], now);
    if (floor !== null) delayMs = Math.max(delayMs, floor);
  }
  return { outcome: 'retry', delayMs: Math.min(delayMs, MAX_DELAY_MS) };
}
