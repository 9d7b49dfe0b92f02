/**
 * Publishing through the REST API as a client does, delivered (`npm run bench`, `BENCH_ONLY=rest`
 * for this part alone): the built service in its own process, the receiver in its own, and
 * autocannon here posting BENCH_REST_EVENTS (5,000) `POST /api/events` at concurrency 20, once
 * with a fresh `Idempotency-Key` on every request and once without. The rate is events delivered
 * per second, from the first request to the last first arrival, beside the same run's bare undici
 * pool; the service's CPU time per publish includes its delivery. Then the same number of events
 * as `POST /api/events/batch` requests of BATCH_SIZE (100) from BATCH_CONNECTIONS (5). Then the
 * service's CPU time per request of a 404, `/health`, `/metrics` and a subscription list (from
 * /proc, 10 ms ticks: 2,000 requests make it exact to 0.005 ms), and that of a 404 answered by a
 * bare Nest + Express app in its own process (`bare-nest-app.ts`): the floor, for comparison.
 */
import { JwtService } from '@nestjs/jwt';
import { randomBytes, randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { freePort } from '../src/database/free-port';
import type { Receiver } from './receiver-process';
import { call, cpuMs, runLoad, ServiceProcess, sleep } from './service-process';

const EVENTS = Number(process.env.BENCH_REST_EVENTS ?? 5_000);
const CONNECTIONS = 20;
const COMPANY = 'rest-bench';
const BATCH_SIZE = 100;
const BATCH_CONNECTIONS = 5;

export interface RestPublishResult {
  restEvents: number;
  restKeyedPerSec: number;
  restUnkeyedPerSec: number;
  restBareUndiciPerSec: number;
  restKeyedRatio: number;
  restUnkeyedRatio: number;
  restKeyedCpuMsPerPublish: number;
  restUnkeyedCpuMsPerPublish: number;
  /** `POST /api/events/batch` of BATCH_SIZE events each: events delivered per second. */
  restBatch100PerSec: number;
  restBatch100Ratio: number;
  restBatch100CpuMsPerEvent: number;
  /** Answers other than 202 (none expected). */
  restNon2xx: number;
  /** The service's CPU time per request (ms), REQUESTS_EACH of each at concurrency 10, warmed. */
  cpuMsPer404: number;
  cpuMsPerHealth: number;
  cpuMsPerMetrics: number;
  cpuMsPerList: number;
  /** A bare Nest + Express app's CPU time per 404 in the same run, and ours over it. */
  bareNestCpuMsPer404: number;
  /** The same bare app on Fastify, the service's adapter. */
  bareNestFastifyCpuMsPer404: number;
  cpuMsPer404OverBareNest: number;
}

const REQUESTS_EACH = 2_000;

/** The service's CPU per request for `count` GETs of `route` (after as many to warm it). */
async function cpuPerRequest(
  service: { baseUrl: string; pid: number },
  token: string,
  route: string,
  expected: number,
): Promise<number> {
  const load = () =>
    runLoad({
      url: `${service.baseUrl}${route}`,
      connections: 10,
      amount: REQUESTS_EACH,
      timeout: 10,
      headers: { authorization: `Bearer ${token}` },
    });
  await load();
  const before = cpuMs(service.pid);
  const result = await load();
  const answered = result[`${Math.floor(expected / 100)}xx` as '2xx' | '4xx'];
  if (answered !== REQUESTS_EACH) {
    throw new Error(`GET ${route}: ${answered} of ${REQUESTS_EACH} answered ${expected}`);
  }
  return (cpuMs(service.pid) - before) / REQUESTS_EACH;
}

const eventBody = () =>
  JSON.stringify({
    type: 'contract.signed',
    data: {
      contractId: randomUUID(),
      employeeId: randomUUID(),
      contractType: 'CDI',
      startDate: '2026-12-01',
    },
  });

const batchBody = () =>
  JSON.stringify({
    events: Array.from({ length: BATCH_SIZE }, () => JSON.parse(eventBody()) as unknown),
  });

/**
 * Posts `count` events (`mode`: one per request with a fresh key, one per request without, or
 * BATCH_SIZE per batch request) and waits until the receiver has seen each once.
 */
async function publishAndDeliver(
  service: ServiceProcess,
  receiver: Receiver,
  token: string,
  count: number,
  mode: 'keyed' | 'unkeyed' | 'batch',
): Promise<{ perSec: number; cpuMsPerPublish: number; non2xx: number }> {
  await receiver.reset();
  const cpuBefore = cpuMs(service.pid);
  const started = Date.now();
  const batch = mode === 'batch';
  const events = batch ? Math.ceil(count / BATCH_SIZE) * BATCH_SIZE : count;
  // Watched while the load runs: autocannon notices that its last answer came only on its
  // one-second tick, which would round every rate down to 5,000 / whole seconds.
  const delivered = receiver.waitForDistinct(events);
  delivered.catch(() => undefined); // awaited below; not unhandled if the load fails first
  const result = await runLoad({
    url: `${service.baseUrl}/api/events${batch ? '/batch' : ''}`,
    method: 'POST',
    connections: batch ? BATCH_CONNECTIONS : CONNECTIONS,
    amount: batch ? Math.ceil(count / BATCH_SIZE) : count,
    timeout: 10,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          body: batch ? batchBody() : eventBody(),
          headers:
            mode === 'keyed'
              ? { ...request.headers, 'idempotency-key': randomUUID() }
              : request.headers,
        }),
      },
    ],
  });
  const deliveredAt = await delivered;
  return {
    perSec: events / ((deliveredAt - started) / 1000),
    cpuMsPerPublish: (cpuMs(service.pid) - cpuBefore) / events,
    non2xx: result.non2xx,
  };
}

