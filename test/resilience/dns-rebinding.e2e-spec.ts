/**
 * DNS rebinding: a host name that resolves to a public address when the subscription is
 * registered and to 127.0.0.1 (or a mix, or another spelling of loopback) when the delivery is
 * sent is not contacted. The resolver is injected (createTestApp's `resolveHost`); the only real
 * sockets are to our own 127.0.0.1 listener, counted at the net.Server 'connection' level.
 *
 * A guard watches every socket of this process: an address looked up for a connection that is not
 * loopback is recorded and the socket destroyed before it connects, so a regression can neither
 * reach the public address the fake DNS hands out nor go unnoticed.
 */
import { createServer, type Server } from 'node:http';
import * as net from 'node:net';
import request from 'supertest';
import type { App } from 'supertest/types';
import { WebhookPublisher } from '../../packages/nest-webhooks/src/events/webhook-publisher.service';
import type { HostResolver } from '../../packages/nest-webhooks/src/security/url-policy';
import {
  type Attempt,
  contractSigned,
  type Delivery,
  type Subscription,
} from '../support/delivery-harness';
import { DELIVERY_PERMISSIONS } from '../support/constants';
import { eventually } from '../support/receiver';
import { createTestApp, type TestApp, testResolver } from '../support/test-app';

jest.setTimeout(60_000);

const PUBLIC_ADDRESS = '93.184.215.14';
const REQUEST_TIMEOUT_MS = 2000;
/** One retry a minute away: the first attempt is the only one during a test. */
const SLOW_RETRY = { maxRetryCount: 1, retryDelayMs: 60_000, retryBackoffMultiplier: 1 };
const LOOPBACK_REFUSED = 'address not public (loopback)';

/**
 * The fake DNS: `*.rebind.example.com` answers the public address until its host is flipped;
 * a host in `flipAfterFirst` is flipped by its first lookup (a TTL-0 rebinding: the check sees the
 * public address, every later lookup the other answer).
 */
const flipped = new Map<string, string[]>();
const flipAfterFirst = new Map<string, string[]>();
const lookups: { host: string; flipped: boolean; answer: string[] }[] = [];
const rebindingResolver: HostResolver = async (hostname) => {
  const host = hostname.toLowerCase();
  if (!host.endsWith('.rebind.example.com')) return testResolver(hostname);
  const answer = flipped.get(host) ?? [PUBLIC_ADDRESS];
  lookups.push({ host, flipped: flipped.has(host), answer });
  const next = flipAfterFirst.get(host);
  if (next) flipped.set(host, next);
  return answer;
};

