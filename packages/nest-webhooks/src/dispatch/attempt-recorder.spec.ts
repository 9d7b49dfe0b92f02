import type { ModuleRef } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import { DeliveryNotices } from './delivery-notices';
import { Logger } from '@nestjs/common';
import type { ClaimedDelivery } from '../queue/claimed-delivery';
import type {
  DeliveryQueue,
  RecordRow,
  SubscriptionOutcome,
} from '../queue/delivery-queue.repository';
import { type AttemptMade, type AttemptOutcome, cancelled } from './attempt-outcome';
import { AttemptRecorder } from './attempt-recorder';
import { deliveryMetrics } from './delivery-metrics';

/** A DeliveryQueue whose `record` is watched and answers as `answer` says. */
class FakeQueue {
  /** Every call, failed or not. */
  readonly calls: { rows: RecordRow[]; subscriptions: SubscriptionOutcome[] }[] = [];
  /** Rows of the calls that succeeded. */
  readonly written: RecordRow[] = [];
  inFlight = 0;
  mostInFlight = 0;
  answer: (rows: RecordRow[], call: number) => Promise<void> | void = () => undefined;

  async record(rows: RecordRow[], subscriptions: SubscriptionOutcome[]): Promise<void> {
    this.calls.push({ rows, subscriptions });
    this.inFlight++;
    this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
    try {
      await this.answer(rows, this.calls.length);
      this.written.push(...rows);
    } finally {
      this.inFlight--;
    }
  }

  writtenIds(): string[] {
    return this.written.map((r) => r.delivery_id);
  }
}

/** What pg raises when PostgreSQL refuses a statement. */
const refused = (code: string) =>
  Object.assign(new Error(`refused (${code})`), { severity: 'ERROR', code });