/** `bare(count)`: the same run's bare undici pool posting `count` events to the receiver. */
export async function restPublish(
  databaseUrl: string,
  receiver: Receiver,
  bare: (count: number) => Promise<number>,
): Promise<RestPublishResult> {
  if (!(EVENTS > 0 && EVENTS <= 100_000)) throw new Error('BENCH_REST_EVENTS must be 1 to 100,000');
  const jwtSecret = randomBytes(24).toString('hex');
  const service = new ServiceProcess(databaseUrl, await freePort(), jwtSecret);
  try {
    await service.waitUntilHealthy();
    const token = new JwtService({ secret: jwtSecret }).sign(
      {
        sub: 'bench',
        companyId: COMPANY,
        permissions: ['system.webhooks.manage', 'system.events.publish'],
      },
      { algorithm: 'HS256', expiresIn: 3600 },
    );
    await call(service.baseUrl, token, 'POST', '/api/webhooks', {
      url: receiver.url('/rest'),
      events: ['contract.signed'],
    });
    await sleep(1_100); // the dispatcher's subscription cache lives one second
    // Warm: JIT, pools, prepared statements.
    await publishAndDeliver(service, receiver, token, Math.min(1_000, EVENTS), 'keyed');
    const keyed = await publishAndDeliver(service, receiver, token, EVENTS, 'keyed');
    const unkeyed = await publishAndDeliver(service, receiver, token, EVENTS, 'unkeyed');
    const batch = await publishAndDeliver(service, receiver, token, EVENTS, 'batch');
    const barePerSec = await bare(EVENTS);
    const per404 = await cpuPerRequest(service, token, '/api/no-such-route', 404);
    const bareNest404 = await bareNestCpuPer404('express');
    const bareNestFastify404 = await bareNestCpuPer404('fastify');
    const perHealth = await cpuPerRequest(service, token, '/health', 200);
    const perMetrics = await cpuPerRequest(service, token, '/metrics', 200);
    const perList = await cpuPerRequest(service, token, '/api/webhooks?limit=20', 200);
    const round = (n: number, digits = 0) => Number(n.toFixed(digits));
    return {
      restEvents: EVENTS,
      restKeyedPerSec: round(keyed.perSec),
      restUnkeyedPerSec: round(unkeyed.perSec),
      restBareUndiciPerSec: round(barePerSec),
      restKeyedRatio: round(keyed.perSec / barePerSec, 3),
      restUnkeyedRatio: round(unkeyed.perSec / barePerSec, 3),
      restKeyedCpuMsPerPublish: round(keyed.cpuMsPerPublish, 3),
      restUnkeyedCpuMsPerPublish: round(unkeyed.cpuMsPerPublish, 3),
      restBatch100PerSec: round(batch.perSec),
      restBatch100Ratio: round(batch.perSec / barePerSec, 3),
      restBatch100CpuMsPerEvent: round(batch.cpuMsPerPublish, 3),
      restNon2xx: keyed.non2xx + unkeyed.non2xx + batch.non2xx,
      cpuMsPer404: round(per404, 3),
      cpuMsPerHealth: round(perHealth, 3),
      cpuMsPerMetrics: round(perMetrics, 3),
      cpuMsPerList: round(perList, 3),
      bareNestCpuMsPer404: round(bareNest404, 3),
      cpuMsPer404OverBareNest: round(per404 / bareNest404, 2),
      bareNestFastifyCpuMsPer404: round(bareNestFastify404, 3),
    };
  } finally {
    await service.stop();
  }
}

/** A bare Nest app (`bare-nest-app.js` beside this file) in its own process: its CPU per 404. */
async function bareNestCpuPer404(adapter: 'express' | 'fastify'): Promise<number> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(__dirname, 'bare-nest-app.js')], {
    env: { PATH: process.env.PATH, PORT: String(port), NODE_ENV: 'production', ADAPTER: adapter },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await Promise.race([
      new Promise<void>((resolve) => child.stdout.once('data', () => resolve())),
      exited.then(() => Promise.reject(new Error('the bare Nest app exited'))),
      sleep(30_000).then(() => Promise.reject(new Error('the bare Nest app did not start'))),
    ]);
    const app = { baseUrl: `http://127.0.0.1:${port}`, pid: child.pid! };
    return await cpuPerRequest(app, '-', '/api/no-such-route', 404);
  } finally {
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(5_000).then(() => child.kill('SIGKILL'))]);
  }
}
