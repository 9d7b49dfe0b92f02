import fc from 'fast-check';
import type { ClaimedDelivery } from '../queue/claimed-delivery';
import type { DeliveryTarget } from './delivery-targets';
import {
  laneLoad,
  leaseSlackMs,
  nextStep,
  placement,
  type QueuedDelivery,
  type SubscriptionLane,
  SubscriptionLanes,
  spilledOrPromised,
} from './subscription-lanes';

let nextId = 0;

function queued(leaseExpiresAt = 0, requestTimeoutMs = 10_000): QueuedDelivery {
  const id = `delivery-${++nextId}`;
  return {
    delivery: { id, subscriptionId: 'sub', leaseExpiresAt } as unknown as ClaimedDelivery,
    target: { subscriptionId: 'sub', requestTimeoutMs } as unknown as DeliveryTarget,
  };
}

const many = (n: number) => Array.from({ length: n }, () => queued());

/** A lane with `running` requests, `queued` and `spilled` deliveries and `reserved` spill room. */
function lane(
  shape: { running?: number; queued?: number; spilled?: number; reserved?: number } = {},
): SubscriptionLane {
  return {
    id: 'sub',
    running: shape.running ?? 0,
    queue: many(shape.queued ?? 0),
    spill: many(shape.spilled ?? 0),
    spillReserved: shape.reserved ?? 0,
    spillBytesEach: 0,
    spillingSince: null,
    slackMs: 0,
  };
}

describe('laneLoad and spilledOrPromised', () => {
  it.each([
    [{}, 0, 0],
    [{ running: 2 }, 2, 0],
    [{ queued: 3 }, 3, 0],
    [{ spilled: 4 }, 4, 4],
    [{ reserved: 5 }, 0, 5],
    [{ running: 1, queued: 2, spilled: 3, reserved: 4 }, 6, 7],
  ])(
    '%j: load %i (sending, queued, spilled), spill waiting %i (spilled and promised)',
    (shape, load, waiting) => {
      expect(laneLoad(lane(shape))).toBe(load);
      expect(spilledOrPromised(lane(shape))).toBe(waiting);
    },
  );
});

describe('placement', () => {
  const BOUND = 3;
  it.each([
    ['an empty lane, from a claim', {}, false, false, 'queue'],
    ['an empty lane, handed off', {}, false, true, 'queue'],
    ['an empty lane, written on spill room', {}, true, true, 'spill'],
    ['one below the bound, handed off', { running: 1, queued: 1 }, false, true, 'queue'],
    ['at the bound (running), handed off', { running: 3 }, false, true, 'spill'],
    [
      'at the bound (running and queued), handed off',
      { running: 2, queued: 1 },
      false,
      true,
      'spill',
    ],
    ['at the bound, from a claim', { running: 3 }, false, false, 'queue'],
    ['over the bound, from a claim', { running: 3, queued: 2 }, false, false, 'queue'],
    ['below the bound but spilling, handed off', { spilled: 1 }, false, true, 'spill'],
    ['below the bound but spilling, from a claim', { spilled: 1 }, false, false, 'queue'],
    ['promised spill only, handed off', { reserved: 2 }, false, true, 'queue'],
    ['below the bound, written on spill room', { running: 1 }, true, true, 'spill'],
  ] as const)('%s: %s', (_name, shape, onSpillRoom, handedOff, expected) => {
    expect(placement(lane(shape), { onSpillRoom, handedOff }, BOUND)).toBe(expected);
  });
});

describe('nextStep', () => {
  const BOUND = 2;
  it.each([
    ['nothing waits', {}, false, 'none'],
    ['at the bound with a queue', { running: 2, queued: 3 }, false, 'none'],
    ['over the bound with a spill', { running: 3, spilled: 1 }, false, 'none'],
    ['room and a queue', { running: 1, queued: 1 }, false, 'queued'],
    [
      'room and a queue, capacity full (queued ones are counted already)',
      { queued: 1 },
      true,
      'queued',
    ],
    ['room, a queue and a spill: the queue first', { queued: 1, spilled: 1 }, false, 'queued'],
    ['room and a spill', { running: 1, spilled: 2 }, false, 'spilled'],
    ['room and a spill, capacity full', { spilled: 2 }, true, 'wait-capacity'],
    ['room, promised spill only', { reserved: 3 }, false, 'none'],
  ] as const)('%s', (_name, shape, capacityFull, expected) => {
    expect(nextStep(lane(shape), BOUND, capacityFull)).toBe(expected);
  });
});

describe('leaseSlackMs', () => {
  it.each([
    // lease ends at, request timeout, now, slack: lease - now - timeout - 1 s
    [100_000, 10_000, 50_000, 39_000],
    [100_000, 10_000, 89_000, 0],
    [100_000, 10_000, 90_000, -1_000],
    [100_000, 30_000, 0, 69_000],
  ])('lease to %i, timeout %i, at %i: %i ms', (leaseExpiresAt, timeout, now, slack) => {
    expect(leaseSlackMs(queued(leaseExpiresAt, timeout), now)).toBe(slack);
  });
});

