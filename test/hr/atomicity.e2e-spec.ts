import request from 'supertest';
import type { Response } from 'supertest';
import type { App } from 'supertest/types';
import { Webhook } from 'standardwebhooks';
import { DELIVERY_ENV, HR, MANAGE, QUIET_MS } from '../support/constants';
import { eventually, TestReceiver } from '../support/receiver';
import { createTestApp, type TestApp } from '../support/test-app';
import { sleep } from '../support/time';

// CONTRACT.md "Events": HR modules emit "in the same database transaction as their own change".
// Faults are forced in the database: a trigger that raises makes one INSERT or UPDATE fail.

interface Delivered {
  id: string;
  event: string;
  companyId: string;
  data: Record<string, unknown>;
}
interface Tenant {
  company: string;
  path: string;
  secret: string;
}

function expectStatus<T = Record<string, unknown>>(res: Response, status: number): T {
  if (res.status !== status) {
    throw new Error(
      `expected ${status}, got ${res.status} ${res.request.method} ${res.request.url}: ${JSON.stringify(res.body)}`,
    );
  }
  return res.body as T;
}
function expectServerError(res: Response): void {
  if (res.status < 500 || res.status > 599) {
    throw new Error(
      `expected 5xx, got ${res.status} ${res.request.method} ${res.request.url}: ${JSON.stringify(res.body)}`,
    );
  }
}

