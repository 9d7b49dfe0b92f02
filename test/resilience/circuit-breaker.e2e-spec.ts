import request from 'supertest';
import type { App } from 'supertest/types';
import { deliveryHelpers, FAST_RETRIES } from '../support/delivery-harness';
import { DELIVERY_ENV, DELIVERY_PERMISSIONS } from '../support/constants';
import { sleep } from '../support/time';
import { EndpointCircuits } from '../../packages/nest-webhooks/src/dispatch/endpoint-circuits';
import { eventually, TestReceiver } from '../support/receiver';
import { createTestApp, type TestApp } from '../support/test-app';

/**
 * The per-endpoint circuit breaker: after WEBHOOKS_CIRCUIT_FAILURES failed attempts in a row an
 * endpoint gets nothing for WEBHOOKS_CIRCUIT_COOLDOWN_SECONDS, then one probe; a failed probe
 * doubles the pause, a successful one lets everything through again. Deliveries held back meanwhile
 * are postponed, not failed: they keep their attempts and all arrive in the end.
 */
describe('circuit breaker: a failing endpoint is paused, probed, and resumed', () => {
  let t: TestApp;
  let receiver: TestReceiver;

  const { subscribe, publish } = deliveryHelpers(
    () => t,
    () => receiver,
    DELIVERY_PERMISSIONS,
    FAST_RETRIES,
  );

  beforeAll(async () => {
    t = await createTestApp(
      { ...DELIVERY_ENV, WEBHOOKS_CIRCUIT_FAILURES: '3', WEBHOOKS_CIRCUIT_COOLDOWN_SECONDS: '1' },
      // One request at a time per subscription, so the attempts to the failing endpoint are in order.
      { webhooks: { dispatch: { pollIntervalMs: 100, perSubscriptionConcurrency: 1 } } },
    );
    receiver = await TestReceiver.start();
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  it('3 failures open it for 1 s, a failed probe for 2 s, a good probe closes it; nothing is lost', async () => {
    const company = 'breaker-co';
    const flaky = await subscribe(company, '/flaky', { maxRetryCount: 10 });
    await subscribe('breaker-other', '/healthy');
    // Four failures (3 to open it, then the first probe), then the endpoint is back.
    receiver.script('/flaky', ...Array.from({ length: 4 }, () => ({ status: 503 })));

    const events: string[] = [];
    for (let i = 0; i < 10; i++) events.push(await publish(company));

    const firstThree = await receiver.waitFor(3, '/flaky', 10_000);
    const openedAt = firstThree[2].at;
    // While it is paused, other endpoints are served at once.
    await sleep(200);
    const healthyEvents = await Promise.all([1, 2, 3].map(() => publish('breaker-other')));
    await receiver.waitFor(3, '/healthy', 3_000);
    expect(receiver.on('/flaky')).toHaveLength(3);

    const paused = t.app.get(EndpointCircuits).state(flaky.id).pausedUntil;
    expect(paused).toBeGreaterThan(Date.now());

    const all = await receiver.waitFor(10 + 4, '/flaky', 20_000);
    const times = all.map((r) => r.at);
    // The probe after the first pause (>= 1 s after the third failure), alone.
    expect(times[3] - openedAt).toBeGreaterThanOrEqual(950);
    // The probe failed: the next pause is twice as long.
    expect(times[4] - times[3]).toBeGreaterThanOrEqual(1950);
    // The good probe closed it: the rest follow without a pause.
    expect(times[times.length - 1] - times[4]).toBeLessThan(1500);

    // Every event arrived, each with its own webhook-id, and the last answer was a success.
    const delivered = new Set(all.slice(4).map((r) => r.headers['webhook-id']));
    expect([...delivered].sort()).toEqual([...events].sort());

    const rows = await eventually(async () => {
      const found = await t.dataSource.query<{ status: string; attempt_count: number }[]>(
        `SELECT status, attempt_count FROM webhook_deliveries WHERE subscription_id = $1`,
        [flaky.id],
      );
      return found.every((r) => r.status === 'succeeded') ? found : null;
    }, 10_000);
    // Held-back deliveries were postponed without using an attempt: attempts = requests made.
    expect(rows.reduce((sum, r) => sum + r.attempt_count, 0)).toBe(all.length);
    const [{ count }] = await t.dataSource.query<{ count: string }[]>(
      `SELECT count(*) FROM webhook_attempts WHERE subscription_id = $1`,
      [flaky.id],
    );
    expect(Number(count)).toBe(all.length);

    expect(
      receiver
        .on('/healthy')
        .map((r) => r.headers['webhook-id'])
        .sort(),
    ).toEqual([...healthyEvents].sort());

    const metrics = await request(t.app.getHttpServer() as App)
      .get('/metrics')
      .expect(200);
    expect(metrics.text).toMatch(/webhook_circuit_transitions_total\{transition="opened"\} [1-9]/);
    expect(metrics.text).toMatch(
      /webhook_circuit_transitions_total\{transition="reopened"\} [1-9]/,
    );
    expect(metrics.text).toMatch(/webhook_circuit_transitions_total\{transition="closed"\} [1-9]/);
  });

  it('a 4xx answer shows the endpoint is alive: it never opens the circuit', async () => {
    const company = 'breaker-4xx';
    await subscribe(company, '/refusing');
    receiver.script('/refusing', ...Array.from({ length: 6 }, () => ({ status: 400 })));
    for (let i = 0; i < 6; i++) await publish(company);
    const requests = await receiver.waitFor(6, '/refusing', 5_000);
    // One request each, back to back: no pause after the third.
    expect(requests[5].at - requests[0].at).toBeLessThan(900);
  });
});
