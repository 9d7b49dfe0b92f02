import { DispatchSignal } from './dispatch-signal';

describe('DispatchSignal', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  /** Resolves `promise` while advancing fake time by `step` ms at a time; answers when it settled. */
  async function settleTime(promise: Promise<void>, limitMs: number, step = 50): Promise<number> {
    let done = false;
    void promise.then(() => (done = true));
    for (let t = 0; t <= limitMs && !done; t += step) {
      await jest.advanceTimersByTimeAsync(step);
    }
    return Date.now();
  }

  it('wait: ends on any wake, ticks included, or at the timeout', async () => {
    const signal = new DispatchSignal();
    const waiting = signal.wait(5000);
    setTimeout(() => signal.wake('tick'), 300);
    expect(await settleTime(waiting, 6000)).toBe(300);
  });

  it('backoff: ticks do not cut it short', async () => {
    const signal = new DispatchSignal();
    const ticks = setInterval(() => signal.wake('tick'), 100);
    signal.wake('tick'); // a wake left over from before the failure
    const done = await settleTime(
      signal.backoff(2000, () => false),
      3000,
    );
    clearInterval(ticks);
    expect(done).toBeGreaterThanOrEqual(2000);
    expect(done).toBeLessThan(2100);
  });

  it('backoff: new work (a commit) ends it early', async () => {
    const signal = new DispatchSignal();
    setTimeout(() => signal.wake('work'), 700);
    expect(
      await settleTime(
        signal.backoff(10_000, () => false),
        11_000,
      ),
    ).toBe(700);
  });

  it('backoff: new work right away ends it only after a 250 ms floor', async () => {
    const signal = new DispatchSignal();
    setTimeout(() => signal.wake('work'), 10);
    expect(
      await settleTime(
        signal.backoff(10_000, () => false),
        11_000,
      ),
    ).toBe(250);
  });

  it('backoff: ends on shutdown', async () => {
    const signal = new DispatchSignal();
    let stopped = false;
    setTimeout(() => {
      stopped = true;
      signal.dispose();
    }, 400);
    expect(
      await settleTime(
        signal.backoff(10_000, () => stopped),
        11_000,
      ),
    ).toBe(400);
  });
});
