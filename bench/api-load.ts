/**
 * The management API under load, for `npm run bench` (`BENCH_ONLY=api` runs only this part): the
 * built service (`../src/main.js` next to this file, started as `node` with the bench's database
 * and the rate limit off, so what is measured is the API itself, not the throttler) in its own
 * process, and 200 autocannon connections from this one for BENCH_API_SECONDS (default 30) on
 * 127.0.0.1, each sending its next request as soon as the last is answered. The mix is mostly
 * subscription list and detail reads, with delivery logs, a delivery, the catalog and event
 * publishing, over several companies' bearer tokens. Reports requests/s, p50/p99 latency
 * (autocannon's histogram, whole milliseconds), 5xx, connection errors/timeouts (10 s), the
 * service's CPU time per request and its peak RSS.
 *
 * With 200 requests always in flight the latency is mostly queueing (mean = 200 / requests/s),
 * and the connections a saturated service accepts last wait seconds for their first answer: p99
 * here is not the latency of one request on an idle service.
 */
import autocannon from 'autocannon';
import { JwtService } from '@nestjs/jwt';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '../src/database/free-port';
import { call, cpuMs, rssMb, runLoad, ServiceProcess, sleep } from './service-process';
import { tenantRequests } from './tenant-requests';

const CONNECTIONS = 200;
const SECONDS = Number(process.env.BENCH_API_SECONDS ?? 30);
const COMPANIES = ['api-bench-a', 'api-bench-b', 'api-bench-c', 'api-bench-d'];
/** Subscriptions per company: more than one page of the list (limit 20). */
const SUBSCRIPTIONS = 25;
/** Logged deliveries per company, for the logs and delivery routes. */
const LOGGED = 20;
const PERMISSIONS = ['system.webhooks.manage', 'system.events.publish'];

export interface ApiLoadResult {
  apiConnections: number;
  apiSeconds: number;
  apiRequests: number;
  apiReqPerSec: number;
  apiP50Ms: number;
  apiP99Ms: number;
  api5xx: number;
  /** Answers that were neither 2xx nor 5xx (none expected: the mix is valid). */
  apiOther: number;
  /** Connection errors and timeouts (10 s). */
  apiErrors: number;
  /** CPU time of the service process (user + system) per answered request. */
  apiCpuMsPerReq: number;
  /** The service's peak RSS during the load. */
  apiRssMb: number;
  /** The same mix from 10 connections for 10 s: the API's own latency when not saturated. */
  apiAt10ConnReqPerSec: number;
  apiAt10ConnP50Ms: number;
  apiAt10ConnP99Ms: number;
}

interface Tenant {
  token: string;
  subscriptionIds: string[];
  loggedSubscriptionId: string;
  deliveryId: string;
}

const eventBody = JSON.stringify({
  type: 'contract.signed',
  data: {
    contractId: '6f1c1c7e-2b9d-4f43-9a43-0f8f1b1f3a01',
    employeeId: '2a0c5d1e-7b7e-4d8e-9f3b-1d2c3e4f5a6b',
    contractType: 'CDI',
    startDate: '2026-12-01',
  },
});

/**
 * Per company: SUBSCRIPTIONS subscriptions to `candidate.*` (never published here) and one that
 * receives LOGGED contract.signed deliveries from a local receiver, then is switched to
 * `candidate.*` too, so that the events published under load create no deliveries.
 */
async function seed(baseUrl: string, jwtSecret: string, receiverUrl: string): Promise<Tenant[]> {
  const jwt = new JwtService({ secret: jwtSecret });
  return Promise.all(
    COMPANIES.map(async (companyId) => {
      const token = jwt.sign(
        { sub: 'bench', companyId, permissions: PERMISSIONS },
        { algorithm: 'HS256', expiresIn: 3600 },
      );
      const subscriptionIds: string[] = [];
      for (let i = 0; i < SUBSCRIPTIONS; i++) {
        const created = await call<{ id: string }>(baseUrl, token, 'POST', '/api/webhooks', {
          url: `${receiverUrl}/${companyId}/${i}`,
          events: ['candidate.*'],
          description: `bench subscription ${i}`,
        });
        subscriptionIds.push(created.id);
      }
      const logged = await call<{ id: string }>(baseUrl, token, 'POST', '/api/webhooks', {
        url: `${receiverUrl}/${companyId}/logged`,
        events: ['contract.signed'],
      });
      for (let i = 0; i < LOGGED; i++) {
        await call(baseUrl, token, 'POST', '/api/events', JSON.parse(eventBody));
      }
      const logs = `/api/webhooks/${logged.id}/logs?limit=100`;
      const deadline = Date.now() + 60_000;
      let items: { deliveryId: string }[] = [];
      while (items.length < LOGGED && Date.now() < deadline) {
        await sleep(200);
        items = (await call<{ items: { deliveryId: string }[] }>(baseUrl, token, 'GET', logs))
          .items;
      }
      if (items.length < LOGGED) throw new Error(`${companyId}: ${items.length} attempts logged`);
      await call(baseUrl, token, 'PATCH', `/api/webhooks/${logged.id}`, {
        events: ['candidate.*'],
      });
      return {
        token,
        subscriptionIds,
        loggedSubscriptionId: logged.id,
        deliveryId: items[0].deliveryId,
      };
    }),
  );
}

