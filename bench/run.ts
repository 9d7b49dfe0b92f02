/**
 * `npm run bench`: delivery throughput, latency, fan-out and backlog drain on this machine,
 * against PostgreSQL (DATABASE_URL, or the embedded server) and a receiver in its own process on
 * 127.0.0.1. Prints one JSON line. Every loop is bounded in count and time.
 *
 * BENCH_ROUNDS (3): pairs of the app's throughput and the bare pool's; BENCH_EVENTS (20,000) a
 * pair's events; BENCH_BACKLOG (50,000); BENCH_REST_EVENTS (5,000); BENCH_ONLY=throughput|backlog|api|rest|signatures|fanout
 * one part alone;
 * BENCH_CPU_PROFILE=<file> a V8 CPU profile of the app during the first round.
 */
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import axios from 'axios';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import * as path from 'node:path';
import { Session } from 'node:inspector/promises';
import { Client } from 'pg';
import { Agent, request } from 'undici';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { configureApp } from '../src/app.setup';
import { createHttpAdapter } from '../src/http/http-adapter';
import { loadConfig } from '../src/config/app-config';
import { EmbeddedDatabase } from '../src/database/embedded-database';
import { SubscriptionsService, WebhookPublisher } from 'nest-webhooks';
import { type Counter, register } from 'prom-client';
import { apiLoad } from './api-load';
import { Receiver } from './receiver-process';
import { restPublish } from './rest-publish';

const COMPANY = 'bench';
const THROUGHPUT_EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
/**
 * Rounds of (app, bare pool), one right after the other: the bare pool's rate swings by a third
 * from one minute to the next on a shared machine, so one pair could land on either side of it.
 */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
/** Alternating HMAC / Ed25519 runs of the signature-cost phase, and their events each. */
const SIGNATURE_ROUNDS = 3;
const SIGNATURE_EVENTS = 5_000;
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 50_000);
const FANOUT = 1_000;
const LATENCY_RATE = 50;
const LATENCY_SECONDS = 10;
/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these. */
const CLOCK_TICKS = 100;
const SECRET_KEY = randomBytes(32);
const SECRET = `whsec_${SECRET_KEY.toString('base64')}`;

const eventData = () => ({
  contractId: randomUUID(),
  employeeId: randomUUID(),
  contractType: 'CDI',
  startDate: '2026-12-01',
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Runs `task(i)` for i < count with at most `width` in flight. */
async function pool(
  count: number,
  width: number,
  task: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const round = (n: number, digits = 0) => Number(n.toFixed(digits));

async function startApp(
  databaseUrl: string,
  httpClient: 'undici' | 'axios',
): Promise<INestApplication> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    WEBHOOKS_ALLOW_HTTP: 'true',
    WEBHOOKS_ALLOW_PRIVATE_URLS: 'true',
    API_RATE_LIMIT: '0',
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, databaseUrl, { webhooks: { httpClient } }),
    createHttpAdapter(),
    { logger: ['error'], bodyParser: false },
  );
  configureApp(app);
  await app.init();
  return app;
}

async function subscribe(
  app: INestApplication,
  url: string,
  signatureAlgorithm = 'HmacSha256',
): Promise<string> {
  const asymmetric = signatureAlgorithm === 'Ed25519';
  const created = await app.get(SubscriptionsService).create(COMPANY, {
    url,
    events: ['contract.signed'],
    secret: asymmetric ? undefined : SECRET,
    signatureAlgorithm,
    maxRetryCount: 3,
    retryDelayMs: 1000,
  });
  return created.id;
}

/**
 * Starts a phase from a checkpoint, so that it does not pay for the write-back of the phase before
 * (the kernel writing back tens of thousands of rows stalled later commits' WAL flush by up to
 * 140 ms). Needs a superuser or `pg_checkpoint`: the JSON line says whether it was done.
 */
