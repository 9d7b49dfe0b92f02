import { Injectable } from '@nestjs/common';
import { WebhooksSettings } from '../webhooks-settings';

/**
 * The instance's in-flight count: deliveries it holds (being sent, queued behind their
 * subscription's bound, being loaded, or promised to a claim or a publish running now), against
 * `dispatch.concurrency`. The only code that changes the count; the claim loop waits here for room.
 */
@Injectable()
export class DispatchCapacity {
  private count = 0;
  private waiters: (() => void)[] = [];
  readonly bound: number;

  constructor(settings: WebhooksSettings) {
    this.bound = settings.dispatch.concurrency;
  }

  get held(): number {
    return this.count;
  }

  /** Room left under the bound (negative when over it). */
  get free(): number {
    return this.bound - this.count;
  }

  get full(): boolean {
    return this.count >= this.bound;
  }

  /** Counts `n` more held deliveries (the callers check the room first; a claim may overshoot). */
  take(n = 1): void {
    this.count += n;
  }

  /** Counts `n` fewer; wakes nobody (see `wakeWaiters`). */
  give(n = 1): void {
    this.count -= n;
  }

  /** Resolves at the next `wakeWaiters`. */
  nextRoom(): Promise<void> {
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Wakes whoever waits for room (the claim loop), after a give or on shutdown. */
  wakeWaiters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((resolve) => resolve());
  }
}
