import request from 'supertest';
import type { App } from 'supertest/types';
import { DELIVERY_ENV, DELIVERY_PERMISSIONS, READ } from '../support/constants';
import {
  type Attempt,
  deliveryHelpers,
  FAST_RETRIES,
  flatHeaders,
  type Subscription,
} from '../support/delivery-harness';
import { TestReceiver } from '../support/receiver';
import { createTestApp, type TestApp } from '../support/test-app';

/**
 * CONTRACT.md, the Attempt: `requestHeaders` (every header sent, the signature headers' and the
 * subscription's own header values masked) and `responseHeaders` (as received, at most 50, each
 * value at most 1 KiB; null when no answer), as stored and as the delivery and the logs show them.
 */

const COMPANY = 'headers-co';
const CUSTOM = {
  Authorization: 'Bearer sk_live_custom_credential',
  'X-Partner-Id': 'partner-4242',
};
const MASK = '[redacted]';

interface StoredAttempt {
  id: string;
  request_headers: Record<string, string>;
  response_headers: Record<string, string> | null;
}

describe('attempt headers', () => {
  let t: TestApp;
  let receiver: TestReceiver;
  let server: App;

  const { auth, subscribe, publish, deliveryIdOf, deliveryWhen } = deliveryHelpers(
    () => t,
    () => receiver,
    DELIVERY_PERMISSIONS,
    FAST_RETRIES,
  );

  /** Every stored row of the attempts and deliveries tables, as text. */
  const everythingStored = async (): Promise<string> =>
    JSON.stringify(
      await t.dataSource.query(
        `SELECT (SELECT json_agg(a) FROM webhook_attempts a) AS attempts,
                (SELECT json_agg(d) FROM webhook_deliveries d) AS deliveries`,
      ),
    );

  const storedAttempts = (deliveryId: string) =>
    t.dataSource.query<StoredAttempt[]>(
      `SELECT id, request_headers, response_headers FROM webhook_attempts
       WHERE delivery_id = $1 ORDER BY attempt_number`,
      [deliveryId],
    );

  beforeAll(async () => {
    t = await createTestApp(DELIVERY_ENV);
    receiver = await TestReceiver.start();
    server = t.app.getHttpServer() as App;
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  it('stores every header sent, signatures and custom values masked; secrets never stored', async () => {
    const sub = await subscribe<Subscription>(COMPANY, '/signed', { headers: CUSTOM });
    // A rotation: two secrets sign at once.
    const rotated = await request(server)
      .post(`/api/webhooks/${sub.id}/secret/rotate`)
      .set(auth(COMPANY))
      .expect(200);
    const secrets = [sub.secret, (rotated.body as { secret: string }).secret];
    const eventId = await publish(COMPANY);
    const [received] = await receiver.waitFor(1, '/signed');
    const id = await deliveryIdOf(eventId, sub.id);
    const delivery = await deliveryWhen(COMPANY, id, (d) => d.status === 'succeeded');

    const [row] = await storedAttempts(id);
    const sent = flatHeaders(received.headers);
    const stored = Object.fromEntries(
      Object.entries(row.request_headers).map(([name, value]) => [name.toLowerCase(), value]),
    );
    // Every header the receiver got is listed, but what the HTTP client adds on the wire.
    const wireOnly = ['host', 'content-length', 'connection'];
    expect(Object.keys(stored).sort()).toEqual(
      Object.keys(sent)
        .filter((name) => !wireOnly.includes(name))
        .sort(),
    );
    const masked = ['webhook-signature', 'x-webhook-signature', 'authorization', 'x-partner-id'];
    for (const [name, value] of Object.entries(stored)) {
      expect([name, value]).toEqual([name, masked.includes(name) ? MASK : sent[name]]);
    }
    expect(sent['webhook-signature'].split(' ')).toHaveLength(2);

    // Nothing secret anywhere in the attempts or deliveries tables.
    const everything = await everythingStored();
    const signatures = [
      ...sent['webhook-signature'].split(' ').map((s) => s.split(',')[1]),
      ...sent['x-webhook-signature'].split(',').map((s) => s.split('=')[1]),
    ];
    for (const secret of [
      ...secrets,
      ...secrets.map((s) => s.slice('whsec_'.length)),
      ...Object.values(CUSTOM),
      'sk_live_custom_credential',
      ...signatures,
    ]) {
      expect(everything).not.toContain(secret);
    }

    // The delivery and the logs show them as stored.
    expect(delivery.attempts[0]).toEqual(
      expect.objectContaining({
        requestHeaders: row.request_headers,
        responseHeaders: row.response_headers,
      }),
    );
    const logs = await request(server)
      .get(`/api/webhooks/${sub.id}/logs`)
      .set(auth(COMPANY, [READ]))
      .expect(200);
    const [logged] = (logs.body as { items: Attempt[] }).items;
    expect(logged).toEqual(
      expect.objectContaining({
        id: row.id,
        requestHeaders: row.request_headers,
        responseHeaders: row.response_headers,
      }),
    );
  });

  it('stores the response headers as received: the first 50, each value at most 1 KiB', async () => {
    const many = Object.fromEntries(
      Array.from({ length: 60 }, (_, i) => [`x-h${String(i).padStart(2, '0')}`, `v${i}`]),
    );
    receiver.script(
      '/answers',
      { status: 503, headers: { 'Retry-After': '0', 'X-Long': 'é'.repeat(2000), ...many } },
      { status: 200, headers: { 'X-Request-Id': 'req-2' }, body: 'ok' },
    );
    const sub = await subscribe<Subscription>(COMPANY, '/answers');
    const eventId = await publish(COMPANY);
    const id = await deliveryIdOf(eventId, sub.id);
    const delivery = await deliveryWhen(COMPANY, id, (d) => d.status === 'succeeded');
    const [first, second] = await storedAttempts(id);

    const headers = first.response_headers!;
    expect(Object.keys(headers)).toHaveLength(50);
    expect(headers['retry-after']).toBe('0');
    expect(headers['x-long']).toBe('é'.repeat(512));
    // The first 50 as received (jsonb keeps them in its own key order).
    expect(Object.keys(headers).sort()).toEqual(
      ['retry-after', 'x-long', ...Object.keys(many).slice(0, 48)].sort(),
    );
    for (const value of Object.values(headers)) {
      expect(Buffer.byteLength(value, 'utf8')).toBeLessThanOrEqual(1024);
    }
    expect(second.response_headers).toEqual(
      expect.objectContaining({ 'x-request-id': 'req-2', connection: 'keep-alive' }),
    );
    expect(delivery.attempts.map((a) => a.responseHeaders)).toEqual([
      first.response_headers,
      second.response_headers,
    ]);
  });

  it('stores null response headers when no answer came, and the request headers still', async () => {
    const sub = await subscribe<Subscription>(COMPANY, '/unused', {
      url: 'http://127.0.0.1:1/refused',
      maxRetryCount: 0,
    });
    const eventId = await publish(COMPANY);
    const id = await deliveryIdOf(eventId, sub.id);
    const delivery = await deliveryWhen(COMPANY, id, (d) => d.status === 'failed');
    const [row] = await storedAttempts(id);
    expect(row.response_headers).toBeNull();
    expect(row.request_headers).toEqual(
      expect.objectContaining({ 'webhook-signature': MASK, 'X-Webhook-Signature': MASK }),
    );
    expect(delivery.attempts[0]).toEqual(
      expect.objectContaining({
        statusCode: null,
        responseHeaders: null,
        requestHeaders: row.request_headers,
      }),
    );
  });
});