/** The request mix of one connection's pass: 6 of 10 are subscription list/detail reads. */
function requestMix(tenants: Tenant[], counts: Map<number, number>): autocannon.Request[] {
  const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)];
  const request = tenantRequests(tenants, eventBody);
  const counted = {
    answered: (status: number) => counts.set(status, (counts.get(status) ?? 0) + 1),
  };
  const step = (
    method: 'GET' | 'POST',
    pathOf: (tenant: Tenant) => string,
    first = false,
  ): autocannon.Request => request(method, pathOf, counted, first);
  return [
    step('GET', () => '/api/webhooks?limit=20', true),
    step('GET', (t) => `/api/webhooks/${pick(t.subscriptionIds)}`),
    step('GET', (t) => `/api/webhooks/${pick(t.subscriptionIds)}`),
    step('GET', (t) => `/api/webhooks/${t.loggedSubscriptionId}/logs?limit=20`),
    step('GET', () => '/api/webhooks?limit=100'),
    step('GET', (t) => `/api/webhooks/${pick(t.subscriptionIds)}`),
    step('GET', (t) => `/api/deliveries/${t.deliveryId}`),
    step('GET', () => '/api/event-types'),
    step('GET', (t) => `/api/webhooks/${pick(t.subscriptionIds)}`),
    step('POST', () => '/api/events'),
  ];
}

/** Starts the service on `databaseUrl`, seeds it, loads it, stops it. */
export async function apiLoad(databaseUrl: string): Promise<ApiLoadResult> {
  if (!(SECONDS > 0 && SECONDS <= 600)) throw new Error('BENCH_API_SECONDS must be 1 to 600');
  const jwtSecret = randomBytes(24).toString('hex');
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200).end('ok'));
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const service = new ServiceProcess(databaseUrl, await freePort(), jwtSecret);
  try {
    await service.waitUntilHealthy();
    const tenants = await seed(service.baseUrl, jwtSecret, receiverUrl);
    await sleep(1_100); // the dispatcher's subscription cache lives one second
    const counts = new Map<number, number>();
    let peakRss = rssMb(service.pid);
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(service.pid))), 500);
    const cpuBefore = cpuMs(service.pid);
    const result = await runLoad({
      url: service.baseUrl,
      connections: CONNECTIONS,
      duration: SECONDS,
      pipelining: 1,
      timeout: 10,
      requests: requestMix(tenants, counts),
    }).finally(() => clearInterval(sampler));
    const cpu = cpuMs(service.pid) - cpuBefore;
    // With 200 connections always waiting, latency is 200 / throughput (Little's law): also
    // measure a load the service is not saturated by.
    const light = await runLoad({
      url: service.baseUrl,
      connections: 10,
      duration: Math.min(SECONDS, 10),
      pipelining: 1,
      timeout: 10,
      requests: requestMix(tenants, new Map<number, number>()),
    });
    let other = 0;
    for (const [status, n] of counts) {
      if (status < 200 || (status >= 300 && status < 500)) other += n;
    }
    return {
      apiConnections: CONNECTIONS,
      apiSeconds: SECONDS,
      apiRequests: result.requests.total,
      apiReqPerSec: Math.round(result.requests.average),
      apiP50Ms: result.latency.p50,
      apiP99Ms: result.latency.p99,
      api5xx: result['5xx'],
      apiOther: other,
      apiErrors: result.errors,
      apiCpuMsPerReq: Number((cpu / Math.max(1, result.requests.total)).toFixed(2)),
      apiRssMb: Math.round(peakRss),
      apiAt10ConnReqPerSec: Math.round(light.requests.average),
      apiAt10ConnP50Ms: light.latency.p50,
      apiAt10ConnP99Ms: light.latency.p99,
    };
  } finally {
    await service.stop();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  }
}