describe('an HR change and its event are stored together, or neither is', () => {
  let t: TestApp;
  let receiver: TestReceiver;
  let server: App;
  let sequence = 0;

  const auth = (company: string, permissions = [HR]) => ({
    Authorization: `Bearer ${t.token(company, permissions)}`,
  });

  async function tenant(label: string): Promise<Tenant> {
    const company = `${label}-${++sequence}`;
    const path = `/hook/${company}`;
    const res = await request(server)
      .post('/api/webhooks')
      .set(auth(company, [MANAGE]))
      .send({ url: receiver.url(path), events: ['*'] });
    return { company, path, secret: expectStatus<{ secret: string }>(res, 201).secret };
  }

  async function events(company: string, type?: string): Promise<{ id: string; type: string }[]> {
    return t.dataSource.query(
      `SELECT id, type FROM webhook_events WHERE company_id = $1 AND ($2::text IS NULL OR type = $2)
       ORDER BY created_at, id`,
      [company, type ?? null],
    );
  }
  async function deliveryCount(company: string): Promise<number> {
    const rows: { n: number }[] = await t.dataSource.query(
      'SELECT count(*)::int AS n FROM webhook_deliveries WHERE company_id = $1',
      [company],
    );
    return rows[0].n;
  }
  /** Waits until every stored event of the tenant reached the receiver. */
  async function settle(tenant: Tenant): Promise<void> {
    await eventually(
      async () => receiver.on(tenant.path).length >= (await events(tenant.company)).length,
      10_000,
      50,
    );
  }
  /** The action stores no event and no delivery, and the receiver gets nothing within QUIET_MS. */
  async function expectNothingEmitted(tenant: Tenant, action: () => Promise<void>): Promise<void> {
    await settle(tenant);
    const stored = await events(tenant.company);
    const deliveries = await deliveryCount(tenant.company);
    const received = receiver.on(tenant.path).length;
    await action();
    await sleep(QUIET_MS);
    expect(await events(tenant.company)).toEqual(stored);
    expect(await deliveryCount(tenant.company)).toBe(deliveries);
    expect(receiver.on(tenant.path)).toHaveLength(received);
  }
  /** The one delivery of the newest event of `type`, signature verified. */
  async function delivered(tenant: Tenant, type: string): Promise<Delivered> {
    const stored = await events(tenant.company, type);
    expect(stored.length).toBeGreaterThan(0);
    const eventId = stored[stored.length - 1].id;
    const req = await eventually(
      async () => receiver.on(tenant.path).find((r) => r.headers['webhook-id'] === eventId),
      10_000,
      50,
    );
    const body = new Webhook(tenant.secret).verify(req.text, {
      'webhook-id': String(req.headers['webhook-id']),
      'webhook-timestamp': String(req.headers['webhook-timestamp']),
      'webhook-signature': String(req.headers['webhook-signature']),
    }) as Delivered;
    expect(body).toMatchObject({ id: eventId, event: type, companyId: tenant.company });
    return body;
  }

  /** The HR table whose name mentions `word` and that has the column (found, not assumed). */
  async function tableWith(word: string, column: string): Promise<string> {
    const rows: { table: string }[] = await t.dataSource.query(
      `SELECT c.table_name AS "table" FROM information_schema.columns c
         JOIN information_schema.tables tb
           ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
        WHERE c.table_schema = current_schema() AND tb.table_type = 'BASE TABLE'
          AND c.table_name ILIKE $1 AND c.table_name NOT ILIKE 'webhook%' AND c.column_name = $2`,
      [`%${word}%`, column],
    );
    if (rows.length !== 1) {
      throw new Error(
        `expected one table like %${word}% with a ${column} column, found: ${rows.map((r) => r.table).join(', ') || 'none'}`,
      );
    }
    return `"${rows[0].table.replace(/"/g, '""')}"`;
  }

  /**
   * A trigger that raises on `timing` (e.g. `BEFORE INSERT`) on `table` when `condition` holds;
   * answers the function that removes it.
   */
  async function refuse(
    table: string,
    timing: string,
    condition: string,
  ): Promise<() => Promise<void>> {
    const name = `test_refuse_${++sequence}`;
    await t.dataSource.query(`
      CREATE FUNCTION ${name}() RETURNS trigger AS $$
      BEGIN
        IF ${condition} THEN
          RAISE EXCEPTION 'test fault: ${name}';
        END IF;
        RETURN NEW;
      END
      $$ LANGUAGE plpgsql`);
    await t.dataSource.query(
      `CREATE TRIGGER ${name} ${timing} ON ${table} FOR EACH ROW EXECUTE FUNCTION ${name}()`,
    );
    return async () => {
      await t.dataSource.query(`DROP TRIGGER IF EXISTS ${name} ON ${table}`);
      await t.dataSource.query(`DROP FUNCTION IF EXISTS ${name}()`);
    };
  }
  /** Runs `action` while INSERTs of events of `type` into webhook_events fail. */
  async function whileEventRefused(type: string, action: () => Promise<void>): Promise<void> {
    const drop = await refuse('webhook_events', 'BEFORE INSERT', `NEW.type = '${type}'`);
    try {
      await action();
    } finally {
      await drop();
    }
  }

  const postCandidate = (company: string, email: string) =>
    request(server)
      .post('/api/candidates')
      .set(auth(company))
      .send({ firstName: 'Léa', lastName: 'Martin', email });
  const move = (company: string, id: string, status: string) =>
    request(server).patch(`/api/candidates/${id}/status`).set(auth(company)).send({ status });
  const sign = (company: string, id: string) =>
    request(server).post(`/api/contracts/${id}/sign`).set(auth(company)).send();
  const terminate = (company: string, employeeId: string) =>
    request(server)
      .post(`/api/employees/${employeeId}/termination`)
      .set(auth(company))
      .send({ terminationDate: '2026-12-31', reason: 'RUPTURE_CONVENTIONNELLE' });
  const complete = (company: string, trainingId: string, employeeId: string) =>
    request(server)
      .post(`/api/trainings/${trainingId}/completions`)
      .set(auth(company))
      .send({ employeeId, cpfHours: 14 });
  const uniqueEmail = () => `atomic.${++sequence}.${process.pid}@example.com`;

  async function hiredCandidate(company: string): Promise<string> {
    const { id } = expectStatus<{ id: string }>(await postCandidate(company, uniqueEmail()), 201);
    for (const status of ['screening', 'interview', 'offer', 'hired']) {
      expectStatus(await move(company, id, status), 200);
    }
    return id;
  }
  async function unsignedContract(company: string): Promise<{ id: string; employeeId: string }> {
    const candidateId = await hiredCandidate(company);
    return expectStatus<{ id: string; employeeId: string }>(
      await request(server)
        .post('/api/contracts')
        .set(auth(company))
        .send({ candidateId, contractType: 'CDI', startDate: '2026-03-01' }),
      201,
    );
  }
  async function employee(company: string): Promise<{ id: string; employeeId: string }> {
    const contract = await unsignedContract(company);
    expectStatus(await sign(company, contract.id), 200);
    return contract;
  }
  async function training(company: string): Promise<string> {
    return expectStatus<{ id: string }>(
      await request(server)
        .post('/api/trainings')
        .set(auth(company))
        .send({ title: 'Excel avancé', cpfEligible: true }),
      201,
    ).id;
  }

  beforeAll(async () => {
    t = await createTestApp(DELIVERY_ENV);
    // the forced faults are logged as unhandled errors: expected here, so kept out of the output
    t.app.useLogger(false);
    receiver = await TestReceiver.start();
    server = t.app.getHttpServer() as App;
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  describe('when storing the event fails, the HR change is rolled back', () => {
    it('candidate.created: 5xx, no candidate row; once the fault is gone the same email is 201', async () => {
      const ats = await tenant('created-fault');
      const candidates = await tableWith('candidate', 'email');
      const email = uniqueEmail();
      const rows = async () =>
        (
          await t.dataSource.query<{ n: number }[]>(
            `SELECT count(*)::int AS n FROM ${candidates} WHERE lower(email) = lower($1)`,
            [email],
          )
        )[0].n;

      await expectNothingEmitted(ats, async () => {
        await whileEventRefused('candidate.created', async () => {
          expectServerError(await postCandidate(ats.company, email));
        });
      });
      expect(await rows()).toBe(0);

      const { id } = expectStatus<{ id: string }>(await postCandidate(ats.company, email), 201);
      expect(await rows()).toBe(1);
      expect((await delivered(ats, 'candidate.created')).data).toMatchObject({
        candidateId: id,
        email,
        status: 'new',
      });
    });

    it('candidate.status_changed: 5xx, the status stays; afterwards the same move is 200', async () => {
      const ats = await tenant('status-fault');
      const candidates = await tableWith('candidate', 'email');
      const { id } = expectStatus<{ id: string }>(
        await postCandidate(ats.company, uniqueEmail()),
        201,
      );
      await expectNothingEmitted(ats, async () => {
        await whileEventRefused('candidate.status_changed', async () => {
          expectServerError(await move(ats.company, id, 'screening'));
        });
      });
      const [{ status }] = await t.dataSource.query<{ status: string }[]>(
        `SELECT status::text AS status FROM ${candidates} WHERE id = $1`,
        [id],
      );
      expect(status).toBe('new');

      expectStatus(await move(ats.company, id, 'screening'), 200);
      expect((await delivered(ats, 'candidate.status_changed')).data).toEqual({
        candidateId: id,
        oldStatus: 'new',
        newStatus: 'screening',
      });
    });

    it('contract.signed: 5xx, the contract stays unsigned; afterwards signing is 200', async () => {
      const payroll = await tenant('signed-fault');
      const contract = await unsignedContract(payroll.company);
      await expectNothingEmitted(payroll, async () => {
        await whileEventRefused('contract.signed', async () => {
          expectServerError(await sign(payroll.company, contract.id));
        });
        // still unsigned: an employee without a signed contract cannot be terminated
        expectStatus(await terminate(payroll.company, contract.employeeId), 409);
      });

      expectStatus(await sign(payroll.company, contract.id), 200);
      expect((await delivered(payroll, 'contract.signed')).data).toEqual({
        contractId: contract.id,
        employeeId: contract.employeeId,
        contractType: 'CDI',
        startDate: '2026-03-01',
      });
    });

    it('training.completed: 5xx, no completion stored; afterwards the completion is 201', async () => {
      const hr = await tenant('completed-fault');
      const { employeeId } = await employee(hr.company);
      const trainingId = await training(hr.company);
      const completionRows = async () => {
        const tables: { table: string }[] = await t.dataSource.query(
          `SELECT c.table_name AS "table" FROM information_schema.columns c
             JOIN information_schema.tables tb
               ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
            WHERE c.table_schema = current_schema() AND tb.table_type = 'BASE TABLE'
              AND c.table_name NOT ILIKE 'webhook%' AND c.column_name IN ('cpf_hours', 'cpfHours')`,
        );
        expect(tables.length).toBeGreaterThan(0);
        let total = 0;
        for (const { table } of tables) {
          const [{ n }] = await t.dataSource.query<{ n: number }[]>(
            `SELECT count(*)::int AS n FROM "${table.replace(/"/g, '""')}"`,
          );
          total += n;
        }
        return total;
      };
      const before = await completionRows();
      await expectNothingEmitted(hr, async () => {
        await whileEventRefused('training.completed', async () => {
          expectServerError(await complete(hr.company, trainingId, employeeId));
        });
      });
      expect(await completionRows()).toBe(before);

      expectStatus(await complete(hr.company, trainingId, employeeId), 201);
      expect(await completionRows()).toBe(before + 1);
      expect((await delivered(hr, 'training.completed')).data).toEqual({
        employeeId,
        trainingId,
        cpfHours: 14,
      });
    });

    it('employee.terminated: 5xx, the employee stays active; afterwards terminating is 200', async () => {
      const payroll = await tenant('terminated-fault');
      const contract = await employee(payroll.company);
      const trainingId = await training(payroll.company);
      await expectNothingEmitted(payroll, async () => {
        await whileEventRefused('employee.terminated', async () => {
          expectServerError(await terminate(payroll.company, contract.employeeId));
        });
      });
      // still employed: a terminated employee could not complete a training (409)
      expectStatus(await complete(payroll.company, trainingId, contract.employeeId), 201);

      expectStatus(await terminate(payroll.company, contract.employeeId), 200);
      expect((await delivered(payroll, 'employee.terminated')).data).toEqual({
        employeeId: contract.employeeId,
        terminationDate: '2026-12-31',
        reason: 'RUPTURE_CONVENTIONNELLE',
        contractId: contract.id,
        contractType: 'CDI',
      });
    });
  });

  describe('when the HR write fails, no event is stored or sent', () => {
    it('a duplicate email (409)', async () => {
      const ats = await tenant('duplicate');
      const email = uniqueEmail();
      expectStatus(await postCandidate(ats.company, email), 201);
      await expectNothingEmitted(ats, async () => {
        expectStatus(await postCandidate(ats.company, email), 409);
        expectStatus(await postCandidate(ats.company, email.toUpperCase()), 409);
      });
    });

    it('the candidate INSERT fails (5xx): no candidate.created', async () => {
      const ats = await tenant('insert-fault');
      const candidates = await tableWith('candidate', 'email');
      const drop = await refuse(candidates, 'BEFORE INSERT', 'TRUE');
      try {
        await expectNothingEmitted(ats, async () => {
          expectServerError(await postCandidate(ats.company, uniqueEmail()));
        });
      } finally {
        await drop();
      }
    });

    it('the candidate UPDATE fails (5xx): no candidate.status_changed, status unchanged', async () => {
      const ats = await tenant('update-fault');
      const candidates = await tableWith('candidate', 'email');
      const { id } = expectStatus<{ id: string }>(
        await postCandidate(ats.company, uniqueEmail()),
        201,
      );
      const drop = await refuse(candidates, 'BEFORE UPDATE', 'TRUE');
      try {
        await expectNothingEmitted(ats, async () => {
          expectServerError(await move(ats.company, id, 'screening'));
        });
      } finally {
        await drop();
      }
      const moved = expectStatus<{ status: string }>(await move(ats.company, id, 'screening'), 200);
      expect(moved.status).toBe('screening');
    });

    it('the contract UPDATE fails on signing (5xx): no contract.signed', async () => {
      const payroll = await tenant('sign-fault');
      const contract = await unsignedContract(payroll.company);
      const contracts = await tableWith('contract', 'start_date');
      const drop = await refuse(contracts, 'BEFORE UPDATE', 'TRUE');
      try {
        await expectNothingEmitted(payroll, async () => {
          expectServerError(await sign(payroll.company, contract.id));
        });
      } finally {
        await drop();
      }
      expectStatus(await sign(payroll.company, contract.id), 200);
    });

    it('the HR UPDATEs of a termination fail (5xx): no employee.terminated', async () => {
      const payroll = await tenant('terminate-fault');
      const contract = await employee(payroll.company);
      const contracts = await tableWith('contract', 'start_date');
      const employees: { table: string }[] = await t.dataSource.query(
        `SELECT table_name AS "table" FROM information_schema.tables
          WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
            AND table_name ILIKE '%employee%'`,
      );
      const drops = [await refuse(contracts, 'BEFORE UPDATE', 'TRUE')];
      for (const { table } of employees) {
        drops.push(
          await refuse(`"${table.replace(/"/g, '""')}"`, 'BEFORE UPDATE OR INSERT', 'TRUE'),
        );
      }
      try {
        await expectNothingEmitted(payroll, async () => {
          expectServerError(await terminate(payroll.company, contract.employeeId));
        });
      } finally {
        for (const drop of drops) await drop();
      }
      expectStatus(await terminate(payroll.company, contract.employeeId), 200);
    });
  });
});