async function settle(app: INestApplication): Promise<void> {
  const done = await app
    .get(DataSource)
    .query('CHECKPOINT')
    .then(
      () => true,
      () => false,
    );
  phasesFromCheckpoint &&= done;
}

/** Whether every phase started from a checkpoint (see `settle`). */
let phasesFromCheckpoint = true;

async function clearSubscriptions(app: INestApplication): Promise<void> {
  await app.get(DataSource).query(`UPDATE webhook_subscriptions SET is_active = false`);
  await sleep(1100); // the dispatcher's subscription cache lives one second
}

/**
 * CPU time (ms) used so far by the PostgreSQL backends serving this database, read from /proc
 * (null where PostgreSQL runs elsewhere). The app's pool keeps its connections for the phase.
 */
async function databaseCpuMs(dataSource: DataSource): Promise<number | null> {
  const rows = await dataSource.query<{ pid: number }[]>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`,
  );
  let ticks = 0;
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
      return null;
    }
  }
  return (ticks * 1000) / CLOCK_TICKS;
}

/** Deliveries the app took to send so far: from its own publishes (hand-off), and by claims. */
async function taken(): Promise<{ handoff: number; claim: number }> {
  // The module's counter, read from the registry it shares with this process (one prom-client).
  const counter = register.getSingleMetric('webhook_dispatch_deliveries_total') as Counter;
  const { values } = await counter.get();
  const via = (name: string) => values.find((v) => v.labels.via === name)?.value ?? 0;
  return { handoff: via('handoff'), claim: via('claim') };
}

/** 20,000 events to one subscription: first publish to last arrival. */
async function throughput(
  app: INestApplication,
  receiver: Receiver,
  events: number,
  signatureAlgorithm = 'HmacSha256',
): Promise<{
  perSec: number;
  publishPerSec: number;
  appCpuMsPerDelivery: number;
  dbCpuMsPerDelivery: number | null;
  handoffShare: number;
}> {
  await clearSubscriptions(app);
  await settle(app);
  await subscribe(app, receiver.url('/throughput'), signatureAlgorithm);
  await receiver.reset();
  const publisher = app.get(WebhookPublisher);
  const dataSource = app.get(DataSource);
  const cpuBefore = process.cpuUsage();
  const dbBefore = await databaseCpuMs(dataSource);
  const takenBefore = await taken();
  const started = Date.now();
  await pool(events, 64, () =>
    publisher.publish('contract.signed', eventData(), { companyId: COMPANY }),
  );
  const published = Date.now();
  const done = await receiver.waitForDistinct(events);
  const cpu = process.cpuUsage(cpuBefore);
  const dbAfter = await databaseCpuMs(dataSource);
  const takenAfter = await taken();
  const handedOff = takenAfter.handoff - takenBefore.handoff;
  const claimed = takenAfter.claim - takenBefore.claim;
  return {
    perSec: events / ((done - started) / 1000),
    publishPerSec: events / ((published - started) / 1000),
    // The bench's own publishing loop included: it is the app's caller.
    appCpuMsPerDelivery: (cpu.user + cpu.system) / 1000 / events,
    dbCpuMsPerDelivery:
      dbBefore === null || dbAfter === null ? null : (dbAfter - dbBefore) / events,
    // Deliveries sent without a claim: created leased by the publish, then sent from memory.
    handoffShare: handedOff / Math.max(1, handedOff + claimed),
  };
}

/** The physical limit: the same number of signed 1 KiB-class POSTs straight through an undici pool. */
async function bareUndici(receiver: Receiver, count: number): Promise<number> {
  await receiver.reset();
  const agent = new Agent({ connections: 64, pipelining: 1, keepAliveTimeout: 4000 });
  const url = receiver.url('/bare');
  const started = Date.now();
  await pool(count, 50, async () => {
    const id = randomUUID();
    const body = Buffer.from(
      JSON.stringify({
        id,
        event: 'contract.signed',
        timestamp: new Date().toISOString(),
        companyId: COMPANY,
        data: eventData(),
      }),
    );
    const ts = Math.floor(Date.now() / 1000);
    const res = await request(url, {
      method: 'POST',
      dispatcher: agent,
      body,
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(ts),
        'webhook-signature': `v1,${createHmac('sha256', SECRET_KEY).update(`${id}.${ts}.`).update(body).digest('base64')}`,
      },
    });
    await res.body.dump();
  });
  const rate = count / ((Date.now() - started) / 1000);
  await agent.close();
  return rate;
}

/** The seed's own design: Promise.allSettled of axios posts per event, nothing persisted. */
async function seedAxios(receiver: Receiver, count: number): Promise<number> {
  await receiver.reset();
  const subscriptions = [{ callbackUrl: receiver.url('/seed'), secret: SECRET }];
  const started = Date.now();
  await pool(count, 50, async () => {
    const body = JSON.stringify({
      event: 'contract.signed',
      timestamp: new Date(),
      data: eventData(),
    });
    await Promise.allSettled(
      subscriptions.map((sub) =>
        axios.post(sub.callbackUrl, body, {
          headers: {
            'Content-Type': 'application/json',
            'X-Webhook-Event': 'contract.signed',
            'webhook-id': randomUUID(),
          },
          timeout: 10_000,
        }),
      ),
    );
  });
  return count / ((Date.now() - started) / 1000);
}

/** Publish-to-arrival latency at a steady 50 events/s. */
async function latency(
  app: INestApplication,
  receiver: Receiver,
): Promise<{ p50: number; p99: number; commitP99: number }> {
  await clearSubscriptions(app);
  await settle(app);
  await subscribe(app, receiver.url('/latency'));
  await receiver.reset();
  const publisher = app.get(WebhookPublisher);
  const published: { id: string; at: number; committedMs: number }[] = [];
  const total = LATENCY_RATE * LATENCY_SECONDS;
  const started = Date.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / LATENCY_RATE;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    const at = Date.now();
    inFlight.push(
      publisher.publish('contract.signed', eventData(), { companyId: COMPANY }).then(({ id }) => {
        published.push({ id, at, committedMs: Date.now() - at });
      }),
    );
  }
  await Promise.all(inFlight);
  await receiver.waitForDistinct(total, 30_000);
  const arrivals = await receiver.arrivals(published.map((p) => `${p.id}|/latency`));
  const latencies = published
    .map((p, i) => (arrivals[i] ?? NaN) - p.at)
    .filter((n) => Number.isFinite(n))
    .sort((a, b) => a - b);
  // How much of it is the publish itself (the durable commit): a stall there is the disk's.
  const commits = published.map((p) => p.committedMs).sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    commitP99: percentile(commits, 99),
  };
}

/**
 * A data filter each of the filtered fan-out's subscriptions holds (every one matches the event:
 * the worst case, 1,000 filters evaluated and 1,000 deliveries).
 */
/** The filtered fan-out's first event: the instance reads and compiles the 1,000 filters. */
let lastColdFanoutMs = NaN;

const FANOUT_FILTER = {
  contractType: { $in: ['CDI', 'CDD'] },
  startDate: { $gte: '2026-01-01' },
  $or: [{ employeeId: { $exists: true } }, { contractId: { $regex: '^[0-9a-f-]+$' } }],
};

/**
 * One event to 1,000 subscriptions (with a data filter each: `filtered`): time to the last
 * arrival. A filtered run publishes once first, alone, so that this instance has read the
 * company's filters as it would have long before in production; then a second event is timed.
 */
async function fanout(
  app: INestApplication,
  receiver: Receiver,
  filtered = false,
): Promise<{ ms: number; publishMs: number }> {
  await clearSubscriptions(app);
  await settle(app);
  const dataSource = app.get(DataSource);
  const template = (
    await dataSource.query<{ secret_encrypted: string }[]>(
      `SELECT secret_encrypted FROM webhook_subscriptions WHERE company_id = $1 LIMIT 1`,
      [COMPANY],
    )
  )[0];
  await dataSource.query(
    `INSERT INTO webhook_subscriptions (company_id, url, events, secret_encrypted, format, signature_algorithm,
       max_retry_count, retry_delay_ms, retry_backoff_multiplier, request_timeout_ms, filter)
     SELECT $1, $2 || i, ARRAY['contract.signed'], $3, 'json', 'HmacSha256', 3, 1000, 3, 10000, $5::jsonb
     FROM generate_series(1, $4) AS i`,
    [
      COMPANY,
      receiver.url('/fanout/'),
      template.secret_encrypted,
      FANOUT,
      filtered ? JSON.stringify(FANOUT_FILTER) : null,
    ],
  );
  if (filtered) {
    await receiver.reset();
    const coldStart = Date.now();
    await app.get(WebhookPublisher).publish('contract.signed', eventData(), { companyId: COMPANY });
    lastColdFanoutMs = (await receiver.waitForDistinct(FANOUT, 60_000)) - coldStart;
    await settle(app);
  }
  await receiver.reset();
  const started = Date.now();
  await app.get(WebhookPublisher).publish('contract.signed', eventData(), { companyId: COMPANY });
  const publishMs = Date.now() - started;
  const done = await receiver.waitForDistinct(FANOUT, 60_000);
  return { ms: done - started, publishMs };
}

/** 50,000 due deliveries appear at once: time to drain them, and peak RSS meanwhile. */
async function backlog(
  app: INestApplication,
  receiver: Receiver,
): Promise<{ ms: number; perSec: number; peakRssMb: number }> {
  await clearSubscriptions(app);
  const subscriptionId = await subscribe(app, receiver.url('/backlog'));
  await receiver.reset();
  const dataSource = app.get(DataSource);
  await dataSource.transaction(async (manager) => {
    await manager.query(
      `INSERT INTO webhook_events (id, company_id, type, data)
       SELECT gen_random_uuid(), $1::varchar, 'contract.signed',
              jsonb_build_object('contractId', gen_random_uuid(), 'employeeId', gen_random_uuid(), 'contractType', 'CDI', 'startDate', '2026-12-01')
       FROM generate_series(1, $2)`,
      [COMPANY, BACKLOG],
    );
    await manager.query(
      `INSERT INTO webhook_deliveries (id, company_id, event_id, subscription_id, event_type, status, next_attempt_at)
       SELECT gen_random_uuid(), $1::varchar, e.id, $2::uuid, 'contract.signed', 'pending', now() + interval '1 hour'
       FROM webhook_events e
       WHERE e.company_id = $1::varchar AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)`,
      [COMPANY, subscriptionId],
    );
  });
  await settle(app);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const started = Date.now();
  await dataSource.query(
    `UPDATE webhook_deliveries SET next_attempt_at = now() WHERE subscription_id = $1 AND status = 'pending'`,
    [subscriptionId],
  );
  await dataSource.query(`SELECT pg_notify('webhook_deliveries', '')`);
  const done = await receiver.waitForDistinct(BACKLOG);
  clearInterval(sampler);
  const ms = done - started;
  return { ms, perSec: BACKLOG / (ms / 1000), peakRssMb: peakRss / 1024 / 1024 };
}

type Throughput = Awaited<ReturnType<typeof throughput>>;

/**
 * What an Ed25519 delivery costs beside an HMAC-SHA256 one: SIGNATURE_ROUNDS alternating runs of
 * SIGNATURE_EVENTS events each, in the same app; the median of each.
 */
async function signatureCosts(
  app: INestApplication,
  receiver: Receiver,
): Promise<Record<string, number>> {
  const runs: Record<'HmacSha256' | 'Ed25519', Throughput[]> = { HmacSha256: [], Ed25519: [] };
  for (let i = 0; i < SIGNATURE_ROUNDS; i++) {
    for (const algorithm of ['HmacSha256', 'Ed25519'] as const) {
      runs[algorithm].push(await throughput(app, receiver, SIGNATURE_EVENTS, algorithm));
    }
  }
  const median = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
  const of = (algorithm: 'HmacSha256' | 'Ed25519', key: 'perSec' | 'appCpuMsPerDelivery') =>
    median(runs[algorithm].map((r) => r[key]));
  return {
    signatureEvents: SIGNATURE_EVENTS,
    hmacSha256PerSec: round(of('HmacSha256', 'perSec')),
    ed25519PerSec: round(of('Ed25519', 'perSec')),
    hmacSha256AppCpuMsPerDelivery: round(of('HmacSha256', 'appCpuMsPerDelivery'), 3),
    ed25519AppCpuMsPerDelivery: round(of('Ed25519', 'appCpuMsPerDelivery'), 3),
  };
}

/**
 * ROUNDS pairs of the app's throughput and the bare pool's, each pair back to back; the pair with
 * the median ratio stands for the run (its figures side by side), and every pair is listed.
 */
async function rounds(
  app: INestApplication,
  receiver: Receiver,
): Promise<{
  median: Throughput & { bare: number; ratio: number };
  all: { app: number; bare: number; ratio: number }[];
}> {
  const pairs: (Throughput & { bare: number; ratio: number })[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const run = await profiled(() => throughput(app, receiver, THROUGHPUT_EVENTS), i === 0);
    const bare = await bareUndici(receiver, THROUGHPUT_EVENTS);
    pairs.push({ ...run, bare, ratio: run.perSec / bare });
  }
  const byRatio = [...pairs].sort((a, b) => a.ratio - b.ratio);
  return {
    median: byRatio[Math.floor((byRatio.length - 1) / 2)],
    all: pairs.map((p) => ({
      app: round(p.perSec),
      bare: round(p.bare),
      ratio: round(p.ratio, 3),
    })),
  };
}

/** With BENCH_CPU_PROFILE=<file>: a V8 CPU profile of `task` alone (the app's side of a phase). */
async function profiled<T>(task: () => Promise<T>, wanted = true): Promise<T> {
  const file = process.env.BENCH_CPU_PROFILE;
  if (!file || !wanted) return task();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await task();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
}

async function main(): Promise<void> {
  let embedded: EmbeddedDatabase | null = null;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    embedded = await EmbeddedDatabase.start(mkdtempSync(path.join(tmpdir(), 'webhooks-bench-')));
    serverUrl = embedded.url();
  }
  const name = `webhooks_bench_${Date.now()}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const databaseUrl = Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
  const receiver = await Receiver.start();
  try {
    if (process.env.BENCH_ONLY === 'api') {
      process.stdout.write(`${JSON.stringify(await apiLoad(databaseUrl))}\n`);
      return;
    }
    if (process.env.BENCH_ONLY === 'rest') {
      const rest = await restPublish(databaseUrl, receiver, (n) => bareUndici(receiver, n));
      process.stdout.write(`${JSON.stringify(rest)}\n`);
      return;
    }
    let app = await startApp(databaseUrl, 'undici');
    if (process.env.BENCH_ONLY === 'backlog') {
      const only = await backlog(app, receiver);
      process.stdout.write(`${JSON.stringify(only)}\n`);
      await app.close();
      return;
    }
    if (process.env.BENCH_ONLY === 'signatures') {
      await throughput(app, receiver, 5_000); // warm-up
      process.stdout.write(`${JSON.stringify(await signatureCosts(app, receiver))}\n`);
      await app.close();
      return;
    }
    if (process.env.BENCH_ONLY === 'fanout') {
      await subscribe(app, receiver.url('/template')); // the fan-out copies its secret
      const plain = await fanout(app, receiver);
      const filtered = await fanout(app, receiver, true);
      process.stdout.write(
        `${JSON.stringify({
          fanout1000Ms: plain.ms,
          fanout1000PublishMs: plain.publishMs,
          fanout1000FilteredMs: filtered.ms,
          fanout1000FilteredPublishMs: filtered.publishMs,
          fanout1000FilteredColdMs: lastColdFanoutMs,
        })}\n`,
      );
      await app.close();
      return;
    }
    if (process.env.BENCH_ONLY === 'throughput') {
      // Warm, as in the full run (where the backlog drain comes first): JIT, pool, prepared plans.
      await throughput(app, receiver, 5_000);
      const { median, all } = await rounds(app, receiver);
      const lat = await latency(app, receiver);
      process.stdout.write(
        `${JSON.stringify({ ...median, rounds: all, p50: lat.p50, p99: lat.p99, commitP99: lat.commitP99 })}\n`,
      );
      await app.close();
      return;
    }
    // The backlog first, on a fresh process, so its peak RSS is the app's own.
    const drained = await backlog(app, receiver);
    const { median, all } = await rounds(app, receiver);
    const {
      perSec: deliveriesPerSec,
      publishPerSec,
      appCpuMsPerDelivery,
      dbCpuMsPerDelivery,
      handoffShare,
      bare: bareUndiciPerSec,
      ratio,
    } = median;
    const seedAxiosPerSec = await seedAxios(receiver, THROUGHPUT_EVENTS);
    const lat = await latency(app, receiver);
    const plainFanout = await fanout(app, receiver);
    const filteredFanout = await fanout(app, receiver, true);
    const signatures = await signatureCosts(app, receiver);
    await app.close();
    app = await startApp(databaseUrl, 'axios');
    const axiosEvents = Math.min(THROUGHPUT_EVENTS, 10_000);
    const { perSec: axiosClientPerSec } = await throughput(app, receiver, axiosEvents);
    await app.close();
    // The management API under 200 connections, in the built service as its own process.
    const api = await apiLoad(databaseUrl);
    // Publishing through the API, keyed and not, delivered; the service in its own process.
    const rest = await restPublish(databaseUrl, receiver, (n) => bareUndici(receiver, n));
    const result = {
      machine: `${cpus().length} cores`,
      database: embedded ? 'embedded' : 'DATABASE_URL',
      phasesFromCheckpoint,
      events: THROUGHPUT_EVENTS,
      deliveriesPerSec: round(deliveriesPerSec),
      publishPerSec: round(publishPerSec),
      appCpuMsPerDelivery: round(appCpuMsPerDelivery, 3),
      dbCpuMsPerDelivery: dbCpuMsPerDelivery === null ? null : round(dbCpuMsPerDelivery, 3),
      handoffShare: round(handoffShare, 3),
      bareUndiciPerSec: round(bareUndiciPerSec),
      ratio: round(ratio, 3),
      rounds: all,
      seedAxiosPerSec: round(seedAxiosPerSec),
      vsSeed: round(deliveriesPerSec / seedAxiosPerSec, 2),
      axiosClientPerSec: round(axiosClientPerSec),
      latencyAt50PerSecP50Ms: round(lat.p50),
      latencyAt50PerSecP99Ms: round(lat.p99),
      latencyAt50PerSecCommitP99Ms: round(lat.commitP99),
      fanout1000Ms: round(plainFanout.ms),
      fanout1000PublishMs: round(plainFanout.publishMs),
      fanout1000FilteredMs: round(filteredFanout.ms),
      fanout1000FilteredPublishMs: round(filteredFanout.publishMs),
      fanout1000FilteredColdMs: round(lastColdFanoutMs),
      backlog: BACKLOG,
      backlogDrainMs: round(drained.ms),
      backlogPerSec: round(drained.perSec),
      backlogPeakRssMb: round(drained.peakRssMb),
      ...signatures,
      ...api,
      ...rest,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    receiver.stop();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    await embedded?.stop();
  }
}

const watchdog = setTimeout(() => {
  process.stderr.write('bench: gave up after 15 minutes\n');
  process.exit(1);
}, 15 * 60_000);
watchdog.unref();

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
