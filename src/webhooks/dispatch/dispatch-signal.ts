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

  wake(): void {
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
        this.wake();
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

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
    this.wake();
  }
}
