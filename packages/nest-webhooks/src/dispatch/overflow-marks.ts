import { Injectable } from '@nestjs/common';

/**
 * Subscriptions that got deliveries created `pending` while their lane spilled (or had spill
 * room), or that spilled for a whole spill window: no more hand-off for them until a claim that
 * started after the mark came back short, so that new events do not overtake what waits in the
 * database (their overflow, their due retries).
 */
@Injectable()
export class OverflowMarks {
  /** Subscription id → the number of claims started when it was marked. */
  private readonly marks = new Map<string, number>();
  private claimsStarted = 0;

  mark(subscriptionId: string): void {
    this.marks.set(subscriptionId, this.claimsStarted);
  }

  has(subscriptionId: string): boolean {
    return this.marks.has(subscriptionId);
  }

  ids(): IterableIterator<string> {
    return this.marks.keys();
  }

  /** A claim begins: returns its number, for `claimCameBackShort`. */
  claimStarted(): number {
    return ++this.claimsStarted;
  }

  /**
   * Claim number `started` came back short: nothing else was due for the subscriptions it did not
   * leave out, so what waited for those marked before it began has been claimed.
   */
  claimCameBackShort(started: number, excluded: readonly string[]): void {
    if (this.marks.size === 0) return;
    const left = new Set(excluded);
    for (const [id, markedAt] of this.marks) {
      if (markedAt < started && !left.has(id)) this.marks.delete(id);
    }
  }
}
