/**
 * Several instances on one PostgreSQL (CONTRACT.md "Delivery semantics"): two built apps run as
 * child processes on the same database, both dispatching. Each due delivery must be sent by one
 * of them only: with no crash, every event arrives exactly once, and the attempt log holds one
 * success per event.
 */
import { Client } from 'pg';
import {
  childEnv,
  childToken,
  delay,
  forEachLimited,
  freePort,
  startChildApp,
  stopAllChildApps,
  stopChildApp,
  waitUntilHealthy,
  candidateCreated,
  createChildSubscription,
} from '../support/child-app';
import { DELIVERY_PERMISSIONS } from '../support/constants';
import { createTestDatabase } from '../support/database';
import { LoadReceiver } from '../support/load-receiver';

jest.setTimeout(120_000);

const EVENTS = 3_000;
const CONCURRENCY = 20;
const COMPANY = 'multi-co';

describe('two instances on one database', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pg: Client;
  let receiver: LoadReceiver;
  let finished = false;

  beforeAll(async () => {
    db = await createTestDatabase('multi');
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    receiver = await LoadReceiver.start(20);
  });

  afterAll(async () => {
    finished = true;
    await stopAllChildApps();
    await receiver?.close();
    await pg?.end();
    await db?.drop();
  });

  it('delivers every event exactly once, each by one instance', async () => {
    const started = Date.now();
    // Both start at once: the migrations take turns under their advisory lock.
    const ports = [await freePort(), await freePort()];
    const [a, b] = ports.map((port) => startChildApp(childEnv(db.url, port)));
    await Promise.all([waitUntilHealthy(a), waitUntilHealthy(b)]);
    const instances = [a, b];

    const token = childToken(COMPANY, DELIVERY_PERMISSIONS);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    await createChildSubscription(a, token, { url: receiver.url(), events: ['candidate.*'] });

    // Which instances hold leases while the deliveries run (the owner name carries the PID).
    const ownerPids = new Map<string, number>();
    let sampling = true;
    const sampler = (async () => {
      while (sampling && !finished) {
        const rows = await pg
          .query<{ pid: string; n: string }>(
            `SELECT split_part(lease_owner, ':', 2) AS pid, count(*) AS n
             FROM webhook_deliveries WHERE status = 'sending' GROUP BY 1`,
          )
          .then((r) => r.rows)
          .catch(() => []);
        for (const row of rows) {
          ownerPids.set(row.pid, (ownerPids.get(row.pid) ?? 0) + Number(row.n));
        }
        await delay(20);
      }
    })();

    const accepted = new Set<string>();
    const refused: string[] = [];
    const indexes = Array.from({ length: EVENTS }, (_, i) => i);
    await forEachLimited(indexes, CONCURRENCY, async (i) => {
      if (finished) return;
      const app = instances[i % 2];
      const data = candidateCreated('Multi', i);
      try {
        const res = await fetch(`${app.baseUrl}/api/events`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ type: 'candidate.created', data }),
          signal: AbortSignal.timeout(10_000),
        });
        const body = (await res.json()) as { id?: string };
        if (res.status === 202 && body.id) accepted.add(body.id);
        else refused.push(`#${i} via ${app.port}: ${res.status} ${JSON.stringify(body)}`);
      } catch (error) {
        refused.push(`#${i} via ${app.port}: ${error instanceof Error ? error.message : 'error'}`);
      }
    });
    const publishedAt = Date.now();
    expect(refused).toEqual([]);
    expect(accepted.size).toBe(EVENTS);

    await receiver.until(
      () => receiver.distinct >= EVENTS,
      60_000,
      `${EVENTS} distinct webhook-ids`,
    );
    const receivedAt = Date.now();

    // Let the attempts be recorded, then give late duplicates (if any) a moment to show up.
    const deadline = Date.now() + 15_000;
    let succeeded = 0;
    while (Date.now() < deadline) {
      succeeded = Number(
        (
          await pg.query<{ n: string }>(
            `SELECT count(*) AS n FROM webhook_deliveries WHERE status = 'succeeded'`,
          )
        ).rows[0].n,
      );
      if (succeeded >= EVENTS) break;
      await delay(200);
    }
    await delay(1_000);
    sampling = false;
    await sampler;

    const duplicatesInLog = (
      await pg.query<{ event_id: string; n: string }>(
        `SELECT event_id, count(*) AS n FROM webhook_attempts WHERE status = 'succeeded'
         GROUP BY event_id HAVING count(*) > 1`,
      )
    ).rows;
    const attemptOutcomes = (
      await pg.query<{ status: string; error: string | null; n: string }>(
        `SELECT status, error, count(*) AS n FROM webhook_attempts GROUP BY status, error ORDER BY n DESC`,
      )
    ).rows.map((r) => `${r.status}/${r.error ?? '-'}: ${r.n}`);
    const receivedTwice = [...receiver.byId]
      .filter(([, list]) => list.length > 1)
      .map(([id]) => id);
    const missing = [...accepted].filter((id) => !receiver.byId.has(id));
    const unknown = [...receiver.byId.keys()].filter((id) => !accepted.has(id));
    const byInstance = instances.map((app) => ownerPids.get(String(app.pid)) ?? 0);

    console.log(
      `[multi-instance] accepted=${accepted.size} received(distinct)=${receiver.distinct} ` +
        `requests=${receiver.receipts.length} receivedTwice=${receivedTwice.length} ` +
        `succeededTwiceInLog=${duplicatesInLog.length} missing=${missing.length} unknown=${unknown.length} ` +
        `deliveriesSucceeded=${succeeded} attempts=${JSON.stringify(attemptOutcomes)} ` +
        `leaseSamples(pid ${a.pid}/${b.pid})=${byInstance.join('/')} ` +
        `publishDone=${publishedAt - started}ms allReceived=${receivedAt - started}ms`,
    );

    expect(missing).toEqual([]);
    expect(unknown).toEqual([]);
    expect(duplicatesInLog).toEqual([]);
    expect(receivedTwice).toEqual([]);
    expect(receiver.receipts.length).toBe(EVENTS);
    expect(succeeded).toBe(EVENTS);
    // Both instances claimed deliveries (seen through the lease owners while they were sending).
    expect(byInstance.every((n) => n > 0)).toBe(true);

    // Both stop on SIGTERM within the grace period (no SIGKILL needed).
    const exits = await Promise.all(instances.map((app) => stopChildApp(app)));
    for (const exit of exits) expect(exit.signal).not.toBe('SIGKILL');
  });
});
