import request from 'supertest';
import type { App } from 'supertest/types';
import { WebhookPublisher } from '../../packages/nest-webhooks/src/events/webhook-publisher.service';
import { PROCESS_METRICS_TTL_MS } from '../../src/health/metrics.controller';
import { DATABASE_PING_TTL_MS } from '../../src/health/health.controller';
import { useAppFixture } from '../support/app-fixture';
import { contractSigned } from '../support/delivery-harness';
import { sleep } from '../support/time';

/** The value of an unlabelled sample in Prometheus text, or NaN when absent. */
const sample = (text: string, name: string): number =>
  Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);

/** Spends about `ms` of CPU on this thread (the process's CPU counters move). */
const burn = (ms: number): void => {
  const until = Date.now() + ms;
  let x = 0;
  while (Date.now() < until) x += Math.sqrt(x + 1);
  expect(x).toBeGreaterThan(0);
};

describe('/health and /metrics, cheap to scrape every second', () => {
  const f = useAppFixture();
  const scrape = async () => (await request(f.server).get('/metrics').expect(200)).text;

  it("renders the module's counters afresh on every scrape", async () => {
    const before = sample(await scrape(), 'webhook_events_published_total');
    await f.t.app
      .get(WebhookPublisher)
      .publish('contract.signed', contractSigned(), { companyId: 'metrics-fresh' });
    const after = sample(await scrape(), 'webhook_events_published_total');
    expect(after).toBe(before + 1);
  });

  it('serves the process metrics once each, refreshed every 5 s at most', async () => {
    const first = await scrape();
    for (const name of ['process_cpu_user_seconds_total', 'nodejs_eventloop_lag_seconds']) {
      expect(first.match(new RegExp(`^# TYPE ${name} `, 'gm'))).toHaveLength(1);
    }
    const cpu = sample(first, 'process_cpu_user_seconds_total');
    expect(cpu).toBeGreaterThan(0);
    burn(50);
    // Within the time to live: the same text, although the process spent CPU meanwhile.
    expect(sample(await scrape(), 'process_cpu_user_seconds_total')).toBe(cpu);
    await sleep(PROCESS_METRICS_TTL_MS + 200);
    expect(sample(await scrape(), 'process_cpu_user_seconds_total')).toBeGreaterThan(cpu);
  }, 20_000);

  it('answers the Prometheus content type, without a token', async () => {
    const res = await request(f.server).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('/health pings the database once for a burst of probes, and again a second later', async () => {
    const server: App = f.server;
    const pings = jest.spyOn(f.t.dataSource, 'query');
    const count = () => pings.mock.calls.filter(([sql]) => /^\s*SELECT 1\b/i.test(sql)).length;
    try {
      // Probes one after another until the current ping's second is over: exactly one ping.
      await sleep(DATABASE_PING_TTL_MS + 50);
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => request(server).get('/health')),
      );
      expect(answers.map((res) => res.status)).toEqual(Array(20).fill(200));
      expect(answers[0].body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
      expect(count()).toBe(1);
      await sleep(DATABASE_PING_TTL_MS + 50);
      await request(server).get('/health').expect(200);
      expect(count()).toBe(2);
    } finally {
      pings.mockRestore();
    }
  });
});