/** Our listener: counts connections, and answers 200 should anything get through. */
class CountingListener {
  connections = 0;
  port = 0;
  private readonly server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });

  async start(): Promise<this> {
    this.server.on('connection', () => this.connections++);
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Addresses sockets of this process looked up, or tried to connect to, that are not loopback. */
const guard = {
  refused: [] as { host: string; address: string }[],
  attempts: [] as { address: string; port: number }[],
  original: null as typeof net.Socket.prototype.connect | null,
};

function isLoopback(address: string): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

function installGuard(): void {
  const original = net.Socket.prototype.connect;
  guard.original = original;
  const guarded = function (this: net.Socket, ...args: unknown[]): net.Socket {
    this.on(
      'lookup',
      (error: Error | null, address: string | undefined, _family: unknown, host: string) => {
        if (error || address === undefined || isLoopback(address)) return;
        guard.refused.push({ host, address });
        this.destroy(new Error(`test guard: refused to connect to ${address} (${host})`));
      },
    );
    this.on('connectionAttempt', (address: string, port: number) => {
      guard.attempts.push({ address, port });
    });
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  };
  net.Socket.prototype.connect = guarded;
}

function removeGuard(): void {
  if (guard.original) net.Socket.prototype.connect = guard.original;
  guard.original = null;
}

beforeAll(installGuard);
afterAll(removeGuard);

describe.each(['undici', 'axios'] as const)('DNS rebinding (%s client)', (client) => {
  let strict: TestApp;
  let listener: CountingListener;
  const company = `rebind-${client}`;

  const auth = (t: TestApp) => ({
    Authorization: `Bearer ${t.token(company, DELIVERY_PERMISSIONS)}`,
  });
  const http = (t: TestApp) => request(t.app.getHttpServer() as App);
  const hostFor = (label: string) => `${label}-${client}.rebind.example.com`;
  const urlFor = (host: string, port: number) => `http://${host}:${port}/hook`;

  const subscribe = async (t: TestApp, url: string): Promise<Subscription> =>
    (
      await http(t)
        .post('/api/webhooks')
        .set(auth(t))
        .send({
          url,
          events: ['contract.signed'],
          requestTimeoutMs: REQUEST_TIMEOUT_MS,
          ...SLOW_RETRY,
        })
        .expect(201)
    ).body as Subscription;

  const publish = async (t: TestApp): Promise<string> =>
    (
      (
        await http(t)
          .post('/api/events')
          .set(auth(t))
          .send({ type: 'contract.signed', data: contractSigned() })
          .expect(202)
      ).body as { id: string }
    ).id;

  /** The delivery of `eventId` to `subscriptionId`, once attempted and no longer sending. */
  const attemptedDelivery = async (
    t: TestApp,
    eventId: string,
    subscriptionId: string,
  ): Promise<Delivery> => {
    const [row] = await t.dataSource.query<{ id: string }[]>(
      `SELECT id FROM webhook_deliveries WHERE event_id = $1 AND subscription_id = $2`,
      [eventId, subscriptionId],
    );
    return deliveryWhenAttempted(t, row.id);
  };

  const deliveryWhenAttempted = (t: TestApp, id: string): Promise<Delivery> =>
    eventually(async () => {
      const d = (await http(t).get(`/api/deliveries/${id}`).set(auth(t)).expect(200))
        .body as Delivery;
      return d.status !== 'sending' && d.attempts.length > 0 ? d : null;
    }, 15_000);

  /** Registration saw the public address; then the host is flipped to `answer`. */
  const registerThenFlip = async (label: string, answer: string[]) => {
    const host = hostFor(label);
    const sub = await subscribe(strict, urlFor(host, listener.port));
    expect(lookups.some((l) => l.host === host && !l.flipped)).toBe(true);
    flipped.set(host, answer);
    return { host, sub };
  };

  /** Nothing reached our listener, nor any non-loopback address. */
  const expectNotContacted = (hosts: string[]) => {
    expect(listener.connections).toBe(0);
    expect(guard.refused).toEqual([]);
    expect(guard.attempts.filter((a) => a.port === listener.port)).toEqual([]);
    // The refusal came from the send-time lookup, not from anything before it.
    for (const host of hosts) {
      expect(lookups.some((l) => l.host === host && l.flipped)).toBe(true);
    }
  };

  const expectRefusedAttempt = (delivery: Delivery, reason: string) => {
    expect(delivery.status).not.toBe('succeeded');
    expect(['pending', 'failed']).toContain(delivery.status);
    const [first] = delivery.attempts;
    expect(first).toEqual(
      expect.objectContaining({
        attemptNumber: 1,
        status: 'failed',
        statusCode: null,
        error: reason,
      }),
    );
    expect(first.durationMs).toBeLessThanOrEqual(REQUEST_TIMEOUT_MS);
    expect(delivery.lastError).toBe(reason);
  };

  beforeAll(async () => {
    listener = await new CountingListener().start();
    // Plain HTTP allowed (our listener speaks it); private addresses NOT allowed.
    strict = await createTestApp(
      { WEBHOOKS_ALLOW_HTTP: 'true' },
      { resolveHost: rebindingResolver, webhooks: { httpClient: client } },
    );
  });

  afterAll(async () => {
    await strict?.close();
    await listener?.close();
  });

  it('public at registration, 127.0.0.1 at send time: not contacted, the refusal is recorded', async () => {
    const { host, sub } = await registerThenFlip('plain', ['127.0.0.1']);
    const delivery = await attemptedDelivery(strict, await publish(strict), sub.id);

    expectRefusedAttempt(delivery, LOOPBACK_REFUSED);
    expectNotContacted([host]);
  });

  it('a mix of public and 127.0.0.1 at send time (either order): refused, not even the public one', async () => {
    const first = await registerThenFlip('mix-public-first', [PUBLIC_ADDRESS, '127.0.0.1']);
    const second = await registerThenFlip('mix-loopback-first', ['127.0.0.1', PUBLIC_ADDRESS]);
    const eventId = await publish(strict);

    for (const { sub } of [first, second]) {
      expectRefusedAttempt(await attemptedDelivery(strict, eventId, sub.id), LOOPBACK_REFUSED);
    }
    expectNotContacted([first.host, second.host]);
    expect(guard.attempts.filter((a) => a.address === PUBLIC_ADDRESS)).toEqual([]);
  });

  it('other spellings of this machine at send time (::ffff:127.0.0.1, 0.0.0.0): refused', async () => {
    const mapped = await registerThenFlip('mapped', ['::ffff:127.0.0.1']);
    const unspecified = await registerThenFlip('unspecified', ['0.0.0.0']);
    const eventId = await publish(strict);

    expectRefusedAttempt(await attemptedDelivery(strict, eventId, mapped.sub.id), LOOPBACK_REFUSED);
    expectRefusedAttempt(
      await attemptedDelivery(strict, eventId, unspecified.sub.id),
      'address not public (unspecified)',
    );
    expectNotContacted([mapped.host, unspecified.host]);
  });

  it('POST /api/webhooks/:id/test sends at once: refused the same way, and logged', async () => {
    const { host, sub } = await registerThenFlip('ping', ['127.0.0.1']);
    const res = await http(strict)
      .post(`/api/webhooks/${sub.id}/test`)
      .set(auth(strict))
      .expect(200);
    expect(res.body).toEqual({
      delivered: false,
      statusCode: null,
      durationMs: expect.any(Number),
      error: LOOPBACK_REFUSED,
      attemptId: expect.any(String),
    });
    const logs = (
      await http(strict).get(`/api/webhooks/${sub.id}/logs`).set(auth(strict)).expect(200)
    ).body as { items: Attempt[] };
    expect(logs.items).toEqual([
      expect.objectContaining({
        id: (res.body as { attemptId: string }).attemptId,
        eventType: 'webhook.ping',
        status: 'failed',
        statusCode: null,
        error: LOOPBACK_REFUSED,
      }),
    ]);
    expectNotContacted([host]);
  });

  it('a direct send (WebhookPublisher.send) to such a host: refused the same way', async () => {
    const host = hostFor('direct');
    flipAfterFirst.set(host, ['127.0.0.1']);
    const { deliveryId } = await strict.app.get(WebhookPublisher).send(
      { type: 'contract.signed', data: contractSigned() },
      {
        companyId: company,
        url: urlFor(host, listener.port),
        secret: null,
        requestTimeoutMs: REQUEST_TIMEOUT_MS,
        ...SLOW_RETRY,
      },
    );
    // Accepted on the public answer; the send looked the name up again.
    expect(lookups.find((l) => l.host === host)?.flipped).toBe(false);
    const delivery = await deliveryWhenAttempted(strict, deliveryId);
    expectRefusedAttempt(delivery, LOOPBACK_REFUSED);
    expectNotContacted([host]);
  });

  it('the guard itself: a name still public at send time is stopped before it connects', async () => {
    const host = hostFor('still-public');
    const sub = await subscribe(strict, urlFor(host, listener.port));
    const delivery = await attemptedDelivery(strict, await publish(strict), sub.id);

    expect(guard.refused).toEqual([{ host, address: PUBLIC_ADDRESS }]);
    expect(guard.attempts.filter((a) => a.address === PUBLIC_ADDRESS)).toEqual([]);
    expect(delivery.attempts[0]).toEqual(
      expect.objectContaining({ status: 'failed', statusCode: null }),
    );
    expect(listener.connections).toBe(0);
    guard.refused.length = 0;
  });

  it('control: with WEBHOOKS_ALLOW_PRIVATE_URLS the same flipped name does reach the listener', async () => {
    const permissive = await createTestApp(
      { WEBHOOKS_ALLOW_HTTP: 'true', WEBHOOKS_ALLOW_PRIVATE_URLS: 'true' },
      { resolveHost: rebindingResolver, webhooks: { httpClient: client } },
    );
    const own = await new CountingListener().start();
    try {
      const host = hostFor('control');
      const sub = await subscribe(permissive, urlFor(host, own.port));
      flipped.set(host, ['127.0.0.1']);
      const delivery = await attemptedDelivery(permissive, await publish(permissive), sub.id);
      expect(delivery.status).toBe('succeeded');
      expect(delivery.attempts[0]).toEqual(
        expect.objectContaining({ status: 'succeeded', statusCode: 200, error: null }),
      );
      expect(own.connections).toBeGreaterThanOrEqual(1);
      expect(guard.refused).toEqual([]);
    } finally {
      await permissive.close();
      await own.close();
    }
    // And the strict app's listener still saw nothing.
    expect(listener.connections).toBe(0);
  });
});
