import fc from 'fast-check';
import { WebhooksSettings } from '../webhooks-settings';
import { DispatchCapacity } from './dispatch-capacity';

const capacityOf = (concurrency: number) =>
  new DispatchCapacity(
    new WebhooksSettings({ secretKey: 'x'.repeat(32), dispatch: { concurrency } }),
  );

/** Lets every promise callback queued so far run (and those they queue, a few rounds deep). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A waiter whose resolution can be looked at without awaiting it. */
function watch(promise: Promise<void>): { woken: () => boolean } {
  let woken = false;
  void promise.then(() => (woken = true));
  return { woken: () => woken };
}

describe('DispatchCapacity', () => {
  it('takes its bound from dispatch.concurrency and starts empty', () => {
    const capacity = capacityOf(3);
    expect(capacity.bound).toBe(3);
    expect(capacity.held).toBe(0);
    expect(capacity.free).toBe(3);
    expect(capacity.full).toBe(false);
  });

  it('take and give move the count, one by default or n at once', () => {
    const capacity = capacityOf(5);
    capacity.take();
    expect(capacity.held).toBe(1);
    capacity.take(3);
    expect(capacity.held).toBe(4);
    expect(capacity.free).toBe(1);
    capacity.give(2);
    expect(capacity.held).toBe(2);
    capacity.give();
    expect(capacity.held).toBe(1);
    expect(capacity.free).toBe(4);
  });

  it.each([
    [0, false, 3],
    [2, false, 1],
    [3, true, 0],
    [5, true, -2],
  ])('holding %i of 3: full %s, free %i (a claim may overshoot)', (held, full, free) => {
    const capacity = capacityOf(3);
    capacity.take(held);
    expect(capacity.full).toBe(full);
    expect(capacity.free).toBe(free);
  });

  it('is no longer full once a delivery is given back', () => {
    const capacity = capacityOf(2);
    capacity.take(2);
    expect(capacity.full).toBe(true);
    capacity.give();
    expect(capacity.full).toBe(false);
    expect(capacity.free).toBe(1);
  });

  it('a waiter is woken by wakeWaiters, not by give', async () => {
    const capacity = capacityOf(1);
    capacity.take();
    const waiter = watch(capacity.nextRoom());
    capacity.give();
    await settle();
    expect(waiter.woken()).toBe(false);
    capacity.wakeWaiters();
    await settle();
    expect(waiter.woken()).toBe(true);
  });

  it('wakeWaiters wakes every waiter at once; a later waiter waits for the next wakeWaiters', async () => {
    const capacity = capacityOf(1);
    const first = watch(capacity.nextRoom());
    const second = watch(capacity.nextRoom());
    capacity.wakeWaiters();
    const later = watch(capacity.nextRoom());
    await settle();
    expect([first.woken(), second.woken(), later.woken()]).toEqual([true, true, false]);
    capacity.wakeWaiters();
    await settle();
    expect(later.woken()).toBe(true);
  });

  it('wakeWaiters with nobody waiting is harmless and wakes nobody later', async () => {
    const capacity = capacityOf(1);
    capacity.wakeWaiters();
    const waiter = watch(capacity.nextRoom());
    await settle();
    expect(waiter.woken()).toBe(false);
    expect(capacity.held).toBe(0);
  });

  it('any interleaving of take-when-free and give-of-what-was-taken stays within [0, bound] and ends at 0', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('take' as const), n: fc.integer({ min: 1, max: 8 }) }),
      fc.record({ kind: fc.constant('give' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(step, { maxLength: 60 }),
        (bound, steps) => {
          const capacity = capacityOf(bound);
          const taken: number[] = [];
          for (const s of steps) {
            if (s.kind === 'take') {
              if (s.n > capacity.free) continue; // callers check the room first
              capacity.take(s.n);
              taken.push(s.n);
            } else {
              if (taken.length === 0) continue;
              const [n] = taken.splice(s.pick % taken.length, 1);
              capacity.give(n);
            }
            const expected = taken.reduce((a, b) => a + b, 0);
            expect(capacity.held).toBe(expected);
            expect(capacity.held).toBeGreaterThanOrEqual(0);
            expect(capacity.held).toBeLessThanOrEqual(bound);
            expect(capacity.free).toBe(bound - expected);
            expect(capacity.full).toBe(expected >= bound);
          }
          for (const n of taken.splice(0)) capacity.give(n);
          expect(capacity.held).toBe(0);
          expect(capacity.free).toBe(bound);
          expect(capacity.full).toBe(false);
        },
      ),
    );
  });
});
