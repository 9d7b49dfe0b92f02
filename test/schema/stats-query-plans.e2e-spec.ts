import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../ormconfig';
import { STATS_STATEMENTS } from '../../packages/nest-webhooks/src/deliveries/delivery-stats.repository';
import { createTestDatabase } from '../support/database';

/**
 * The stats routes' statements read their indexes, not the whole tables: planned on 30,000
 * deliveries and 60,000 attempts of other companies spread over two days, beside one company's few.
 */
describe('the stats queries', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;
  const mine = randomUUID();
  const theirs = randomUUID();
  const HOUR_MS = 3_600_000;

  const subscription = (id: string, company: string) =>
    dataSource.query(
      `INSERT INTO webhook_subscriptions (id, company_id, url, events, secret_encrypted, format,
         signature_algorithm, max_retry_count, retry_delay_ms, retry_backoff_multiplier,
         request_timeout_ms)
       VALUES ($1, $2, 'https://hooks.example.com/x', '{*}', 'x', 'json', 'HmacSha256', 0, 100, 1, 1000)`,
      [id, company],
    );

  beforeAll(async () => {
    database = await createTestDatabase('stats_plans');
    dataSource = new DataSource(dataSourceOptions(database.url));
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    await subscription(mine, 'acme');
    await subscription(theirs, 'bulk');
    const event = randomUUID();
    await dataSource.query(
      `INSERT INTO webhook_events (id, company_id, type, data) VALUES ($1, 'bulk', 'x.y', '{}')`,
      [event],
    );
    // Other companies' deliveries and attempts over two days, and a few of acme's.
    await dataSource.query(
      `INSERT INTO webhook_deliveries (id, company_id, event_id, subscription_id, event_type, status,
         attempt_count, created_at)
       SELECT gen_random_uuid(), CASE WHEN i <= 5 THEN 'acme' ELSE 'bulk' END, $1,
              CASE WHEN i <= 5 THEN $2::uuid ELSE $3::uuid END, 'x.y', 'succeeded', 1,
              now() - (i % 2880) * interval '1 minute'
       FROM generate_series(1, 30000) AS i`,
      [event, mine, theirs],
    );
    await dataSource.query(
      `INSERT INTO webhook_attempts (id, company_id, delivery_id, event_id, subscription_id,
         event_type, attempt_number, status, duration_ms, request_headers, created_at)
       SELECT gen_random_uuid(), CASE WHEN i <= 5 THEN 'acme' ELSE 'bulk-' || (i % 200) END, d.id,
              $1, CASE WHEN i <= 5 THEN $2::uuid ELSE $3::uuid END, 'x.y', 1,
              CASE WHEN i % 3 = 0 THEN 'failed' ELSE 'succeeded' END, 5, '{}',
              now() - (i % 2880) * interval '1 minute'
       FROM generate_series(1, 60000) AS i,
            (SELECT id FROM webhook_deliveries WHERE subscription_id = $3 LIMIT 1) AS d`,
      [event, mine, theirs],
    );
    await dataSource.query(`ANALYZE webhook_attempts`);
    await dataSource.query(`ANALYZE webhook_deliveries`);
  }, 60_000);

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await database?.drop();
  });

  const plan = async (sql: string, params: unknown[]) =>
    JSON.stringify(await dataSource.query<unknown[]>(`EXPLAIN (FORMAT JSON) ${sql}`, params));
  const since = () => new Date(Date.now() - HOUR_MS).toISOString();
  const until = () => new Date().toISOString();

  it("a company's attempts a minute: idx_webhook_attempts_company_created", async () => {
    const shown = await plan(STATS_STATEMENTS.attemptsPerMinute, ['acme', since(), until()]);
    expect(shown).toContain('idx_webhook_attempts_company_created');
    expect(shown).not.toContain('Seq Scan');
  });

  it("a subscription's attempts a minute and its last error: an attempts index", async () => {
    for (const [sql, params] of [
      [STATS_STATEMENTS.subscriptionAttemptsPerMinute, ['acme', since(), until(), mine]],
      [STATS_STATEMENTS.lastError, ['acme', mine, since()]],
    ] as const) {
      const shown = await plan(sql, [...params]);
      expect(shown).toMatch(/idx_webhook_attempts_(subscription|company)_created/);
      expect(shown).not.toContain('Seq Scan');
    }
  });

  it("a subscription's deliveries of the last 24 h: idx_webhook_deliveries_subscription_created", async () => {
    const shown = await plan(STATS_STATEMENTS.deliveryCounts, [
      'acme',
      mine,
      new Date(Date.now() - 24 * HOUR_MS).toISOString(),
    ]);
    expect(shown).toContain('idx_webhook_deliveries_subscription_created');
    expect(shown).not.toContain('Seq Scan');
  });

  it('the same statements answer the company its own numbers', async () => {
    const rows = await dataSource.query<{ succeeded: number; failed: number }[]>(
      STATS_STATEMENTS.attemptsPerMinute,
      ['acme', new Date(Date.now() - 24 * HOUR_MS).toISOString(), until()],
    );
    const total = rows.reduce((n, r) => n + r.succeeded + r.failed, 0);
    expect(total).toBe(5);
  });
});
