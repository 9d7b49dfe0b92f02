import { Injectable } from '@nestjs/common';

/**
 * Wakes the dispatcher: after a publish commits (in-process), on a PostgreSQL NOTIFY from any
 * instance, and on the scheduler's ticks. A wake that arrives while nobody waits is remembered,
 * so none is lost between a claim that found nothing and the next wait.
 */
@Injectable()
export class DispatchSignal {
  private pending = false;
  private waiter: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  /** Wakes that announce new work (a commit, a NOTIFY, a requeue), as opposed to ticks and timers. */
  private work = 0;

  /** `work`: something was committed (proof the database answers); `tick`: a timer or the scheduler. */
  wake(reason: 'work' | 'tick' = 'work'): void {
    if (reason === 'work') this.work++;
    this.pending = true;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }

  /** Wakes at `at` (epoch ms) at the latest; keeps an earlier one already set. */
  wakeAt(at: number): void {
    if (at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.timerAt = Infinity;
        this.wake('tick');
      },
      Math.max(0, at - Date.now()),
    );
    this.timer.unref();
  }

  /** Resolves on the next wake (or at once if one is pending), or after `timeoutMs`. */
  async wait(timeoutMs: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timeout = setTimeout(() => {
        if (this.waiter === done) this.waiter = null;
        resolve();
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timeout);
        resolve();
      };
      this.waiter = done;
    });
    this.pending = false;
  }

  /**
   * Waits `ms`, ended early only by new work (not by ticks): a backoff that a 1 s scheduler tick
   * cannot cut short, but that a publish committed meanwhile (the database is back) ends at once.
   */
  async backoff(ms: number, stopped: () => boolean): Promise<void> {
    const started = Date.now();
    const until = started + ms;
    // New work counts only after a short floor: a failure that is not an outage (a pool
    // exhausted under API load) must not be retried at the rate of publishes.
    const floor = started + Math.min(ms, 250);
    const work = this.work;
    while (!stopped() && Date.now() < until && (this.work === work || Date.now() < floor)) {
      await this.wait((this.work === work ? until : floor) - Date.now());
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
    this.wake();
  }
}
