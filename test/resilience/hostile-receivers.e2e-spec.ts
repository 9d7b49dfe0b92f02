/**
 * Hostile receivers (CONTRACT.md "What a receiver gets", "Delivery semantics"): a receiver that
 * never answers, answers 1 GiB, drips one byte a second, redirects (to 127.0.0.1:22 and to a
 * listener of ours), closes the socket mid-answer, or answers with invalid HTTP. Each attempt ends
 * within its subscription's timeout, memory stays bounded, the attempt records what went wrong,
 * the delivery is retried or failed as the contract says, and a healthy subscription of the same
 * app is not slowed while all of them are busy (a never-answering endpoint holds at most the
 * per-subscription bound of requests).
 *
 * One scenario runs them all at once in one app; the tests below then look at what it recorded.
 * A circuit breaker may pause a failing endpoint after a few attempts, so only the first attempts
 * are counted on: "at least one attempt, and every attempt recorded says ...".
 */
import { createServer, type Server } from 'node:net';
import request from 'supertest';
import type { App } from 'supertest/types';
import { createTestApp, type TestApp } from '../support/test-app';
import { eventually, TestReceiver } from '../support/receiver';
import {
  type Attempt,
  type Delivery,
  deliveryHelpers,
  type Subscription,
} from '../support/delivery-harness';
import { DELIVERY_ENV } from '../support/constants';
import { drip, HostileServer, peakOverlap, streamBody } from '../support/hostile-server';

jest.setTimeout(80_000);

/** How much an attempt may outlive its timeout (timers on a busy 2-core machine). */
const MARGIN_MS = 500;
/** Longer than the whole healthy burst: the never-answering endpoint stays busy throughout. */
const SILENT_TIMEOUT_MS = 6000;
const DRIP_TIMEOUT_MS = 4000;
const GIB_TIMEOUT_MS = 3000;
const FAST_TIMEOUT_MS = 2000;
/** The dispatcher's default per-subscription bound (DEFAULT_DISPATCH_OPTIONS). */
const PER_SUBSCRIPTION_CONCURRENCY = 50;
const SILENT_EVENTS = PER_SUBSCRIPTION_CONCURRENCY + 10;
const HEALTHY_EVENTS = 50;
/** During the healthy burst, every this many healthy events one more to each hostile company. */
const HOSTILE_EVERY = 10;
const HEALTHY_P95_LIMIT_MS = 2000;
const RSS_GROWTH_LIMIT = 150 * 1024 * 1024;
const MAX_STORED_BODY_BYTES = 4096;
/**
 * Timing slack of the in-flight counts (not of the bound): the app's view rounds durations to the
 * millisecond; the receiver's may read a new request just before the previous connection's FIN.
 */
const OVERLAP_TOLERANCE_MS = 5;
const GIB = 1024 ** 3;

/** One retry a minute away: after the first attempt the delivery waits, `pending`. */
const SLOW_RETRY = { maxRetryCount: 1, retryDelayMs: 60_000, retryBackoffMultiplier: 1 };
/** A quick retry storm: these endpoints keep being hit during the healthy burst. */
const FAST_RETRY = { maxRetryCount: 3, retryDelayMs: 100, retryBackoffMultiplier: 1 };

const COMPANY = {
  silent: 'hostile-silent',
  gib: 'hostile-gib',
  drip: 'hostile-drip',
  redirect: 'hostile-redirect',
  close: 'hostile-close',
  invalid: 'hostile-invalid',
  healthy: 'hostile-healthy',
} as const;
type Group = Exclude<keyof typeof COMPANY, 'healthy'>;

/** One hostile subscription of the scenario. */
interface Endpoint {
  name: string;
  group: Group;
  url: () => string;
  timeoutMs: number;
  retry: Readonly<Record<string, number>>;
  sub?: Subscription;
}

interface Figures {
  rssBefore: number;
  rssAfter: number;
  rssPeak: number;
  healthyLatencies: number[];
  silentWaitingAtBurstStart: number;
  silentWaitingAtBurstEnd: number;
  waitingAtBurstStart: Record<string, number>;
  burstMs: number;
}

