/** The whole-attempt deadline shared by the undici and axios {@link WebhookHttpClient}s. */

/** The whole-attempt deadline (ms) of a request: `timeoutMs`, or 1 ms unless a positive number. */
export function attemptTimeoutMs(timeoutMs: number): number {
  return Number.isFinite(timeoutMs) && timeoutMs > 0 ? timeoutMs : 1;
}

/** What an attempt's deadline ends it with (`httpErrorReason` says `timeout`). */
export function attemptTimeoutError(ms: number): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`request timed out after ${ms} ms`);
  error.name = 'TimeoutError';
  error.code = 'ETIMEDOUT';
  return error;
}

/** The deadline of one attempt: aborts `signal` after `timeoutMs`. Call `clear()` when done. */
export class AttemptDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private fired = false;

  constructor(timeoutMs: number) {
    const ms = attemptTimeoutMs(timeoutMs);
    this.timer = setTimeout(() => {
      this.fired = true;
      this.controller.abort(attemptTimeoutError(ms));
    }, ms);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get timedOut(): boolean {
    return this.fired;
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}
