import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { WebhookPublisher } from '../../packages/nest-webhooks/src/events/webhook-publisher.service';
import { eventually } from '../support/receiver';
import { contractSigned, deliveryFixture } from '../support/delivery-harness';
import { HR, MANAGE, QUIET_MS, UUID } from '../support/constants';
import { sleep } from '../support/time';

interface BatchEvent {
  type: string;
  data: unknown;
  idempotencyKey?: string;
}

/** A valid `contract.signed` event with fresh data, keyed when `idempotencyKey` is given. */
const signed = (idempotencyKey?: string): BatchEvent => ({
  type: 'contract.signed',
  data: contractSigned(),
  ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
});
const newKey = (name: string) => `${name}-${randomUUID()}`;

describe('POST /api/events/batch', () => {
  const f = deliveryFixture();
  const { helpers } = f;
  const auth = helpers.auth;
  const subscribe = (companyId: string, path: string, extra: Record<string, unknown> = {}) =>
    helpers.subscribe(companyId, path, { events: ['contract.signed'], ...extra });

  const post = (companyId: string, body: object, permissions?: string[]) =>
    request(f.server).post('/api/events/batch').set(auth(companyId, permissions)).send(body);
  const idsOf = (res: { body: unknown }) => (res.body as { ids: string[] }).ids;
  const idOf = (res: { body: unknown }) => (res.body as { id: string }).id;
  const messagesOf = (res: { body: unknown }) => (res.body as { message: string[] }).message;

  const rowCount = async (table: 'webhook_events' | 'webhook_deliveries', companyId: string) => {
    const [{ count }] = await f.t.dataSource.query<[{ count: number }]>(
      `SELECT count(*)::int AS count FROM ${table} WHERE company_id = $1`,
      [companyId],
    );
    return count;
  };
  const eventCount = (companyId: string) => rowCount('webhook_events', companyId);
  const expectNothingStored = async (companyId: string) => {
    expect(await eventCount(companyId)).toBe(0);
    expect(await rowCount('webhook_deliveries', companyId)).toBe(0);
  };

  it('202 {ids} in request order; each event delivered with its id as webhook-id', async () => {
    const companyId = 'batch-order';
    await subscribe(companyId, '/batch/order');
    const events = [signed(), signed(), signed()];
    const ids = idsOf(await post(companyId, { events }).expect(202));
    expect(ids).toHaveLength(3);
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(3);
    expect(await eventCount(companyId)).toBe(3);

    const requests = await f.receiver.waitFor(3, '/batch/order', 15_000);
    await sleep(QUIET_MS);
    expect(f.receiver.on('/batch/order')).toHaveLength(3);
    const received = new Map(
      requests.map((r) => [
        r.headers['webhook-id'],
        (JSON.parse(r.text) as { data: unknown }).data,
      ]),
    );
    expect(received).toEqual(new Map(ids.map((id, i) => [id, events[i].data])));
  });

  it('one bad event refuses the batch: 400 naming each bad index and field; nothing stored or sent', async () => {
    const companyId = 'batch-bad';
    await subscribe(companyId, '/batch/bad');
    const events = [
      signed(),
      { type: 'contract.signed', data: { ...contractSigned(), contractType: 'FREELANCE' } },
      signed(),
      { type: 'contract.exploded', data: contractSigned() },
    ];
    const res = await post(companyId, { events }).expect(400);
    const messages = messagesOf(res);
    expect(messages).toContainEqual(expect.stringMatching(/^events\.1\.data does not match/));
    expect(messages).toContain('events.3.type "contract.exploded" is not in the event catalog');
    expect(messages.filter((m) => /^events\.[02]\b/.test(m))).toEqual([]);
    await expectNothingStored(companyId);
    await sleep(QUIET_MS);
    expect(f.receiver.on('/batch/bad')).toHaveLength(0);
  });

  it('names every bad event, whatever is wrong with it (its shape or its type and data)', async () => {
    const companyId = 'batch-every-bad';
    const badData = { type: 'contract.signed', data: { ...contractSigned(), contractType: 'X' } };
    const unknownType = { type: 'contract.exploded', data: contractSigned() };
    const cases: [string, unknown[], string[]][] = [
      [
        'a type that is not a string beside an unknown type',
        [signed(), { type: 5, data: contractSigned() }, signed(), unknownType],
        ['events.1.type', 'events.3.type'],
      ],
      [
        'an empty key beside bad data',
        [{ ...signed(), idempotencyKey: '' }, badData],
        ['events.0.idempotencyKey', 'events.1.data'],
      ],
      [
        'events that are not objects',
        [signed(), 'not an event', null, [], 5],
        ['events.1', 'events.2', 'events.3', 'events.4'],
      ],
    ];
    const unnamed: string[] = [];
    for (const [name, events, fields] of cases) {
      const messages = messagesOf(await post(companyId, { events }).expect(400));
      const missing = fields.filter(
        (field) => !messages.some((m) => new RegExp(`^${field.replace(/\./g, '\\.')}\\b`).test(m)),
      );
      if (missing.length) {
        unnamed.push(`${name}: ${missing.join(', ')} not in ${JSON.stringify(messages)}`);
      }
    }
    expect(unnamed).toEqual([]);
    // A value of the wrong kind is told only that, as the single-event routes do.
    const wrongKind = messagesOf(
      await post(companyId, { events: [signed(), { type: 5, data: contractSigned() }] }).expect(
        400,
      ),
    );
    expect(wrongKind).toEqual(['events.1.type must be a string']);
    await expectNothingStored(companyId);
  });

  it('refuses bodies outside the limits with 400, nothing stored', async () => {
    const companyId = 'batch-limits';
    const refused = async (body: object, expected: RegExp | string) => {
      const messages = messagesOf(await post(companyId, body).expect(400));
      if (typeof expected === 'string') expect(messages).toContain(expected);
      else expect(messages.some((m) => expected.test(m))).toBe(true);
    };
    await refused({ events: [] }, 'events must contain at least 1 elements');
    const tooMany = Array.from({ length: 501 }, () => signed());
    await refused({ events: tooMany }, 'events must contain no more than 500 elements');
    await refused({}, /^events\b/);
    await refused({ events: [signed(), 'not an event'] }, /\bevents\b/);
    await refused({ events: [{ ...signed(), extra: 1 }] }, /^events\.0\.property extra\b/);
    await refused({ events: [signed('k'.repeat(256))] }, /^events\.0\.idempotencyKey\b/);
    await refused({ events: { 0: signed() } }, /^events\b/);
    await expectNothingStored(companyId);
  });

  it('a body over 5 MiB: 413 before validation, nothing stored', async () => {
    const companyId = 'batch-too-large';
    const padding = 'x'.repeat(600_000);
    const events = Array.from({ length: 10 }, () => ({
      type: 'contract.signed',
      data: { ...contractSigned(), padding },
    }));
    const res = await post(companyId, { events }).expect(413);
    expect(messagesOf(res)).toEqual(['body must be at most 5 MiB']);
    await expectNothingStored(companyId);
  });

  /** A valid candidate.created whose first name makes it as large as needed. */
  const candidateCreated = (i: number, firstName: string) => ({
    candidateId: randomUUID(),
    firstName,
    lastName: `Candidate ${i}`,
    email: `c${i}@example.com`,
    status: 'new',
    createdAt: new Date().toISOString(),
  });

  it('an operational type (webhook.*) anywhere: 400 naming its index, nothing stored', async () => {
    const companyId = 'batch-operational';
    const res = await post(companyId, {
      events: [
        { type: 'contract.signed', data: contractSigned() },
        { type: 'webhook.endpoint.disabled', data: {} },
      ],
    }).expect(400);
    expect(res.body).toMatchObject({ field: 'events.1.type' });
    expect(messagesOf(res)).toEqual([
      'events.1.type "webhook.endpoint.disabled" is an operational event type: the module publishes webhook.* events itself',
    ]);
    expect(await eventCount(companyId)).toBe(0);
  });

  it('has its own limit: 500 events in ~300 KB are accepted (the single route keeps 256 KiB)', async () => {
    const companyId = 'batch-500';
    const events = Array.from({ length: 500 }, (_, i) => ({
      type: 'candidate.created',
      data: candidateCreated(i, 'x'.repeat(520)),
    }));
    const body = { events };
    expect(Buffer.byteLength(JSON.stringify(body))).toBeGreaterThan(280 * 1024);
    const ids = idsOf(await post(companyId, body).expect(202));
    expect(ids).toHaveLength(500);
    expect(new Set(ids).size).toBe(500);
    expect(await eventCount(companyId)).toBe(500);

    const single = await request(f.server)
      .post('/api/events')
      .set(auth(companyId))
      .send({ type: 'candidate.created', data: candidateCreated(0, 'x'.repeat(280_000)) })
      .expect(413);
    expect(messagesOf(single)).toEqual(['body must be at most 256 KiB']);
    expect(await eventCount(companyId)).toBe(500);
  });

  it('a key twice in one batch: 400 naming the second index, nothing stored', async () => {
    const companyId = 'batch-dup-key';
    const key = newKey('dup');
    const res = await post(companyId, {
      events: [signed('other'), signed(key), signed(), signed(key)],
    }).expect(400);
    expect(messagesOf(res)).toEqual([
      `events.3.idempotencyKey "${key}" already appears at events.1: a key may appear once per batch`,
    ]);
    // The same event twice (same key, same body) is refused as well.
    const twice = signed(key);
    const again = await post(companyId, { events: [twice, twice] }).expect(400);
    expect(messagesOf(again).some((m) => m.startsWith('events.1.idempotencyKey'))).toBe(true);
    await expectNothingStored(companyId);
  });

  it('replayed keys answer their earlier ids and create nothing; unkeyed events are always new', async () => {
    const companyId = 'batch-replay';
    await subscribe(companyId, '/batch/replay');
    const [k1, k2, k3] = [newKey('k1'), newKey('k2'), newKey('k3')];
    const first = [signed(k1), signed(), signed(k2)];
    const firstIds = idsOf(await post(companyId, { events: first }).expect(202));
    expect(await eventCount(companyId)).toBe(3);

    const secondIds = idsOf(
      await post(companyId, { events: [first[0], signed(k3), first[2]] }).expect(202),
    );
    expect(secondIds[0]).toBe(firstIds[0]);
    expect(secondIds[2]).toBe(firstIds[2]);
    expect(firstIds).not.toContain(secondIds[1]);
    expect(await eventCount(companyId)).toBe(4);

    // The whole first batch again: its keyed events are replays, its unkeyed one is a new event.
    const replayIds = idsOf(await post(companyId, { events: first }).expect(202));
    expect(replayIds[0]).toBe(firstIds[0]);
    expect(replayIds[2]).toBe(firstIds[2]);
    expect([...firstIds, ...secondIds]).not.toContain(replayIds[1]);
    expect(await eventCount(companyId)).toBe(5);

    // Replays fan out nothing: one delivery, one request per stored event.
    const stored = [...new Set([...firstIds, ...secondIds, ...replayIds])];
    expect(stored).toHaveLength(5);
    expect(await rowCount('webhook_deliveries', companyId)).toBe(5);
    const requests = await f.receiver.waitFor(5, '/batch/replay', 15_000);
    await sleep(QUIET_MS);
    expect(f.receiver.on('/batch/replay')).toHaveLength(5);
    expect(requests.map((r) => r.headers['webhook-id']).sort()).toEqual(stored.sort());
  });

  it('a key reused with another body: 422 naming the event; nothing of the batch stored', async () => {
    const companyId = 'batch-reused';
    await subscribe(companyId, '/batch/reused');
    const key = newKey('used');
    const [earlierId] = idsOf(await post(companyId, { events: [signed(key)] }).expect(202));

    const fresh = [signed(newKey('fresh-a')), signed(newKey('fresh-b'))];
    const res = await post(companyId, { events: [...fresh, signed(), signed(key)] }).expect(422);
    expect(res.body).toMatchObject({
      statusCode: 422,
      code: 'IDEMPOTENCY_KEY_REUSED',
      field: 'events.3.idempotencyKey',
    });
    expect(messagesOf(res).join()).toContain('events.3.idempotencyKey');
    expect(await eventCount(companyId)).toBe(1);
    expect(await rowCount('webhook_deliveries', companyId)).toBe(1);

    // The fresh keys were not taken: the same events now are new events.
    const ids = idsOf(await post(companyId, { events: fresh }).expect(202));
    expect(new Set([earlierId, ...ids]).size).toBe(3);
    expect(await eventCount(companyId)).toBe(3);
    await f.receiver.waitFor(3, '/batch/reused', 15_000);
    await sleep(QUIET_MS);
    expect(f.receiver.on('/batch/reused')).toHaveLength(3);
  });

  it('keys are shared with the Idempotency-Key header of POST /api/events, both ways', async () => {
    const companyId = 'batch-header';
    const single = (key: string, event: BatchEvent) =>
      request(f.server)
        .post('/api/events')
        .set(auth(companyId))
        .set('Idempotency-Key', key)
        .send({ type: event.type, data: event.data });
    const [k1, k2] = [newKey('header'), newKey('batch')];
    const byHeader = signed(k1);
    const headerId = idOf(await single(k1, byHeader).expect(202));
    const byBatch = signed(k2);
    const ids = idsOf(await post(companyId, { events: [byHeader, byBatch] }).expect(202));
    expect(ids[0]).toBe(headerId);
    expect(ids[1]).not.toBe(headerId);
    expect(await eventCount(companyId)).toBe(2);

    expect(idOf(await single(k2, byBatch).expect(202))).toBe(ids[1]);
    expect(await eventCount(companyId)).toBe(2);
    // And another body under either key is refused by either route.
    await single(k2, signed()).expect(422);
    await post(companyId, { events: [{ ...signed(), idempotencyKey: k1 }] }).expect(422);
    expect(await eventCount(companyId)).toBe(2);
  });

  it("another company's keys are not seen: the same key and body is a new event", async () => {
    const key = newKey('shared');
    const event = signed(key);
    const [a] = idsOf(await post('batch-company-a', { events: [event] }).expect(202));
    const [b] = idsOf(await post('batch-company-b', { events: [event] }).expect(202));
    expect(b).not.toBe(a);
    expect(await eventCount('batch-company-a')).toBe(1);
    expect(await eventCount('batch-company-b')).toBe(1);
  });

  it('a key older than 24 h is free again: a new event, which holds the key from then on', async () => {
    const companyId = 'batch-old-key';
    const event = signed(newKey('old'));
    const [first] = idsOf(await post(companyId, { events: [event] }).expect(202));
    await f.t.dataSource.query(
      `UPDATE webhook_events SET created_at = now() - interval '25 hours' WHERE id = $1`,
      [first],
    );
    const [again] = idsOf(await post(companyId, { events: [event] }).expect(202));
    expect(again).not.toBe(first);
    expect(await eventCount(companyId)).toBe(2);
    const [replay] = idsOf(await post(companyId, { events: [event] }).expect(202));
    expect(replay).toBe(again);
    expect(await eventCount(companyId)).toBe(2);
  });

  it('concurrent identical keyed batches: all 202 with the same ids, one event per key', async () => {
    const companyId = 'batch-race';
    const events = Array.from({ length: 5 }, (_, i) => signed(newKey(`race-${i}`)));
    const answers = await Promise.all(Array.from({ length: 4 }, () => post(companyId, { events })));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202]);
    const ids = idsOf(answers[0]);
    expect(new Set(ids).size).toBe(5);
    for (const answer of answers) expect(idsOf(answer)).toEqual(ids);
    expect(await eventCount(companyId)).toBe(5);
  });

  it('two concurrent batches with the same keys in opposite orders: both 202, one event per key', async () => {
    const companyId = 'batch-race-opposite';
    const events = Array.from({ length: 5 }, (_, i) => signed(newKey(`opposite-${i}`)));
    // The middle key held by an open transaction: each batch waits on it with its first two keys
    // taken (k0 k1 and k4 k3). Once it is let go, they wait on each other: a deadlock, which
    // PostgreSQL breaks by failing one of them (the implementation tries that batch again).
    const blocker = f.t.dataSource.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    await blocker.query(
      `INSERT INTO webhook_events (id, company_id, type, data, idempotency_key)
       VALUES (gen_random_uuid(), $1, 'contract.signed', '{}', $2)`,
      [companyId, events[2].idempotencyKey],
    );
    const both = Promise.all([
      post(companyId, { events }),
      post(companyId, { events: [...events].reverse() }),
    ]);
    try {
      await eventually(async () => {
        const [{ waiting }] = await f.t.dataSource.query<[{ waiting: number }]>(
          `SELECT count(*)::int AS waiting FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        return waiting >= 2;
      }, 20_000);
    } finally {
      await blocker.rollbackTransaction();
      await blocker.release();
    }
    const [forward, backward] = await both;
    expect([forward.status, backward.status]).toEqual([202, 202]);
    expect(new Set(idsOf(forward)).size).toBe(5);
    expect([...idsOf(backward)].reverse()).toEqual(idsOf(forward));
    expect(await eventCount(companyId)).toBe(5);
  });

  it('a batch subscription gets one request with its events in order; the others one per event', async () => {
    const companyId = 'batch-subscription';
    await subscribe(companyId, '/batch/many', { batch: true });
    await subscribe(companyId, '/batch/each');
    const training = {
      type: 'training.completed',
      data: { employeeId: randomUUID(), trainingId: randomUUID(), cpfHours: 7 },
    };
    const events = [signed(), training, signed(), signed()];
    const ids = idsOf(await post(companyId, { events }).expect(202));
    const matching = [0, 2, 3];

    const [batchReq] = await f.receiver.waitFor(1, '/batch/many', 15_000);
    const each = await f.receiver.waitFor(3, '/batch/each', 15_000);
    await sleep(QUIET_MS);
    expect(f.receiver.on('/batch/many')).toHaveLength(1);
    expect(f.receiver.on('/batch/each')).toHaveLength(3);

    const batch = JSON.parse(batchReq.text) as { id: string; event: string; data: unknown }[];
    expect(Array.isArray(batch)).toBe(true);
    expect(batch.map(({ id, event, data }) => ({ id, event, data }))).toEqual(
      matching.map((i) => ({ id: ids[i], event: 'contract.signed', data: events[i].data })),
    );
    expect(each.map((r) => r.headers['webhook-id']).sort()).toEqual(
      matching.map((i) => ids[i]).sort(),
    );
    for (const req of each) {
      const body = JSON.parse(req.text) as { id: string; data: unknown };
      expect(body.data).toEqual(events[ids.indexOf(body.id)].data);
    }
  });

  it('without system.events.publish: 403; without a token: 401; nothing stored', async () => {
    const companyId = 'batch-forbidden';
    await post(companyId, { events: [signed()] }, [MANAGE, HR]).expect(403);
    await request(f.server)
      .post('/api/events/batch')
      .send({ events: [signed()] })
      .expect(401);
    await expectNothingStored(companyId);
  });

  it("publishBatch in the caller's transaction: nothing if it rolls back, every event once it commits", async () => {
    const companyId = 'batch-in-transaction';
    await subscribe(companyId, '/batch/transaction');
    const publisher = f.t.app.get(WebhookPublisher);
    const events = [signed(newKey('tx')), signed()];
    await expect(
      f.t.dataSource.transaction(async (manager) => {
        await publisher.publishBatch(events, { companyId, manager });
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await eventCount(companyId)).toBe(0);
    // The same key again after the rollback: it was never taken.
    const ids = await f.t.dataSource.transaction(async (manager) =>
      (await publisher.publishBatch(events, { companyId, manager })).map((e) => e.id),
    );
    const arrived = await f.receiver.waitFor(2, '/batch/transaction', 10_000);
    expect(new Set(arrived.map((r) => r.headers['webhook-id']))).toEqual(new Set(ids));
    expect(await eventCount(companyId)).toBe(2);
  });

  it('is documented: /docs-json lists POST /api/events/batch with a 202 answer', async () => {
    const docs = await request(f.server).get('/docs-json').expect(200);
    const paths = (docs.body as { paths: Record<string, Record<string, unknown>> }).paths;
    const operation = paths['/api/events/batch']?.post as
      { responses: Record<string, unknown> } | undefined;
    expect(operation).toBeDefined();
    expect(operation!.responses['202']).toBeDefined();
  });
});