describe('SubscriptionLanes', () => {
  it('laneOf creates an empty lane once, then returns the same lane', () => {
    const lanes = new SubscriptionLanes();
    expect(lanes.get('a')).toBeUndefined();
    const a = lanes.laneOf('a');
    expect(a).toEqual({
      id: 'a',
      running: 0,
      queue: [],
      spill: [],
      spillReserved: 0,
      spillBytesEach: 0,
      spillingSince: null,
      slackMs: 0,
    });
    a.running = 2;
    expect(lanes.laneOf('a')).toBe(a);
    expect(lanes.get('a')).toBe(a);
    expect(lanes.laneOf('b')).not.toBe(a);
    expect([...lanes.all()].map((l) => l.id)).toEqual(['a', 'b']);
  });

  it.each([
    ['running', { running: 1 }],
    ['queued', { queued: 1 }],
    ['spilled', { spilled: 1 }],
    ['promised spill', { reserved: 1 }],
  ] as const)('dropIfIdle keeps a lane with something %s', (_name, shape) => {
    const lanes = new SubscriptionLanes();
    const l = Object.assign(lanes.laneOf('sub'), lane(shape));
    lanes.dropIfIdle(l);
    expect(lanes.get('sub')).toBe(l);
  });

  it('dropIfIdle forgets an idle lane, also among those waiting for capacity', () => {
    const lanes = new SubscriptionLanes();
    const l = lanes.laneOf('sub');
    lanes.waitingForCapacity.add(l);
    lanes.dropIfIdle(l);
    expect(lanes.get('sub')).toBeUndefined();
    expect(lanes.waitingForCapacity.has(l)).toBe(false);
    expect([...lanes.all()]).toEqual([]);
    expect(lanes.laneOf('sub')).not.toBe(l);
  });

  it('saturated lists the lanes whose sending, queued and spilled deliveries reach the bound', () => {
    const lanes = new SubscriptionLanes();
    const fill = (id: string, shape: Parameters<typeof lane>[0]) =>
      Object.assign(lanes.laneOf(id), lane(shape), { id });
    fill('running', { running: 3 });
    fill('mixed', { running: 1, queued: 1, spilled: 1 });
    fill('over', { queued: 5 });
    fill('below', { running: 2 });
    fill('promised', { running: 2, reserved: 4 });
    lanes.laneOf('empty');
    expect(lanes.saturated(3).sort()).toEqual(['mixed', 'over', 'running']);
    expect(lanes.saturated(1).sort()).toEqual(['below', 'mixed', 'over', 'promised', 'running']);
  });
});

describe('a lane pumped with nextStep', () => {
  type Event = { kind: 'claimed' } | { kind: 'handed-off' } | { kind: 'finish'; pick: number };
  const event: fc.Arbitrary<Event> = fc.oneof(
    fc.constant<Event>({ kind: 'claimed' }),
    fc.constant<Event>({ kind: 'handed-off' }),
    fc.nat().map<Event>((pick) => ({ kind: 'finish', pick })),
  );

  it('never runs more than the bound nor holds more than the capacity, and ends empty', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 8 }),
        fc.array(event, { maxLength: 80 }),
        (bound, capacity, events) => {
          const l = lane();
          let held = 0; // the dispatch capacity's count: running and queued
          const check = () => {
            expect(l.running).toBeLessThanOrEqual(bound);
            expect(held).toBeLessThanOrEqual(capacity);
            expect(held).toBe(l.running + l.queue.length);
          };
          const pump = () => {
            for (;;) {
              const step = nextStep(l, bound, held >= capacity);
              if (step === 'none' || step === 'wait-capacity') break;
              if (step === 'queued') {
                l.queue.shift();
              } else {
                l.spill.shift();
                held++; // a spilled delivery takes capacity as it comes out
              }
              l.running++;
              check();
            }
          };
          for (const e of events) {
            if (e.kind === 'claimed') {
              if (held >= capacity) continue; // the claim loop waits for room
              held++;
              if (placement(l, { onSpillRoom: false, handedOff: false }, bound) === 'spill') {
                throw new Error('a claimed delivery went to the spill');
              }
              l.queue.push(queued());
            } else if (e.kind === 'handed-off') {
              // Handed off on spill room: waits outside the capacity until it comes out.
              expect(placement(l, { onSpillRoom: true, handedOff: true }, bound)).toBe('spill');
              l.spill.push(queued());
            } else {
              if (l.running === 0) continue;
              l.running--;
              held--;
            }
            pump();
            check();
          }
          // Every request finishes in the end; what waits goes out as room comes.
          while (l.running > 0) {
            l.running--;
            held--;
            pump();
            check();
          }
          expect(l.queue).toHaveLength(0);
          expect(l.spill).toHaveLength(0);
          expect(held).toBe(0);
        },
      ),
    );
  });
});