/** Lets every promise callback queued so far run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function gate(): { wait: Promise<void>; open: () => void; fail: (error: Error) => void } {
  let open!: () => void;
  let fail!: (error: Error) => void;
  const wait = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { wait, open, fail };
}

let serial = 0;

function delivery(overrides: Partial<ClaimedDelivery> = {}): ClaimedDelivery {
  const n = ++serial;
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    companyId: 'acme',
    eventId: `evt-${n}`,
    batchEventIds: null,
    batch: null,
    subscriptionId: 'sub-1',
    endpoint: null,
    eventType: 'contract.signed',
    attemptNumber: 2,
    event: { id: `evt-${n}`, type: 'contract.signed', timestamp: '', companyId: 'acme', data: {} },
    subscriptionVersion: null,
    leaseExpiresAt: 0,
    ...overrides,
  };
}

function attempted(overrides: Partial<AttemptMade> = {}): AttemptMade {
  return {
    kind: 'attempted',
    attemptId: `attempt-${++serial}`,
    delivery: delivery(),
    status: 'succeeded',
    statusCode: 200,
    durationMs: 12,
    error: null,
    responseBody: 'ok',
    requestHeaders: { 'content-type': 'application/json' },
    responseHeaders: { 'content-type': 'text/plain' },
    at: new Date('2026-11-23T12:00:00.000Z'),
    nextStatus: 'succeeded',
    nextAttemptAt: null,
    gone: false,
    ...overrides,
  };
}

const ids = (outcomes: readonly AttemptOutcome[]) => outcomes.map((o) => o.delivery.id);

describe('AttemptRecorder', () => {
  let queue: FakeQueue;
  let recorder: AttemptRecorder;
  let warn: jest.SpyInstance;
  let error: jest.SpyInstance;

  beforeEach(() => {
    queue = new FakeQueue();
    recorder = new AttemptRecorder(
      queue as unknown as DeliveryQueue,
      new DeliveryNotices(
        {
          transaction: () => Promise.reject(new Error('no notice expected')),
        } as unknown as DataSource,
        {
          get: () => ({ publish: () => Promise.reject(new Error('no notice expected')) }),
        } as unknown as ModuleRef,
      ),
    );
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(async () => {
    jest.useRealTimers();
    recorder.close();
    jest.restoreAllMocks();
    await settle();
  });

  it('gathers the outcomes added together and writes them in one batch once the gathering ends', async () => {
    jest.useFakeTimers();
    const outcomes = [attempted(), attempted(), attempted()];
    outcomes.forEach((o) => recorder.add(o));
    await Promise.resolve();
    expect(queue.calls).toHaveLength(0);
    jest.runOnlyPendingTimers();
    expect(queue.calls).toHaveLength(1);
    expect(queue.calls[0].rows.map((r) => r.delivery_id)).toEqual(ids(outcomes));
  });

  it('writes an attempt as its row, and per subscription whether any attempt was answered and the earliest', async () => {
    const early = new Date('2026-11-23T12:00:00.000Z');
    const late = new Date('2026-11-23T12:00:05.000Z');
    const failing = attempted({
      delivery: delivery({ subscriptionId: 'sub-1' }),
      status: 'failed',
      statusCode: 503,
      error: 'HTTP 503\0',
      responseBody: 'busy\0',
      at: late,
      nextStatus: 'pending',
      nextAttemptAt: new Date('2026-11-23T12:01:00.000Z'),
    });
    const answered = attempted({ delivery: delivery({ subscriptionId: 'sub-1' }), at: early });
    const down = attempted({
      delivery: delivery({ subscriptionId: 'sub-2' }),
      status: 'failed',
      statusCode: null,
      error: 'timeout',
      at: late,
      nextStatus: 'pending',
    });
    const direct = attempted({ delivery: delivery({ subscriptionId: null }), at: early });
    // sub-1: answered first, failed after; a summary that kept the last record would say false, late.
    [answered, failing, down, direct].forEach((o) => recorder.add(o));
    await recorder.flushAll();

    expect(queue.calls).toHaveLength(1);
    const [{ rows, subscriptions }] = queue.calls;
    expect(rows[1]).toEqual({
      attempt_id: failing.attemptId,
      delivery_id: failing.delivery.id,
      company_id: 'acme',
      event_id: failing.delivery.eventId,
      subscription_id: 'sub-1',
      event_type: 'contract.signed',
      attempt_number: 2,
      status: 'failed',
      status_code: 503,
      duration_ms: 12,
      error: 'HTTP 503', // no NUL: jsonb would refuse the whole batch
      response_body: 'busy',
      request_headers: { 'content-type': 'application/json' },
      response_headers: { 'content-type': 'text/plain' },
      at: late,
      next_status: 'pending',
      next_attempt_at: new Date('2026-11-23T12:01:00.000Z'),
    });
    expect(rows.map((r) => r.delivery_id)).toEqual(ids([answered, failing, down, direct]));
    expect(subscriptions).toEqual(
      expect.arrayContaining([
        { subscriptionId: 'sub-1', ok: true, at: early },
        { subscriptionId: 'sub-2', ok: false, at: late },
      ]),
    );
    expect(subscriptions).toHaveLength(2);
  });

  it('writes a cancelled delivery with no attempt, next status cancelled', async () => {
    const held = delivery();
    const outcome = cancelled(held);
    recorder.add(outcome);
    await recorder.flushAll();
    expect(queue.calls).toHaveLength(1);
    expect(queue.calls[0].rows).toEqual([
      {
        attempt_id: null,
        delivery_id: held.id,
        company_id: 'acme',
        event_id: held.eventId,
        subscription_id: 'sub-1',
        event_type: 'contract.signed',
        attempt_number: 2,
        status: 'failed',
        status_code: null,
        duration_ms: 0,
        error: 'subscription inactive',
        response_body: '',
        request_headers: {},
        response_headers: null,
        at: outcome.at,
        next_status: 'cancelled',
        next_attempt_at: null,
      },
    ]);
    // A cancellation says nothing of the endpoint.
    expect(queue.calls[0].subscriptions).toEqual([]);
  });

  it('writes more than 200 outcomes in several batches of at most 200, two writes at most at once', async () => {
    jest.useFakeTimers();
    const door = gate();
    queue.answer = () => door.wait;
    const outcomes = Array.from({ length: 450 }, () => attempted());
    outcomes.slice(0, 200).forEach((o) => recorder.add(o));
    // A full batch goes out at once, without waiting for the gathering.
    expect(queue.calls).toHaveLength(1);
    outcomes.slice(200).forEach((o) => recorder.add(o));
    jest.runOnlyPendingTimers();
    jest.useRealTimers();
    expect(queue.mostInFlight).toBe(2);
    door.open();
    await recorder.flushAll();
    expect(queue.calls.map((c) => c.rows.length)).toEqual([200, 200, 50]);
    expect(queue.writtenIds()).toEqual(ids(outcomes));
    expect(queue.mostInFlight).toBe(2);
  });

  it('retries a write that failed (connection lost): nothing is lost, a warning is logged', async () => {
    queue.answer = (_rows, call) => {
      if (call === 1) throw new Error('Connection terminated unexpectedly');
    };
    const outcomes = [attempted(), cancelled(delivery()), attempted()];
    outcomes.forEach((o) => recorder.add(o));
    await recorder.flushAll();
    expect(queue.calls).toHaveLength(2);
    expect(queue.writtenIds()).toEqual(ids(outcomes));
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(
      /Recording 3 attempts failed.*Connection terminated.*retrying/,
    );
  });

  it.each(['22P02', '22021', '23505', '23503'])(
    'a batch PostgreSQL refused (%s) is written one by one: the bad record is dropped, the others written',
    async (code) => {
      const bad = attempted();
      const outcomes = [attempted(), bad, cancelled(delivery()), attempted()];
      queue.answer = (rows) => {
        if (rows.some((r) => r.delivery_id === bad.delivery.id)) throw refused(code);
      };
      const droppedBefore = (await deliveryMetrics.recordsDropped.get()).values[0]?.value ?? 0;
      outcomes.forEach((o) => recorder.add(o));
      await recorder.flushAll();

      expect(queue.calls.map((c) => c.rows.length)).toEqual([4, 1, 1, 1, 1]);
      expect(queue.writtenIds()).toEqual(ids(outcomes.filter((o) => o !== bad)));
      expect(error).toHaveBeenCalledTimes(1);
      expect(String(error.mock.calls[0][0])).toContain(bad.delivery.id);
      const droppedAfter = (await deliveryMetrics.recordsDropped.get()).values[0]?.value ?? 0;
      expect(droppedAfter - droppedBefore).toBe(1);
    },
  );

  it('a failure that is not a refusal (a deadlock, 40P01) retries the whole batch instead', async () => {
    queue.answer = (_rows, call) => {
      if (call === 1) throw refused('40P01');
    };
    const outcomes = [attempted(), attempted()];
    outcomes.forEach((o) => recorder.add(o));
    await recorder.flushAll();
    expect(queue.calls.map((c) => c.rows.length)).toEqual([2, 2]);
    expect(queue.writtenIds()).toEqual(ids(outcomes));
    expect(error).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('a record of a refused batch failing alone for another reason is kept and written later', async () => {
    const bad = attempted();
    const unlucky = attempted();
    const outcomes = [attempted(), bad, unlucky];
    let unluckyTries = 0;
    queue.answer = (rows) => {
      if (rows.some((r) => r.delivery_id === bad.delivery.id)) throw refused('22P02');
      if (
        rows.length === 1 &&
        rows[0].delivery_id === unlucky.delivery.id &&
        ++unluckyTries === 1
      ) {
        throw new Error('Connection terminated unexpectedly');
      }
    };
    outcomes.forEach((o) => recorder.add(o));
    await recorder.flushAll();
    expect(queue.writtenIds().sort()).toEqual(ids([outcomes[0], unlucky]).sort());
    expect(unluckyTries).toBe(2);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toContain(unlucky.delivery.id);
  });

  it('flushAll resolves only once everything added has been written', async () => {
    const door = gate();
    queue.answer = () => door.wait;
    const outcomes = Array.from({ length: 450 }, () => attempted());
    outcomes.forEach((o) => recorder.add(o));
    let flushed = false;
    const flushing = recorder.flushAll().then(() => (flushed = true));
    await settle();
    await settle();
    expect(flushed).toBe(false);
    expect(queue.written).toHaveLength(0);
    door.open();
    await flushing;
    expect(queue.writtenIds()).toEqual(ids(outcomes));
  });

  it('flushAll with nothing to write resolves at once', async () => {
    await recorder.flushAll();
    expect(queue.calls).toHaveLength(0);
  });

  it('after close() nothing is written: neither what was buffered nor what is added later', async () => {
    jest.useFakeTimers();
    recorder.add(attempted());
    recorder.add(attempted());
    recorder.close();
    recorder.add(attempted());
    jest.runOnlyPendingTimers();
    jest.useRealTimers();
    await recorder.flushAll();
    expect(queue.calls).toHaveLength(0);
  });

  it('a write failing after close() is not retried', async () => {
    const door = gate();
    queue.answer = () => door.wait;
    recorder.add(attempted());
    const flushing = recorder.flushAll();
    expect(queue.calls).toHaveLength(1);
    recorder.close();
    door.fail(new Error('Connection terminated unexpectedly'));
    await flushing;
    await settle();
    expect(queue.calls).toHaveLength(1);
    expect(warn).not.toHaveBeenCalled();
  });

  it('a refused batch being written one by one writes nothing more after close()', async () => {
    const bad = attempted();
    const outcomes = [bad, attempted(), attempted(), attempted()];
    const door = gate();
    queue.answer = (rows) => {
      if (rows.some((r) => r.delivery_id === bad.delivery.id)) throw refused('22P02');
      return door.wait;
    };
    outcomes.forEach((o) => recorder.add(o));
    const flushing = recorder.flushAll();
    // The batch, the bad record alone, then the first good one alone, held in flight.
    for (let i = 0; i < 100 && queue.calls.length < 3; i++) await settle();
    expect(queue.calls.map((c) => c.rows.map((r) => r.delivery_id))).toEqual([
      ids(outcomes),
      ids([bad]),
      ids([outcomes[1]]),
    ]);
    recorder.close(); // shutdown: the deliveries were given back
    door.open();
    await flushing;
    await settle();
    // The write in flight at close() ends; the records after it are not written.
    expect(queue.calls).toHaveLength(3);
    expect(queue.writtenIds()).toEqual(ids([outcomes[1]]));
  });

  it('onRecorded listeners get each batch once written, in order, and never a refused record', async () => {
    const first: string[][] = [];
    const second: string[][] = [];
    recorder.onRecorded(async (records) => {
      first.push(ids(records));
    });
    let calledBeforeWritten = false;
    recorder.onRecorded(async (records) => {
      const written = new Set(queue.writtenIds());
      if (!records.every((r) => written.has(r.delivery.id))) calledBeforeWritten = true;
      second.push(ids(records));
    });
    const bad = attempted();
    const outcomes = Array.from({ length: 250 }, () => attempted());
    outcomes.forEach((o) => recorder.add(o));
    await recorder.flushAll();
    expect(first).toEqual([ids(outcomes.slice(0, 200)), ids(outcomes.slice(200))]);
    expect(second).toEqual(first);

    queue.answer = (rows) => {
      if (rows.some((r) => r.delivery_id === bad.delivery.id)) throw refused('23505');
    };
    const good = attempted();
    recorder.add(bad);
    recorder.add(good);
    await recorder.flushAll();
    expect(first.slice(2)).toEqual([[good.delivery.id]]);
    expect(second).toEqual(first);
    expect(calledBeforeWritten).toBe(false);
  });
});
