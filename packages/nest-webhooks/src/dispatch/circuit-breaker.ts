import type { CircuitBreakerOptions } from '../interfaces/webhooks-module-options.interface';

export type { CircuitBreakerOptions };

export const DEFAULT_CIRCUIT_BREAKER: CircuitBreakerOptions = {
  failureThreshold: 5,
  cooldownMs: 30_000,
  maxCooldownMs: 600_000,
};

type Circuit =
  | { state: 'closed'; failures: number }
  | { state: 'open'; until: number; cooldownMs: number }
  | { state: 'half-open'; cooldownMs: number; since: number };

/** What `record` changed, for logs and metrics. */
export type CircuitTransition = 'opened' | 'reopened' | 'closed' | null;

/**
 * Per-endpoint circuit breakers of one instance. After `failureThreshold` failed attempts in a row
 * an endpoint is paused (open) for `cooldownMs`; then one probe is let through (half-open): its
 * success closes the circuit, its failure pauses the endpoint again for twice as long, up to
 * `maxCooldownMs`. An answer that shows the endpoint is alive (2xx, other 4xx, 3xx) resets it.
 */
export class CircuitBreakers {
  private readonly circuits = new Map<string, Circuit>();

  constructor(
    private readonly options: CircuitBreakerOptions,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.options.failureThreshold > 0;
  }

  /**
   * How many requests `key` may have in flight now (`Infinity` when closed, 1 for the probe once
   * the pause is over, 0 while paused) and, while paused, until when: read at one instant.
   */
  state(key: string): { allowance: number; pausedUntil: number | null } {
    const circuit = this.circuits.get(key);
    if (!circuit || circuit.state === 'closed') return { allowance: Infinity, pausedUntil: null };
    if (circuit.state === 'half-open') return { allowance: 1, pausedUntil: null };
    const now = this.now();
    if (now < circuit.until) return { allowance: 0, pausedUntil: circuit.until };
    this.circuits.set(key, { state: 'half-open', cooldownMs: circuit.cooldownMs, since: now });
    return { allowance: 1, pausedUntil: null };
  }

  /** `state(key).allowance`. */
  allowance(key: string): number {
    return this.state(key).allowance;
  }

  /** When the pause of `key` ends (epoch ms), or null when it is not paused. */
  pausedUntil(key: string): number | null {
    const circuit = this.circuits.get(key);
    return circuit?.state === 'open' && this.now() < circuit.until ? circuit.until : null;
  }

  /** Keys paused right now (left out of claims). */
  paused(): string[] {
    const now = this.now();
    return [...this.circuits]
      .filter(([, c]) => c.state === 'open' && now < c.until)
      .map(([key]) => key);
  }

  /**
   * Records the outcome of an attempt to `key` that started at `startedAt` (epoch ms). While
   * probing, only the probe decides: a failure of a request started before the pause ended
   * (still in flight from before) is ignored.
   */
  record(key: string, failed: boolean, startedAt: number = this.now()): CircuitTransition {
    if (!this.enabled) return null;
    const circuit = this.circuits.get(key) ?? { state: 'closed', failures: 0 };
    if (!failed) {
      this.circuits.delete(key);
      return circuit.state === 'closed' ? null : 'closed';
    }
    if (circuit.state === 'closed') {
      const failures = circuit.failures + 1;
      if (failures < this.options.failureThreshold) {
        this.circuits.set(key, { state: 'closed', failures });
        return null;
      }
      this.open(key, this.options.cooldownMs);
      return 'opened';
    }
    if (circuit.state === 'half-open') {
      if (startedAt < circuit.since) return null;
      this.open(key, Math.min(this.options.maxCooldownMs, circuit.cooldownMs * 2));
      return 'reopened';
    }
    // Already open: a request that was in flight when it opened; the pause stands.
    return null;
  }

  /** Forgets `key` (its subscription changed or went away). */
  forget(key: string): void {
    this.circuits.delete(key);
  }

  private open(key: string, cooldownMs: number): void {
    this.circuits.set(key, { state: 'open', until: this.now() + cooldownMs, cooldownMs });
  }
}

/** Whether an attempt's outcome says the endpoint is unhealthy (as opposed to refusing the request). */
export function isEndpointFailure(statusCode: number | null): boolean {
  return statusCode === null || statusCode >= 500 || statusCode === 429 || statusCode === 408;
}
