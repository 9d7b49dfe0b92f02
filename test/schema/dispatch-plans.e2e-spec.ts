import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../ormconfig';
import { hotQuery } from '../../packages/nest-webhooks/src/common/prepared-statement';
import {
  CLAIM_STATEMENT,
  RECORD_STATEMENT,
} from '../../packages/nest-webhooks/src/queue/delivery-queue.statements';
import { createTestDatabase } from '../support/database';

const OWNER = 'plans-test';
const QUEUED = 20_000;

/**
 * The claim and the record are prepared once per connection, and PostgreSQL keeps the plans it
 * made then. Made while the queue was empty, a plan free to choose read and hashed the whole
 * deliveries and events tables at every claim once they held 20,000 rows. The dispatcher's
 * functions are planned with index scans only: after the queue grew on the same connection, a
 * claim and a record read neither table sequentially.
 */
describe('dispatch statements keep index plans as the queue grows', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('dispatch_plans');
    // One connection: the one whose kept plans are looked at.
    dataSource = new DataSource({ ...dataSourceOptions(database.url), extra: { max: 1 } });
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  /** Sequential scans of the two tables so far (this session's counts flushed first). */
  const seqScans = async (): Promise<Record<string, number>> => {
    await dataSource.query(`SELECT pg_stat_force_next_flush()`);
    const rows = await dataSource.query<{ relname: string; seq_scan: number }[]>(
      `SELECT relname, seq_scan::int AS seq_scan FROM pg_stat_user_tables
       WHERE relname IN ('webhook_deliveries', 'webhook_events') ORDER BY relname`,
    );
    return Object.fromEntries(rows.map((r) => [r.relname, r.seq_scan]));
  };

  const claim = (max: number) =>
    hotQuery<{ id: string; event_id: string; company_id: string; event_type: string }>(
      dataSource,
      CLAIM_STATEMENT,
      [OWNER, max, [], 30],
      true,
    );

  it('a claim and a record after 20,000 due deliveries arrived read no table sequentially', async () => {
    // Plans made and kept on empty tables (PostgreSQL settles on a generic plan after 5 runs).
    for (let i = 0; i < 8; i++) expect(await claim(50)).toEqual([]);

    const endpoint = JSON.stringify({ url: 'http://127.0.0.1:9/', requestTimeoutMs: 1000 });
    await dataSource.query(
      `INSERT INTO webhook_events (id, company_id, type, data)
       SELECT gen_random_uuid(), 'plans', 'contract.signed', '{}' FROM generate_series(1, $1)`,
      [QUEUED],
    );
    await dataSource.query(
      `INSERT INTO webhook_deliveries (id, company_id, event_id, endpoint, event_type, status, next_attempt_at)
       SELECT gen_random_uuid(), company_id, id, $1::jsonb, type, 'pending', now() FROM webhook_events`,
      [endpoint],
    );
    const before = await seqScans();

    const claimed = await claim(50);
    expect(claimed).toHaveLength(50);
    const at = new Date().toISOString();
    const records = claimed.map((d) => ({
      attempt_id: randomUUID(),
      delivery_id: d.id,
      company_id: d.company_id,
      event_id: d.event_id,
      subscription_id: null,
      event_type: d.event_type,
      attempt_number: 1,
      status: 'succeeded',
      status_code: 200,
      duration_ms: 3,
      error: null,
      response_body: '',
      request_headers: {},
      response_headers: null,
      at,
      next_status: 'succeeded',
      next_attempt_at: null,
    }));
    const [written] = await hotQuery<{ attempts: string; deliveries: string }>(
      dataSource,
      RECORD_STATEMENT,
      [JSON.stringify(records), OWNER, claimed.map((d) => d.id), [], [], []],
      true,
    );
    expect(written).toMatchObject({ attempts: '50', deliveries: '50' });

    expect(await seqScans()).toEqual(before);
  });
});
