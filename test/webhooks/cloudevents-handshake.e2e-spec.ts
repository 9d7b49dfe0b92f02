/**
 * CONTRACT.md "What a receiver gets": `handshake: cloudevents`. On create and on every URL change
 * the endpoint gets `OPTIONS` with `WebHook-Request-Origin` (PUBLIC_URL's host name) and must
 * grant it (2xx, `WebHook-Allowed-Origin` that origin or `*`), else `422` naming what it answered,
 * and nothing is stored or changed.
 */
import request from 'supertest';
import type { App } from 'supertest/types';
import { createTestApp, type TestApp } from '../support/test-app';
import { type Reply, TestReceiver } from '../support/receiver';
import { deliveryHelpers } from '../support/delivery-harness';
import { DELIVERY_ENV, MANAGE } from '../support/constants';

const ORIGIN = 'hooks.example.test';

describe('the CloudEvents validation handshake', () => {
  let t: TestApp;
  let receiver: TestReceiver;
  let server: App;
  const { auth } = deliveryHelpers(
    () => t,
    () => receiver,
    [MANAGE],
  );

  beforeAll(async () => {
    t = await createTestApp({ ...DELIVERY_ENV, PUBLIC_URL: `https://${ORIGIN}:8443` });
    receiver = await TestReceiver.start();
    server = t.app.getHttpServer() as App;
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  const create = (companyId: string, path: string, extra: Record<string, unknown> = {}) =>
    request(server)
      .post('/api/webhooks')
      .set(auth(companyId))
      .send({
        url: receiver.url(path),
        events: ['contract.signed'],
        handshake: 'cloudevents',
        requestTimeoutMs: 1000,
        ...extra,
      });

  const stored = async (companyId: string): Promise<number> => {
    const [{ n }] = await t.dataSource.query<[{ n: number }]>(
      `SELECT count(*)::int AS n FROM webhook_subscriptions WHERE company_id = $1`,
      [companyId],
    );
    return n;
  };

  it.each([
    ['*', '*'],
    ['the exact origin', ORIGIN],
  ])('granted with %s: 201, after one OPTIONS carrying the origin', async (_, allowed) => {
    const path = `/hs/granted-${allowed === '*' ? 'star' : 'exact'}`;
    receiver.script(path, { status: 200, headers: { 'WebHook-Allowed-Origin': allowed } });
    const res = await create(`hs-granted-${path.length}`, path).expect(201);
    expect(res.body).toMatchObject({ handshake: 'cloudevents' });
    const [options] = receiver.on(path);
    expect(options.method).toBe('OPTIONS');
    expect(options.headers['webhook-request-origin']).toBe(ORIGIN);
    expect(receiver.on(path)).toHaveLength(1);
  });

  const refusals: [string, Reply, RegExp][] = [
    ['no WebHook-Allowed-Origin', { status: 200 }, /answered 200 without WebHook-Allowed-Origin/],
    [
      'another origin',
      { status: 204, headers: { 'WebHook-Allowed-Origin': 'evil.example' } },
      /WebHook-Allowed-Origin is "evil\.example", not "hooks\.example\.test" or "\*"/,
    ],
    ['a 4xx', { status: 405 }, /it answered 405/],
    [
      'a redirect',
      { status: 301, headers: { Location: 'https://elsewhere.example/' } },
      /answered 301 \(redirects are not followed\)/,
    ],
    ['a timeout', { hang: true }, /timeout/],
  ];

  it.each(refusals)('refused on %s: 422 naming it, nothing stored', async (what, reply, reason) => {
    const companyId = `hs-refused-${what.replace(/\W/g, '-')}`;
    const path = `/hs/refused-${what.replace(/\W/g, '-')}`;
    receiver.script(path, reply);
    const res = await create(companyId, path).expect(422);
    expect(res.body).toMatchObject({ code: 'HANDSHAKE_REFUSED', field: 'url' });
    expect(String(res.body.message)).toMatch(reason);
    expect(await stored(companyId)).toBe(0);
    receiver.release();
  });

  it('without handshake, no OPTIONS is sent', async () => {
    await create('hs-none', '/hs/none', { handshake: 'none' }).expect(201);
    expect(receiver.on('/hs/none')).toHaveLength(0);
  });

  it('a URL change is validated again: refused, the URL stays; granted, it changes', async () => {
    const companyId = 'hs-patch';
    receiver.script('/hs/first', { status: 200, headers: { 'WebHook-Allowed-Origin': '*' } });
    const { id } = (await create(companyId, '/hs/first').expect(201)).body as { id: string };

    receiver.script('/hs/second', { status: 403 });
    const refused = await request(server)
      .patch(`/api/webhooks/${id}`)
      .set(auth(companyId))
      .send({ url: receiver.url('/hs/second') })
      .expect(422);
    expect(JSON.stringify(refused.body.message)).toMatch(/it answered 403/);
    const [{ url }] = await t.dataSource.query<[{ url: string }]>(
      `SELECT url FROM webhook_subscriptions WHERE id = $1`,
      [id],
    );
    expect(url).toBe(receiver.url('/hs/first'));

    receiver.script('/hs/third', { status: 200, headers: { 'WebHook-Allowed-Origin': '*' } });
    await request(server)
      .patch(`/api/webhooks/${id}`)
      .set(auth(companyId))
      .send({ url: receiver.url('/hs/third') })
      .expect(200);
    expect(receiver.on('/hs/third').map((r) => r.method)).toEqual(['OPTIONS']);
  });

  it('an unknown handshake is 400 naming it', async () => {
    const res = await create('hs-bad', '/hs/bad', { handshake: 'websub' }).expect(400);
    expect(JSON.stringify(res.body)).toMatch(/handshake/);
  });
});

describe('the CloudEvents handshake with the URL policy on', () => {
  let t: TestApp;
  let receiver: TestReceiver;

  beforeAll(async () => {
    t = await createTestApp({ ...DELIVERY_ENV, WEBHOOKS_ALLOW_PRIVATE_URLS: 'false' });
    receiver = await TestReceiver.start();
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  it('a private address is refused before any OPTIONS is sent', async () => {
    const { auth } = deliveryHelpers(
      () => t,
      () => receiver,
      [MANAGE],
    );
    const res = await request(t.app.getHttpServer() as App)
      .post('/api/webhooks')
      .set(auth('hs-private'))
      .send({
        url: receiver.url('/hs/private'),
        events: ['contract.signed'],
        handshake: 'cloudevents',
      })
      .expect(400);
    expect(res.body).toMatchObject({ field: 'url' });
    expect(receiver.on('/hs/private')).toHaveLength(0);
  });
});