describe('hostile receivers', () => {
  let t: TestApp;
  let server: App;
  let healthy: TestReceiver;
  /** A listener nothing may reach: redirects point at it. */
  let trap: Server;
  let trapConnections = 0;
  let trapPort = 0;
  const servers: Record<string, HostileServer> = {};
  const endpoints: Endpoint[] = [];
  const eventsOf: Record<Group, string[]> = {
    silent: [],
    gib: [],
    drip: [],
    redirect: [],
    close: [],
    invalid: [],
  };

  const { auth, publish, deliveryIdOf, getDelivery } = deliveryHelpers(
    () => t,
    () => healthy,
  );

  const endpoint = (name: string): Endpoint => {
    const found = endpoints.find((e) => e.name === name);
    if (!found?.sub) throw new Error(`no subscription for ${name}`);
    return found;
  };

  const subscribeAt = async (
    company: string,
    url: string,
    body: Record<string, unknown>,
  ): Promise<Subscription> =>
    (
      await request(server)
        .post('/api/webhooks')
        .set(auth(company))
        .send({ url, events: ['contract.signed'], ...body })
        .expect(201)
    ).body as Subscription;

  /** Every attempt of a subscription, newest first (logs API, bounded pages). */
  const attemptsOf = async (e: Endpoint): Promise<Attempt[]> => {
    const all: Attempt[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const res = await request(server)
        .get(`/api/webhooks/${e.sub!.id}/logs`)
        .query(cursor ? { limit: 100, cursor } : { limit: 100 })
        .set(auth(COMPANY[e.group]))
        .expect(200);
      const body = res.body as { items: Attempt[]; nextCursor: string | null };
      all.push(...body.items);
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    return all;
  };

  /** The deliveries of a subscription that have at least one attempt, once none is `sending`. */
  const attemptedDeliveries = async (e: Endpoint): Promise<Delivery[]> => {
    const company = COMPANY[e.group];
    const result: Delivery[] = [];
    for (const eventId of eventsOf[e.group]) {
      const id = await deliveryIdOf(eventId, e.sub!.id);
      const delivery = await eventually(async () => {
        const d = await getDelivery(company, id);
        return d.status === 'sending' ? null : d;
      }, 15_000);
      if (delivery.attempts.length > 0) result.push(delivery);
    }
    return result;
  };

  const storedBodyBytes = async (subscriptionId: string): Promise<number> => {
    const [row] = await t.dataSource.query<{ max: number | null }[]>(
      `SELECT max(octet_length(response_body))::int AS max FROM webhook_attempts WHERE subscription_id = $1`,
      [subscriptionId],
    );
    return row.max ?? 0;
  };

  beforeAll(async () => {
    trap = createServer((socket) => socket.destroy());
    trap.on('connection', () => trapConnections++);
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    trapPort = (trap.address() as { port: number }).port;

    // Never answers: reads the request and keeps the connection open.
    servers.silent = await HostileServer.http(() => undefined);
    // 1 GiB, lazily: one 64 KiB chunk written again and again, stopping once the client left.
    const chunk = Buffer.alloc(64 * 1024, 'x');
    servers.gib = await HostileServer.http((req, res) => {
      if (req.url === '/gib-500') {
        res.writeHead(500, { 'content-type': 'text/plain', 'content-length': String(GIB) });
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' }); // chunked, "endless"
      }
      streamBody(res, chunk, GIB);
    });
    // One byte a second: the status line itself, or a 500's body.
    servers.dripHeaders = await HostileServer.raw((socket) =>
      drip(
        servers.dripHeaders,
        socket,
        Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'),
        1000,
      ),
    );
    servers.dripBody = await HostileServer.raw((socket) => {
      socket.write('HTTP/1.1 500 Internal Server Error\r\ncontent-length: 1000\r\n\r\n');
      drip(servers.dripBody, socket, Buffer.alloc(1000, 'z'), 1000);
    });
    // Redirects: to the trap, to this server itself, to 127.0.0.1:22.
    servers.redirect = await HostileServer.http((req, res) => {
      const location: Record<string, [number, string]> = {
        '/r302': [302, `http://127.0.0.1:${trapPort}/hook`],
        '/r307': [307, `http://127.0.0.1:${trapPort}/hook`],
        '/r308': [308, `http://127.0.0.1:${trapPort}/hook`],
        '/r301-self': [301, '/followed'],
        '/r302-ssh': [302, 'http://127.0.0.1:22/'],
      };
      const [status, target] = location[req.url ?? ''] ?? [200, ''];
      res.writeHead(status, target ? { location: target } : {});
      res.end(target ? 'moved' : 'followed');
    });
    // Closes mid-answer: inside the head (FIN), inside the head (RST), inside a 503's body, at once.
    servers.close = await HostileServer.raw((socket, req) => {
      switch (req.path) {
        case '/mid-head':
          socket.end('HTTP/1.1 200 OK\r\ncontent-type: text/pl');
          break;
        case '/mid-head-rst':
          socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/pl', () => socket.resetAndDestroy());
          break;
        case '/mid-body':
          socket.end('HTTP/1.1 503 Service Unavailable\r\ncontent-length: 1000\r\n\r\npartial');
          break;
        default:
          socket.destroy();
      }
    });
    // Not HTTP: an SSH banner, a 5-digit status, a 128 KiB header; the socket is left open.
    servers.invalid = await HostileServer.raw((socket, req) => {
      switch (req.path) {
        case '/ssh-banner':
          socket.write('SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n');
          break;
        case '/bad-status':
          socket.write('HTTP/1.1 99999 Whatever\r\ncontent-length: 0\r\n\r\n');
          break;
        default:
          socket.write(`HTTP/1.1 200 OK\r\nx-flood: ${'a'.repeat(128 * 1024)}`);
      }
    });

    const on = (name: string, path: string) => () => servers[name].url(path);
    endpoints.push(
      {
        name: 'silent',
        group: 'silent',
        url: on('silent', '/hook'),
        timeoutMs: SILENT_TIMEOUT_MS,
        retry: SLOW_RETRY,
      },
      {
        name: 'gib-500',
        group: 'gib',
        url: on('gib', '/gib-500'),
        timeoutMs: GIB_TIMEOUT_MS,
        retry: SLOW_RETRY,
      },
      {
        name: 'gib-200',
        group: 'gib',
        url: on('gib', '/gib-200'),
        timeoutMs: GIB_TIMEOUT_MS,
        retry: SLOW_RETRY,
      },
      {
        name: 'drip-headers',
        group: 'drip',
        url: on('dripHeaders', '/hook'),
        timeoutMs: DRIP_TIMEOUT_MS,
        retry: SLOW_RETRY,
      },
      {
        name: 'drip-body',
        group: 'drip',
        url: on('dripBody', '/hook'),
        timeoutMs: DRIP_TIMEOUT_MS,
        // No retry: failed after this one attempt.
        retry: { ...SLOW_RETRY, maxRetryCount: 0 },
      },
      ...['/r302', '/r307', '/r308', '/r301-self', '/r302-ssh'].map((path) => ({
        name: `redirect${path}`,
        group: 'redirect' as const,
        url: on('redirect', path),
        timeoutMs: FAST_TIMEOUT_MS,
        retry: FAST_RETRY,
      })),
      ...['/mid-head', '/mid-head-rst', '/mid-body', '/at-once'].map((path) => ({
        name: `close${path}`,
        group: 'close' as const,
        url: on('close', path),
        timeoutMs: FAST_TIMEOUT_MS,
        retry: FAST_RETRY,
      })),
      ...['/ssh-banner', '/bad-status', '/header-flood'].map((path) => ({
        name: `invalid${path}`,
        group: 'invalid' as const,
        url: on('invalid', path),
        timeoutMs: FAST_TIMEOUT_MS,
        retry: FAST_RETRY,
      })),
    );

    healthy = await TestReceiver.start();
    t = await createTestApp(DELIVERY_ENV);
    server = t.app.getHttpServer() as App;
    for (const e of endpoints) {
      e.sub = await subscribeAt(COMPANY[e.group], e.url(), {
        requestTimeoutMs: e.timeoutMs,
        ...e.retry,
      });
    }
  });

  /** Per endpoint: attempts seen and the longest duration (printed with RESILIENCE_REPORT=1). */
  const observed: Record<
    string,
    { attempts: number; maxDurationMs: number; timeoutMs: number; [figure: string]: number }
  > = {};

  afterAll(async () => {
    if (process.env.RESILIENCE_REPORT) {
      const receiverSide = Object.fromEntries(
        Object.entries(servers).map(([name, s]) => [
          name,
          {
            requests: s.received.length,
            connections: s.connections.length,
            withoutRequest: s.connections.filter((c) => !s.received.some((r) => r.connection === c))
              .length,
            peakOpenConnections: s.peakOpenConnections,
            peakWaitingRequests: s.peakWaitingRequests(),
            peakWaitingRequestsTolerant: s.peakWaitingRequests(OVERLAP_TOLERANCE_MS),
            maxBytesWritten: Math.max(0, ...s.connections.map((c) => c.bytesWritten)),
          },
        ]),
      );
      console.log(JSON.stringify({ observed, receiverSide, trapConnections }));
    }
    await t?.close();
    await healthy?.close();
    for (const s of Object.values(servers)) await s.close();
    await new Promise<void>((resolve) => (trap ? trap.close(() => resolve()) : resolve()));
  });

  let scenario: Promise<Figures> | null = null;
  /** Runs once; every test awaits it. */
  const run = (): Promise<Figures> => (scenario ??= runScenario());

  async function runScenario(): Promise<Figures> {
    await subscribeAt(COMPANY.healthy, healthy.url('/healthy'), {});
    // Warm-up: the healthy path works, and the app has done one delivery before memory is read.
    const warm = await publish(COMPANY.healthy);
    await eventually(async () => healthy.requests.find((r) => r.headers['webhook-id'] === warm));

    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }, 50);
    try {
      const publishHostile = async (group: Group) => {
        eventsOf[group].push(await publish(COMPANY[group]));
      };
      for (let i = 0; i < SILENT_EVENTS; i++) await publishHostile('silent');
      for (const group of ['gib', 'drip', 'redirect', 'close', 'invalid'] as const) {
        await publishHostile(group);
      }
      // Every never-answering request the per-subscription bound allows is in flight.
      await eventually(
        async () => servers.silent.waitingRequests() >= PER_SUBSCRIPTION_CONCURRENCY,
        15_000,
        20,
      );
      await eventually(
        async () =>
          servers.dripHeaders.waitingRequests() > 0 && servers.dripBody.waitingRequests() > 0,
        10_000,
        20,
      );
      const waitingAtBurstStart = Object.fromEntries(
        Object.entries(servers).map(([name, s]) => [name, s.waitingRequests()]),
      );
      const silentWaitingAtBurstStart = servers.silent.waitingRequests();

      // The healthy burst, with more hostile events mixed in so every hostile endpoint keeps
      // being hit while it runs.
      const publishedAt = new Map<string, number>();
      const burstStart = Date.now();
      for (let i = 0; i < HEALTHY_EVENTS; i++) {
        const at = Date.now();
        publishedAt.set(await publish(COMPANY.healthy), at);
        if (i % HOSTILE_EVERY === HOSTILE_EVERY - 1) {
          for (const group of ['gib', 'drip', 'redirect', 'close', 'invalid'] as const) {
            await publishHostile(group);
          }
        }
      }
      const burstMs = Date.now() - burstStart;
      const silentWaitingAtBurstEnd = servers.silent.waitingRequests();

      const arrivals = await eventually(async () => {
        const byId = new Map<string, number>();
        for (const r of healthy.on('/healthy')) {
          const id = String(r.headers['webhook-id']);
          if (publishedAt.has(id) && !byId.has(id)) byId.set(id, r.at);
        }
        return byId.size === publishedAt.size ? byId : null;
      }, 30_000);
      const healthyLatencies = [...publishedAt].map(([id, at]) => arrivals.get(id)! - at);

      // Every hostile subscription has attempts recorded (the never-answering one: a first wave).
      await eventually(
        async () => (await attemptsOf(endpoint('silent'))).length >= PER_SUBSCRIPTION_CONCURRENCY,
        SILENT_TIMEOUT_MS * 3,
        200,
      );
      for (const e of endpoints) {
        await eventually(async () => (await attemptsOf(e)).length > 0, 15_000, 200);
      }
      // Sockets of the big and slow answers are all gone by now.
      await eventually(
        async () =>
          ['gib', 'dripHeaders', 'dripBody'].every((name) => servers[name].openConnections === 0),
        DRIP_TIMEOUT_MS + 5000,
        50,
      );
      const rssAfter = process.memoryUsage().rss;
      const figures: Figures = {
        rssBefore,
        rssAfter,
        rssPeak,
        healthyLatencies,
        silentWaitingAtBurstStart,
        silentWaitingAtBurstEnd,
        waitingAtBurstStart,
        burstMs,
      };
      if (process.env.RESILIENCE_REPORT) {
        const sorted = [...healthyLatencies].sort((a, b) => a - b);
        console.log(
          JSON.stringify({
            rssBeforeMB: mb(rssBefore),
            rssAfterMB: mb(rssAfter),
            rssPeakMB: mb(rssPeak),
            healthyP50: percentile(sorted, 0.5),
            healthyP95: percentile(sorted, 0.95),
            healthyMax: sorted[sorted.length - 1],
            burstMs,
            silentWaitingAtBurstStart,
            silentWaitingAtBurstEnd,
            waitingAtBurstStart,
          }),
        );
      }
      return figures;
    } finally {
      clearInterval(sampler);
    }
  }

  /** Checks every recorded attempt of `name` and answers them with its attempted deliveries. */
  async function expectAttempts(
    name: string,
    check: (attempt: Attempt) => void,
  ): Promise<{ attempts: Attempt[]; deliveries: Delivery[] }> {
    await run();
    const e = endpoint(name);
    const attempts = await attemptsOf(e);
    observed[name] = {
      attempts: attempts.length,
      maxDurationMs: Math.max(...attempts.map((a) => a.durationMs)),
      timeoutMs: e.timeoutMs,
    };
    expect(attempts.length).toBeGreaterThanOrEqual(1);
    for (const attempt of attempts) {
      expect(attempt.status).toBe('failed');
      expect(attempt.durationMs).toBeLessThanOrEqual(e.timeoutMs + MARGIN_MS);
      check(attempt);
    }
    const deliveries = await attemptedDeliveries(e);
    expect(deliveries.length).toBeGreaterThanOrEqual(1);
    for (const d of deliveries) {
      // Retried (3xx, 5xx, timeouts, connection errors), or failed once retries are exhausted.
      expect(['pending', 'failed']).toContain(d.status);
      if (d.status === 'pending') {
        expect(d.nextAttemptAt).not.toBeNull();
      } else {
        expect(d.nextAttemptAt).toBeNull();
      }
    }
    return { attempts, deliveries };
  }

  /** Receiver side: every request on `s` (to `path`) was given up by the client within `timeoutMs` + margin. */
  function expectClientLeftWithin(s: HostileServer, timeoutMs: number, path: string | null = null) {
    const requests = s.requests(path);
    expect(requests.length).toBeGreaterThanOrEqual(1);
    for (const r of requests) {
      if (r.answered) continue;
      expect(r.connection.closedAt).not.toBeNull();
      expect(r.connection.closedAt! - r.at).toBeLessThanOrEqual(timeoutMs + MARGIN_MS);
    }
  }

  it('a healthy subscription gets all its events promptly while every hostile endpoint is busy', async () => {
    const figures = await run();
    expect(figures.healthyLatencies).toHaveLength(HEALTHY_EVENTS);
    const sorted = [...figures.healthyLatencies].sort((a, b) => a - b);
    expect(percentile(sorted, 0.95)).toBeLessThan(HEALTHY_P95_LIMIT_MS);
    // The burst really ran while the never-answering endpoint held its requests.
    expect(figures.silentWaitingAtBurstStart).toBeGreaterThanOrEqual(PER_SUBSCRIPTION_CONCURRENCY);
    expect(figures.silentWaitingAtBurstEnd).toBeGreaterThan(0);
    expect(figures.waitingAtBurstStart.dripHeaders).toBeGreaterThan(0);
    expect(figures.waitingAtBurstStart.dripBody).toBeGreaterThan(0);
  });

  it('never answers: each attempt times out at requestTimeoutMs; at most the per-subscription bound in flight', async () => {
    const { attempts, deliveries } = await expectAttempts('silent', (a) => {
      expect(a.statusCode).toBeNull();
      expect(a.error).toBe('timeout');
      expect(a.durationMs).toBeGreaterThanOrEqual(SILENT_TIMEOUT_MS - 50);
    });
    expect(attempts.length).toBeGreaterThanOrEqual(PER_SUBSCRIPTION_CONCURRENCY);
    for (const d of deliveries) expect(d.status).toBe('pending'); // one retry, a minute away
    // Never more requests in flight than the per-subscription bound: as the app logged them
    // (each attempt from its start to its end), and as the receiver saw them.
    const appPeak = peakOverlap(
      attempts.map((a) => {
        const end = new Date(a.createdAt).getTime();
        return [end - a.durationMs, end - OVERLAP_TOLERANCE_MS] as const;
      }),
    );
    const receiverPeak = servers.silent.peakWaitingRequests(OVERLAP_TOLERANCE_MS);
    observed.silent = { ...observed.silent, appPeak, receiverPeak };
    expect(appPeak).toBeLessThanOrEqual(PER_SUBSCRIPTION_CONCURRENCY);
    expect(receiverPeak).toBeLessThanOrEqual(PER_SUBSCRIPTION_CONCURRENCY);
    await eventually(async () =>
      servers.silent
        .requests()
        .slice(0, PER_SUBSCRIPTION_CONCURRENCY)
        .every((r) => r.connection.closedAt !== null),
    );
    expectClientLeftWithin(servers.silent, SILENT_TIMEOUT_MS);
  });

  it('answers 1 GiB: the attempt ends early, stores at most 4 KiB, and the receiver stops sending', async () => {
    const figures = await run();
    const failing = await expectAttempts('gib-500', (a) => {
      expect(a.statusCode).toBe(500);
      expect(Buffer.byteLength(a.responseBody ?? '')).toBeLessThanOrEqual(MAX_STORED_BODY_BYTES);
      expect(a.responseBody ?? '').toMatch(/^x+$/);
    });
    for (const d of failing.deliveries) expect(d.status).toBe('pending');

    // A 2xx answer succeeds (the contract), however big the body behind it.
    const ok = endpoint('gib-200');
    const okAttempts = await attemptsOf(ok);
    observed[ok.name] = {
      attempts: okAttempts.length,
      maxDurationMs: Math.max(...okAttempts.map((a) => a.durationMs)),
      timeoutMs: ok.timeoutMs,
    };
    expect(okAttempts.length).toBeGreaterThanOrEqual(1);
    for (const a of okAttempts) {
      expect(a).toEqual(expect.objectContaining({ status: 'succeeded', statusCode: 200 }));
      expect(a.durationMs).toBeLessThanOrEqual(GIB_TIMEOUT_MS + MARGIN_MS);
      expect(Buffer.byteLength(a.responseBody ?? '')).toBeLessThanOrEqual(MAX_STORED_BODY_BYTES);
    }
    expect(await storedBodyBytes(endpoint('gib-500').sub!.id)).toBeLessThanOrEqual(
      MAX_STORED_BODY_BYTES,
    );
    expect(await storedBodyBytes(ok.sub!.id)).toBeLessThanOrEqual(MAX_STORED_BODY_BYTES);

    // The receiver's side: every connection closed by the client long before 1 GiB went out.
    const gib = servers.gib;
    expect(gib.connections.length).toBeGreaterThanOrEqual(2);
    for (const c of gib.connections) {
      expect(c.closedAt).not.toBeNull();
      expect(c.bytesWritten).toBeLessThan(64 * 1024 * 1024);
    }
    expectClientLeftWithin(gib, GIB_TIMEOUT_MS);

    expect(figures.rssAfter - figures.rssBefore).toBeLessThan(RSS_GROWTH_LIMIT);
    expect(figures.rssPeak - figures.rssBefore).toBeLessThan(RSS_GROWTH_LIMIT);
  });

  it('drips one byte a second: the attempt ends at requestTimeoutMs however the bytes trickle', async () => {
    const figures = await run();
    await expectAttempts('drip-headers', (a) => {
      expect(a.statusCode).toBeNull();
      expect(a.error).toBe('timeout');
      expect(a.durationMs).toBeGreaterThanOrEqual(DRIP_TIMEOUT_MS - 50);
    });
    // The status arrived, the body never ends: the 500 and the timeout are both recorded.
    const body = await expectAttempts('drip-body', (a) => {
      expect(a.statusCode).toBe(500);
      expect(a.error).toBe('timeout');
      expect(a.durationMs).toBeGreaterThanOrEqual(DRIP_TIMEOUT_MS - 50);
    });
    for (const d of body.deliveries) expect(d.status).toBe('failed'); // maxRetryCount 0
    expectClientLeftWithin(servers.dripHeaders, DRIP_TIMEOUT_MS);
    expectClientLeftWithin(servers.dripBody, DRIP_TIMEOUT_MS);
    expect(figures.rssAfter - figures.rssBefore).toBeLessThan(RSS_GROWTH_LIMIT);
  });

  it('redirects: the 3xx is recorded and retried, never followed (no connection to the target)', async () => {
    for (const [path, status] of [
      ['/r302', 302],
      ['/r307', 307],
      ['/r308', 308],
      ['/r301-self', 301],
      ['/r302-ssh', 302],
    ] as const) {
      await expectAttempts(`redirect${path}`, (a) => {
        expect(a.statusCode).toBe(status);
        expect(a.error).toBeNull();
      });
    }
    expect(trapConnections).toBe(0);
    expect(servers.redirect.requests('/followed')).toHaveLength(0);
    for (const r of servers.redirect.requests()) {
      expect(['/r302', '/r307', '/r308', '/r301-self', '/r302-ssh']).toContain(r.path);
    }
  });

  it('closes the socket mid-answer: connection reset, recorded, retried', async () => {
    for (const name of ['close/mid-head', 'close/mid-head-rst', 'close/at-once']) {
      await expectAttempts(name, (a) => {
        expect(a.statusCode).toBeNull();
        expect(a.error).toBe('connection reset');
      });
    }
    await expectAttempts('close/mid-body', (a) => {
      expect(a.statusCode).toBe(503);
      expect(a.error).toBe('connection reset');
      expect(a.responseBody).toBe('partial');
    });
  });

  it('answers with invalid HTTP: invalid http response, recorded at once, retried', async () => {
    for (const name of ['invalid/ssh-banner', 'invalid/bad-status', 'invalid/header-flood']) {
      await expectAttempts(name, (a) => {
        expect(a.statusCode).toBeNull();
        expect(a.error).toBe('invalid http response');
      });
    }
    // The client hung up instead of waiting on the open socket.
    expectClientLeftWithin(servers.invalid, FAST_TIMEOUT_MS);
  });
});

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

function mb(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}
