import { Injectable } from '@nestjs/common';

/** Subscriptions whose mean attempt duration is remembered. */
export const MEASURED_SUBSCRIPTIONS = 10_000;

/**
 * Mean attempt duration (ms, exponentially weighted) of the subscriptions answered lately, the
 * least recent forgotten first; kept past their lanes, so that a lane busy again can spill at once.
 */
@Injectable()
export class ResponseTimes {
  private readonly meanMs = new Map<string, number>();

  mean(subscriptionId: string): number | undefined {
    return this.meanMs.get(subscriptionId);
  }

  /** Folds an attempt's duration into its subscription's mean. */
  measure(subscriptionId: string, durationMs: number): void {
    const mean = this.meanMs.get(subscriptionId);
    this.meanMs.delete(subscriptionId);
    this.meanMs.set(
      subscriptionId,
      mean === undefined ? durationMs : mean * 0.9 + durationMs * 0.1,
    );
    if (this.meanMs.size > MEASURED_SUBSCRIPTIONS) {
      this.meanMs.delete(this.meanMs.keys().next().value!);
    }
  }
}
