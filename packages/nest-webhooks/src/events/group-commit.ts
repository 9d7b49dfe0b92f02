/**
 * Group commit: items submitted while earlier groups are being written are written together, in
 * one statement and one commit, instead of one transaction each. An item submitted while fewer
 * than `maxInFlight` groups are being written goes out at once (after the current microtask, so
 * items submitted in the same turn share a group): no waiting under light load, larger groups
 * under heavy load, when one commit per item is what limits the rate.
 *
 * A group that fails is written again item by item (when `retryAlone` says the error may be one
 * item's), so one bad item fails alone and every other caller gets its own result.
 */
export interface GroupCommitOptions {
  /** Most items in one group. */
  maxGroup: number;
  /** Groups being written at once. */
  maxInFlight: number;
  /**
   * Whether a failed group is written again item by item (an item may be what failed); when not,
   * every item of the group gets the group's error. Default: always.
   */
  retryAlone?: (error: unknown) => boolean;
}

interface Pending<I, O> {
  item: I;
  resolve: (output: O) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<I, O> {
  private queue: Pending<I, O>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    /** Writes a group; returns one output per item, in order. */
    private readonly writeGroup: (items: I[]) => Promise<O[]>,
    /** Writes one item alone (a group of one, or the retry of a failed group's items). */
    private readonly writeOne: (item: I) => Promise<O>,
    private readonly options: GroupCommitOptions,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Items waiting for a group and groups being written (for tests and shutdown). */
  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.maxInFlight) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    while (this.queue.length > 0 && this.inFlight < this.options.maxInFlight) {
      const group = this.queue.splice(0, this.options.maxGroup);
      this.inFlight++;
      void this.write(group).finally(() => {
        this.inFlight--;
        this.drain();
      });
    }
  }

  private async write(group: Pending<I, O>[]): Promise<void> {
    if (group.length === 1) {
      const [only] = group;
      await this.writeOne(only.item).then(only.resolve, only.reject);
      return;
    }
    let outputs: O[];
    try {
      outputs = await this.writeGroup(group.map((p) => p.item));
    } catch (error) {
      if (this.options.retryAlone && !this.options.retryAlone(error)) {
        group.forEach((p) => p.reject(error));
        return;
      }
      // One item may be what failed: each on its own, and each caller gets its own outcome.
      await Promise.all(group.map((p) => this.writeOne(p.item).then(p.resolve, p.reject)));
      return;
    }
    group.forEach((p, i) => p.resolve(outputs[i]));
  }
}
