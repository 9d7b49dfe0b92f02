import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter2 } from '@nestjs/event-emitter';
import request from 'supertest';
import type { App } from 'supertest/types';
import { Webhook } from 'standardwebhooks';
import {
  WebhookEventPayload,
  EventEmitterBridge,
} from '../../packages/nest-webhooks/src/events/event-emitter.bridge';
import { deliveryMetrics } from '../../packages/nest-webhooks/src/dispatch/delivery-metrics';
import { DispatchCapacity } from '../../packages/nest-webhooks/src/dispatch/dispatch-capacity';
import { DeliveryQueue } from '../../packages/nest-webhooks/src/queue/delivery-queue.repository';
import { WebhookPublisher } from '../../packages/nest-webhooks/src/events/webhook-publisher.service';
import { createTestApp, type TestApp } from '../support/test-app';
import { eventually, TestReceiver } from '../support/receiver';
import { contractSigned, deliveryHelpers, flatHeaders } from '../support/delivery-harness';
import { DELIVERY_ENV, HR, MANAGE, PUBLISH, QUIET_MS } from '../support/constants';
import { sleep } from '../support/time';

describe('publishing events', () => {
  let t: TestApp;
  let receiver: TestReceiver;
  let server: App;
  let publisher: WebhookPublisher;
  const helpers = deliveryHelpers(
    () => t,
    () => receiver,
    [PUBLISH, MANAGE],
  );
  const auth = helpers.auth;
  const subscribe = (companyId: string, path: string, events = ['contract.signed']) =>
    helpers.subscribe<{ id: string; secret: string }>(companyId, path, { events });

  const eventCount = async (companyId: string, where = 'TRUE', params: unknown[] = []) => {
    const [{ count }] = await t.dataSource.query<[{ count: number }]>(
      `SELECT count(*)::int AS count FROM webhook_events WHERE company_id = $1 AND ${where}`,
      [companyId, ...params],
    );
    return count;
  };

  beforeAll(async () => {
    t = await createTestApp(DELIVERY_ENV);
    receiver = await TestReceiver.start();
    server = t.app.getHttpServer() as App;
    publisher = t.app.get(WebhookPublisher);
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  describe('POST /api/events', () => {
    it('accepts a catalog event: 202 {id}, delivered with that webhook-id', async () => {
      const companyId = 'pub-accept';
      await subscribe(companyId, '/pub/accept');
      const data = contractSigned();
      const res = await request(server)
        .post('/api/events')
        .set(auth(companyId))
        .send({ type: 'contract.signed', data })
        .expect(202);
      const { id } = res.body as { id: string };
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      const [req] = await receiver.waitFor(1, '/pub/accept', 10_000);
      expect(req.headers['webhook-id']).toBe(id);
      expect((JSON.parse(req.text) as { data: unknown }).data).toEqual(data);
    });

    it('an operational type (webhook.*): 400 naming type, nothing stored', async () => {
      const companyId = 'pub-operational';
      const res = await request(server)
        .post('/api/events')
        .set(auth(companyId))
        .send({ type: 'webhook.endpoint.disabled', data: { subscriptionId: 'x', url: 'u' } })
        .expect(400);
      expect(res.body).toMatchObject({ field: 'type' });
      expect(JSON.stringify(res.body)).toMatch(/is an operational event type/);
      expect(await eventCount(companyId)).toBe(0);
    });

    it('an unknown type: 400 naming type, nothing stored', async () => {
      const companyId = 'pub-unknown';
      const res = await request(server)
        .post('/api/events')
        .set(auth(companyId))
        .send({ type: 'contract.exploded', data: contractSigned() })
        .expect(400);
      expect(JSON.stringify(res.body)).toMatch(/\btype\b/);
      expect(await eventCount(companyId)).toBe(0);
    });

    it('data not matching the schema: 400 naming data, nothing stored', async () => {
      const companyId = 'pub-baddata';
      await subscribe(companyId, '/pub/baddata');
      for (const data of [
        { ...contractSigned(), contractType: 'FREELANCE' },
        { contractId: randomUUID() },
        { ...contractSigned(), extra: 1 },
        'not an object',
      ]) {
        const res = await request(server)
          .post('/api/events')
          .set(auth(companyId))
          .send({ type: 'contract.signed', data })
          .expect(400);
        expect(JSON.stringify((res.body as { message: unknown }).message)).toMatch(/\bdata\b/);
      }
      expect(await eventCount(companyId)).toBe(0);
      const [{ deliveries }] = await t.dataSource.query<[{ deliveries: number }]>(
        `SELECT count(*)::int AS deliveries FROM webhook_deliveries WHERE company_id = $1`,
        [companyId],
      );
      expect(deliveries).toBe(0);
    });

    it('without system.events.publish: 403, nothing stored; without a token: 401', async () => {
      const companyId = 'pub-forbidden';
      await request(server)
        .post('/api/events')
        .set(auth(companyId, [MANAGE, HR]))
        .send({ type: 'contract.signed', data: contractSigned() })
        .expect(403);
      await request(server)
        .post('/api/events')
        .send({ type: 'contract.signed', data: contractSigned() })
        .expect(401);
      expect(await eventCount(companyId)).toBe(0);
    });
  });

  describe('Idempotency-Key', () => {
    const post = (companyId: string, key: string, data: unknown) =>
      request(server)
        .post('/api/events')
        .set(auth(companyId))
        .set('Idempotency-Key', key)
        .send({ type: 'contract.signed', data });

    it('same key and same body: the same id, one event; another body: 422', async () => {
      const companyId = 'idem-same';
      await subscribe(companyId, '/idem/same');
      const key = `key-${randomUUID()}`;
      const data = contractSigned();
      const first = await post(companyId, key, data).expect(202);
      const second = await post(companyId, key, data).expect(202);
      expect((second.body as { id: string }).id).toBe((first.body as { id: string }).id);
      expect(await eventCount(companyId)).toBe(1);

      const other = await post(companyId, key, contractSigned()).expect(422);
      expect(JSON.stringify(other.body)).toMatch(/Idempotency-Key/i);
      expect(await eventCount(companyId)).toBe(1);

      // One delivery only: the replay created nothing.
      await receiver.waitFor(1, '/idem/same', 10_000);
      await sleep(500);
      expect(receiver.on('/idem/same')).toHaveLength(1);
    });

    it('keys are per company: the same key from another company is a new event', async () => {
      const key = `key-${randomUUID()}`;
      const data = contractSigned();
      const a = await post('idem-a', key, data).expect(202);
      const b = await post('idem-b', key, data).expect(202);
      expect((b.body as { id: string }).id).not.toBe((a.body as { id: string }).id);
      expect(await eventCount('idem-a')).toBe(1);
      expect(await eventCount('idem-b')).toBe(1);
    });

    it('concurrent requests with one key and one body: one event, one id', async () => {
      const companyId = 'idem-race';
      const key = `key-${randomUUID()}`;
      const data = contractSigned();
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => post(companyId, key, data)),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(6).fill(202));
      expect(new Set(answers.map((a) => (a.body as { id: string }).id)).size).toBe(1);
      expect(await eventCount(companyId)).toBe(1);
    });

    it('concurrent requests with one key and two bodies: one event; its body answers its id, the other 422', async () => {
      const companyId = 'idem-race-bodies';
      const key = `key-${randomUUID()}`;
      const bodies = [contractSigned(), contractSigned()];
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) => post(companyId, key, bodies[i % 2])),
      );
      expect(await eventCount(companyId)).toBe(1);
      const [stored] = await t.dataSource.query<{ id: string; data: { contractId: string } }[]>(
        `SELECT id, data FROM webhook_events WHERE company_id = $1`,
        [companyId],
      );
      answers.forEach((answer, i) => {
        const sameBody = bodies[i % 2].contractId === stored.data.contractId;
        expect(answer.status).toBe(sameBody ? 202 : 422);
        if (sameBody) expect((answer.body as { id: string }).id).toBe(stored.id);
      });
    });

    it('keyed and unkeyed publishes committed in one group each get their own answer', async () => {
      const companyId = 'idem-group';
      await subscribe(companyId, '/idem/group');
      const key = `key-${randomUUID()}`;
      const data = contractSigned();
      const publish = (idempotencyKey: string | undefined, body = data) =>
        publisher.publish('contract.signed', body, { companyId, idempotencyKey });
      // Submitted in the same turn: written by one group statement.
      const [first, unkeyed, replay, reused] = await Promise.allSettled([
        publish(key),
        publish(undefined),
        publish(key),
        publish(key, contractSigned()),
      ]);
      expect(first).toMatchObject({
        status: 'fulfilled',
        value: { replayed: false, deliveries: 1 },
      });
      expect(unkeyed).toMatchObject({
        status: 'fulfilled',
        value: { replayed: false, deliveries: 1 },
      });
      const firstId = (first as PromiseFulfilledResult<{ id: string }>).value.id;
      const unkeyedId = (unkeyed as PromiseFulfilledResult<{ id: string }>).value.id;
      expect(replay).toEqual({
        status: 'fulfilled',
        value: { id: firstId, deliveries: 0, replayed: true },
      });
      expect(reused).toMatchObject({
        status: 'rejected',
        reason: { code: 'IDEMPOTENCY_KEY_REUSED', field: 'Idempotency-Key' },
      });
      // Each caller's own event, both written by one group statement (one transaction).
      const stored = await t.dataSource.query<{ ids: string[]; commits: number }[]>(
        `SELECT array_agg(id::text ORDER BY id::text) AS ids, count(DISTINCT xmin::text)::int AS commits
         FROM webhook_events WHERE company_id = $1`,
        [companyId],
      );
      expect(stored).toEqual([{ ids: [firstId, unkeyedId].sort(), commits: 1 }]);
      await receiver.waitFor(2, '/idem/group', 10_000);
      await sleep(QUIET_MS);
      expect(receiver.on('/idem/group')).toHaveLength(2);
    });

    it('a keyed publish is handed off to this instance: sent without a claim', async () => {
      const companyId = 'idem-handoff';
      await subscribe(companyId, '/idem/handoff');
      const taken = async (via: string) =>
        (await deliveryMetrics.taken.get()).values.find((v) => v.labels.via === via)?.value ?? 0;
      const [handedOff, claimed] = [await taken('handoff'), await taken('claim')];
      await post(companyId, `key-${randomUUID()}`, contractSigned()).expect(202);
      await receiver.waitFor(1, '/idem/handoff', 10_000);
      expect((await taken('handoff')) - handedOff).toBe(1);
      expect(await taken('claim')).toBe(claimed);
    });

    it('a key over 255 characters: 400 naming Idempotency-Key', async () => {
      const companyId = 'idem-long';
      const res = await post(companyId, 'k'.repeat(256), contractSigned()).expect(400);
      expect(JSON.stringify(res.body)).toMatch(/Idempotency-Key/);
      expect(await eventCount(companyId)).toBe(0);
    });

    it('a key older than 24 h is free again: a new event', async () => {
      const companyId = 'idem-old';
      const key = `key-${randomUUID()}`;
      const data = contractSigned();
      const first = (await post(companyId, key, data).expect(202)).body as { id: string };
      await t.dataSource.query(
        `UPDATE webhook_events SET created_at = now() - interval '24 hours 1 minute' WHERE id = $1`,
        [first.id],
      );
      const again = (await post(companyId, key, data).expect(202)).body as { id: string };
      expect(again.id).not.toBe(first.id);
      expect(await eventCount(companyId)).toBe(2);
      // And the new one holds the key now: a replay answers it.
      const replay = (await post(companyId, key, data).expect(202)).body as { id: string };
      expect(replay.id).toBe(again.id);
      expect(await eventCount(companyId)).toBe(2);
    });
  });

  describe('transactional outbox', () => {
    it('an event published in a transaction that rolls back is neither stored nor sent', async () => {
      const companyId = 'outbox-rollback';
      await subscribe(companyId, '/outbox/rollback');
      let publishedId: string | undefined;
      await expect(
        t.dataSource.transaction(async (manager) => {
          publishedId = (
            await publisher.publish('contract.signed', contractSigned(), { companyId, manager })
          ).id;
          throw new Error('rollback');
        }),
      ).rejects.toThrow('rollback');
      expect(publishedId).toBeDefined();
      expect(await eventCount(companyId)).toBe(0);
      await sleep(2000);
      expect(receiver.on('/outbox/rollback')).toHaveLength(0);
      expect(await eventCount(companyId)).toBe(0);
    });

    it('an event published in a transaction that commits is delivered', async () => {
      const companyId = 'outbox-commit';
      await subscribe(companyId, '/outbox/commit');
      const data = contractSigned();
      const id = await t.dataSource.transaction(async (manager) => {
        await manager.query('SELECT 1');
        return (await publisher.publish('contract.signed', data, { companyId, manager })).id;
      });
      const [req] = await receiver.waitFor(1, '/outbox/commit', 10_000);
      expect(req.headers['webhook-id']).toBe(id);
      expect((JSON.parse(req.text) as { data: unknown }).data).toEqual(data);
    });
  });

  describe('group commit (concurrent publishes without a transaction)', () => {
    it('each caller gets its own id and delivery count; one commit for all; every event arrives', async () => {
      await subscribe('group-a', '/group/a1');
      await subscribe('group-a', '/group/a2');
      await subscribe('group-b', '/group/b', ['contract.*']);
      const companies = ['group-a', 'group-b', 'group-none'];
      const published = await Promise.all(
        Array.from({ length: 150 }, (_, i) => {
          const companyId = companies[i % 3];
          return publisher
            .publish('contract.signed', contractSigned(), { companyId })
            .then((event) => ({ companyId, ...event }));
        }),
      );
      expect(new Set(published.map((p) => p.id)).size).toBe(150);
      const expected: Record<string, number> = { 'group-a': 2, 'group-b': 1, 'group-none': 0 };
      for (const p of published) expect(p.deliveries).toBe(expected[p.companyId]);
      for (const companyId of companies) expect(await eventCount(companyId)).toBe(50);
      // Events committed together share their transaction id; all 150 were submitted in the same
      // turn, so they went out as one group (at most 500), in one commit.
      const [{ commits }] = await t.dataSource.query<[{ commits: number }]>(
        `SELECT count(DISTINCT xmin::text)::int AS commits FROM webhook_events WHERE company_id = ANY($1)`,
        [companies],
      );
      expect(commits).toBe(1);
      const a1 = await receiver.waitFor(50, '/group/a1', 20_000);
      const a2 = await receiver.waitFor(50, '/group/a2', 20_000);
      const b = await receiver.waitFor(50, '/group/b', 20_000);
      const idsOf = (companyId: string) =>
        published
          .filter((p) => p.companyId === companyId)
          .map((p) => p.id)
          .sort();
      for (const requests of [a1, a2]) {
        expect(requests.map((r) => r.headers['webhook-id']).sort()).toEqual(idsOf('group-a'));
      }
      expect(b.map((r) => r.headers['webhook-id']).sort()).toEqual(idsOf('group-b'));
    });

    it('an event the database refuses fails alone: the others of its group are stored and delivered', async () => {
      const companyId = 'group-refused';
      await subscribe(companyId, '/group/refused');
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          i === 7
            ? // Valid for the schema, refused by PostgreSQL (jsonb has no \u0000).
              publisher.publish(
                'webhook.ping',
                { subscriptionId: 'x', message: 'a\u0000b' },
                { companyId },
              )
            : publisher.publish('contract.signed', contractSigned(), { companyId }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(
        Array.from({ length: 20 }, (_, i) => (i === 7 ? 'rejected' : 'fulfilled')),
      );
      expect(String((results[7] as PromiseRejectedResult).reason)).toMatch(/\\u0000|Unicode/);
      const ids = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.id] : []));
      expect(await eventCount(companyId)).toBe(19);
      const requests = await receiver.waitFor(19, '/group/refused', 20_000);
      expect(requests.map((r) => r.headers['webhook-id']).sort()).toEqual(ids.sort());
    });
  });

  describe('@nestjs/event-emitter bridge', () => {
    let emitter: EventEmitter2;
    beforeAll(() => {
      expect(t.app.get(EventEmitterBridge)).toBeDefined();
      emitter = t.app.get(EventEmitter2);
    });

    it('a WebhookEventPayload is published and delivered', async () => {
      const companyId = 'bridge-ok';
      const sub = await subscribe(companyId, '/bridge/ok');
      const data = contractSigned();
      await emitter.emitAsync('contract.signed', new WebhookEventPayload(data, { companyId }));
      const [req] = await receiver.waitFor(1, '/bridge/ok', 10_000);
      const verified = new Webhook(sub.secret).verify(req.text, flatHeaders(req.headers));
      expect(verified).toMatchObject({ event: 'contract.signed', companyId, data });
      expect(await eventCount(companyId)).toBe(1);
    });

    it('invalid data: emitAsync rejects with the error, nothing stored', async () => {
      const companyId = 'bridge-invalid';
      await subscribe(companyId, '/bridge/invalid');
      await expect(
        emitter.emitAsync(
          'contract.signed',
          new WebhookEventPayload({ contractId: 'nope' }, { companyId }),
        ),
      ).rejects.toThrow(/data/);
      expect(await eventCount(companyId)).toBe(0);
    });

    it('joins the caller transaction through manager', async () => {
      const companyId = 'bridge-tx';
      await subscribe(companyId, '/bridge/tx');
      await expect(
        t.dataSource.transaction(async (manager) => {
          await emitter.emitAsync(
            'contract.signed',
            new WebhookEventPayload(contractSigned(), { companyId, manager }),
          );
          throw new Error('rollback');
        }),
      ).rejects.toThrow('rollback');
      expect(await eventCount(companyId)).toBe(0);
    });

    it('a plain payload is left alone', async () => {
      const companyId = 'bridge-plain';
      await subscribe(companyId, '/bridge/plain');
      await expect(
        emitter.emitAsync('contract.signed', { ...contractSigned(), companyId }),
      ).resolves.toBeDefined();
      await sleep(1000);
      expect(await eventCount(companyId)).toBe(0);
      expect(receiver.on('/bridge/plain')).toHaveLength(0);
    });
  });

  describe('WebhookPublisher.send (direct send)', () => {
    const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

    it('delivers to the URL, signed with the given secret, algorithm and headers', async () => {
      const secret = newSecret();
      const data = contractSigned();
      const sent = await publisher.send(
        { type: 'contract.signed', data },
        {
          companyId: 'direct',
          url: receiver.url('/direct'),
          secret,
          signatureAlgorithm: 'HmacSha512',
          format: 'json',
          headers: { 'X-Tenant': 'acme' },
          maxRetryCount: 1,
          retryDelayMs: 100,
        },
      );
      const [req] = await receiver.waitFor(1, '/direct', 10_000);
      const headers = flatHeaders(req.headers);
      expect(headers['webhook-id']).toBe(sent.eventId);
      expect(headers['x-webhook-delivery']).toBe(sent.deliveryId);
      expect(new Webhook(secret).verify(req.text, headers)).toEqual({
        id: sent.eventId,
        event: 'contract.signed',
        timestamp: expect.any(String),
        companyId: 'direct',
        data,
      });
      const timestamp = headers['x-webhook-timestamp'];
      expect(headers['x-webhook-signature']).toBe(
        `sha512=${createHmac('sha512', secret).update(`${timestamp}.`).update(req.body).digest('hex')}`,
      );
      expect(headers['x-webhook-signature-algorithm']).toBe('HmacSha512');
      expect(headers['x-tenant']).toBe('acme');
      expect(headers['content-type']).toMatch(/^application\/json\b/);
    });

    it('a delivery whose secret no longer decrypts stays leased; the rest go on, no capacity lost', async () => {
      const capacity = t.app.get(DispatchCapacity);
      const options = { companyId: 'direct-broken', url: receiver.url('/direct-broken') };
      // In one transaction: both pending, taken by one claim.
      const [broken, good] = await t.dataSource.transaction(async (manager) => {
        const send = () =>
          publisher.send(
            { type: 'contract.signed', data: contractSigned() },
            { ...options, secret: newSecret(), manager },
          );
        const sent = [await send(), await send()];
        // As after a change of the module's secretKey: the first one's secret cannot be read.
        await manager.query(
          `UPDATE webhook_deliveries SET endpoint = jsonb_set(endpoint, '{secretEncrypted}', '"v1:broken"') WHERE id = $1`,
          [sent[0].deliveryId],
        );
        return sent;
      });
      const [req] = await receiver.waitFor(1, '/direct-broken', 10_000);
      expect(req.headers['x-webhook-delivery']).toBe(good.deliveryId);
      // Left leased, not given back and claimed again: the same lease a while later.
      const lease = () =>
        t.dataSource.query<{ status: string; lease_owner: string; lease_expires_at: Date }[]>(
          `SELECT status, lease_owner, lease_expires_at FROM webhook_deliveries WHERE id = $1`,
          [broken.deliveryId],
        );
      const [row] = await lease();
      expect(row).toMatchObject({ status: 'sending', lease_owner: t.app.get(DeliveryQueue).owner });
      await eventually(async () => (capacity.held === 0 ? true : null), 5_000);
      await sleep(QUIET_MS);
      expect(await lease()).toEqual([row]);
      expect(receiver.on('/direct-broken')).toHaveLength(1);
    });

    it('a subscription whose secret no longer decrypts: its delivery stays leased, the others of its claim are sent', async () => {
      const capacity = t.app.get(DispatchCapacity);
      const owner = t.app.get(DeliveryQueue).owner;
      const companyId = 'sub-broken';
      const broken = await subscribe(companyId, '/sub-broken/a');
      await subscribe(companyId, '/sub-broken/b');
      // As after a change of the module's secretKey: the stored secret cannot be read.
      await t.dataSource.query(
        `UPDATE webhook_subscriptions SET secret_encrypted = 'v1:broken' WHERE id = $1`,
        [broken.id],
      );
      // In the caller's transaction: both deliveries pending, taken by one claim.
      await t.dataSource.transaction((manager) =>
        publisher.publish('contract.signed', contractSigned(), { companyId, manager }),
      );
      await receiver.waitFor(1, '/sub-broken/b', 10_000);
      const lease = () =>
        t.dataSource.query<{ status: string; lease_owner: string; lease_expires_at: Date }[]>(
          `SELECT status, lease_owner, lease_expires_at FROM webhook_deliveries WHERE subscription_id = $1`,
          [broken.id],
        );
      const rows = await lease();
      expect(rows).toMatchObject([{ status: 'sending', lease_owner: owner }]);
      await eventually(async () => (capacity.held === 0 ? true : null), 5_000);
      // Left leased, not given back and claimed again: the same lease a while later.
      await sleep(QUIET_MS);
      expect(await lease()).toEqual(rows);
      expect(receiver.on('/sub-broken/a')).toHaveLength(0);
    });

    it('a receiver answering 500 then 200: retried once, then succeeded', async () => {
      receiver.script('/direct-retry', { status: 500, body: 'boom' }, { status: 200 });
      const secret = newSecret();
      const sent = await publisher.send(
        { type: 'contract.signed', data: contractSigned() },
        {
          companyId: 'direct',
          url: receiver.url('/direct-retry'),
          secret,
          signatureAlgorithm: 'HmacSha512',
          format: 'json',
          maxRetryCount: 1,
          retryDelayMs: 100,
        },
      );
      const requests = await receiver.waitFor(2, '/direct-retry', 10_000);
      expect(requests.map((r) => r.headers['webhook-id'])).toEqual([sent.eventId, sent.eventId]);
      for (const req of requests) {
        expect(() => new Webhook(secret).verify(req.text, flatHeaders(req.headers))).not.toThrow();
      }
      const delivery = await eventually(async () => {
        const [row] = await t.dataSource.query<{ status: string; attempt_count: number }[]>(
          `SELECT status, attempt_count FROM webhook_deliveries WHERE id = $1`,
          [sent.deliveryId],
        );
        return row?.status === 'succeeded' ? row : null;
      }, 10_000);
      expect(delivery.attempt_count).toBe(2);
      await sleep(300);
      expect(receiver.on('/direct-retry')).toHaveLength(2);
    });

    it('a bad secret is refused and nothing is stored', async () => {
      const companyId = 'direct-bad';
      for (const secret of [
        'not-a-secret',
        'whsec_not base64!',
        `whsec_${randomBytes(8).toString('base64')}`,
      ]) {
        await expect(
          publisher.send(
            { type: 'contract.signed', data: contractSigned() },
            { companyId, url: receiver.url('/direct-bad'), secret },
          ),
        ).rejects.toThrow(/secret/);
      }
      expect(await eventCount(companyId)).toBe(0);
      await sleep(300);
      expect(receiver.on('/direct-bad')).toHaveLength(0);
    });
  });
});
