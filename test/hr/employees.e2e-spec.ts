import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Response } from 'supertest';
import type { App } from 'supertest/types';
import { Webhook } from 'standardwebhooks';
import { eventually, TestReceiver } from '../support/receiver';
import { createTestApp, type TestApp } from '../support/test-app';

// CONTRACT.md "Events": POST /api/employees/{id}/termination and GET /api/employees/{id}.

const DELIVERY_ENV = { WEBHOOKS_ALLOW_HTTP: 'true', WEBHOOKS_ALLOW_PRIVATE_URLS: 'true' };
const HR = 'hr.manage';
const NOT_HR = ['system.webhooks.manage', 'system.events.publish'];
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
/** How long "nothing arrives" is watched for. */
const QUIET_MS = 1_000;

const REASONS = [
  'RESIGNATION',
  'DISMISSAL',
  'RUPTURE_CONVENTIONNELLE',
  'END_OF_FIXED_TERM',
  'RETIREMENT',
  'TRIAL_PERIOD_END',
] as const;
type ContractBody = { contractType: string; startDate: string; endDate?: string };
const CDI: ContractBody = { contractType: 'CDI', startDate: '2026-03-01' };
const CDD: ContractBody = { contractType: 'CDD', startDate: '2026-03-01', endDate: '2026-08-31' };

interface Employee {
  employeeId: string;
  contractId: string;
}
interface Delivered {
  id: string;
  event: string;
  timestamp: string;
  companyId: string;
  data: Record<string, unknown>;
}
/** A company whose `*` subscription points at its own path on the receiver. */
interface Tenant {
  company: string;
  path: string;
  secret: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function describeResponse(res: Response): string {
  return `${res.status} ${res.request.method} ${res.request.url}: ${JSON.stringify(res.body)}`;
}
/** Asserts the status (showing the answer when it differs) and returns the body. */
function expectStatus<T = Record<string, unknown>>(res: Response, status: number): T {
  if (res.status !== status) throw new Error(`expected ${status}, got ${describeResponse(res)}`);
  return res.body as T;
}
function messageOf(res: Response): string {
  const { message } = res.body as { message?: unknown };
  if (Array.isArray(message)) return message.map(String).join('; ');
  return typeof message === 'string' ? message : JSON.stringify(res.body);
}
/** 400 whose message names the field. */
function expectBadRequest(res: Response, field: string): void {
  expectStatus(res, 400);
  expect(messageOf(res)).toMatch(new RegExp(`\\b${field}\\b`));
}

describe('employees', () => {
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
      .set(auth(company, ['system.webhooks.manage']))
      .send({ url: receiver.url(path), events: ['*'] });
    return { company, path, secret: expectStatus<{ secret: string }>(res, 201).secret };
  }

  async function eventIds(company: string): Promise<Set<string>> {
    const rows: { id: string }[] = await t.dataSource.query(
      'SELECT id FROM webhook_events WHERE company_id = $1',
      [company],
    );
    return new Set(rows.map((r) => r.id));
  }
  async function eventCount(company: string): Promise<number> {
    const rows: { n: number }[] = await t.dataSource.query(
      'SELECT count(*)::int AS n FROM webhook_events WHERE company_id = $1',
      [company],
    );
    return rows[0].n;
  }
  /** Runs the action and asserts it stored no event for the company. */
  async function emitsNothing(company: string, action: () => Promise<void>): Promise<void> {
    const before = await eventCount(company);
    await action();
    expect(await eventCount(company)).toBe(before);
  }
  /** Waits until every stored event of the tenant reached the receiver. */
  async function settle(tenant: Tenant): Promise<void> {
    await eventually(
      async () => receiver.on(tenant.path).length >= (await eventCount(tenant.company)),
      10_000,
      50,
    );
  }
  /** The failing requests store nothing and the receiver gets nothing within QUIET_MS. */
  async function expectSilent(tenant: Tenant, actions: () => Promise<void>): Promise<void> {
    await settle(tenant);
    const events = await eventCount(tenant.company);
    const received = receiver.on(tenant.path).length;
    await actions();
    await sleep(QUIET_MS);
    expect(await eventCount(tenant.company)).toBe(events);
    expect(receiver.on(tenant.path)).toHaveLength(received);
  }
  /**
   * Exactly one event of `type` was stored since `before`, with exactly `data`; its delivery
   * carries `webhook-id` = the event id, verifies with standardwebhooks, and has exactly the payload.
   */
  async function expectDelivered(
    tenant: Tenant,
    before: Set<string>,
    type: string,
    data: Record<string, unknown>,
  ): Promise<Delivered> {
    const rows: { id: string; type: string; data: unknown }[] = await t.dataSource.query(
      'SELECT id, type, data FROM webhook_events WHERE company_id = $1 ORDER BY created_at, id',
      [tenant.company],
    );
    const stored = rows.filter((r) => !before.has(r.id));
    expect(stored.map((r) => r.type)).toEqual([type]);
    expect(stored[0].data).toEqual(data);
    const eventId = stored[0].id;
    const req = await eventually(
      async () => receiver.on(tenant.path).find((r) => r.headers['webhook-id'] === eventId),
      10_000,
      50,
    );
    expect(req.headers['x-webhook-event']).toBe(type);
    const body = new Webhook(tenant.secret).verify(req.text, {
      'webhook-id': String(req.headers['webhook-id']),
      'webhook-timestamp': String(req.headers['webhook-timestamp']),
      'webhook-signature': String(req.headers['webhook-signature']),
    }) as Delivered;
    expect(body).toEqual({
      id: eventId,
      event: type,
      timestamp: expect.stringMatching(ISO_DATE_TIME),
      companyId: tenant.company,
      data,
    });
    expect(
      receiver.on(tenant.path).filter((r) => r.headers['webhook-id'] === eventId),
    ).toHaveLength(1);
    return body;
  }

  /** A hired candidate with a contract (signed unless told otherwise). */
  async function hireEmployee(
    company: string,
    contract: ContractBody = CDI,
    signed = true,
  ): Promise<Employee> {
    const created = await request(server)
      .post('/api/candidates')
      .set(auth(company))
      .send({
        firstName: 'Léa',
        lastName: 'Martin',
        email: `lea.${++sequence}.${process.pid}@example.com`,
      });
    const { id: candidateId } = expectStatus<{ id: string }>(created, 201);
    for (const status of ['screening', 'interview', 'offer', 'hired']) {
      expectStatus(
        await request(server)
          .patch(`/api/candidates/${candidateId}/status`)
          .set(auth(company))
          .send({ status }),
        200,
      );
    }
    const answer = expectStatus<{ id: string; employeeId: string }>(
      await request(server)
        .post('/api/contracts')
        .set(auth(company))
        .send({ candidateId, ...contract }),
      201,
    );
    if (signed) {
      expectStatus(
        await request(server).post(`/api/contracts/${answer.id}/sign`).set(auth(company)).send(),
        200,
      );
    }
    return { employeeId: answer.employeeId, contractId: answer.id };
  }
  const terminate = (
    company: string,
    employeeId: string,
    body: Record<string, unknown>,
    permissions = [HR],
  ) =>
    request(server)
      .post(`/api/employees/${employeeId}/termination`)
      .set(auth(company, permissions))
      .send(body);
  const getEmployee = (company: string, id: string, permissions = [HR]) =>
    request(server).get(`/api/employees/${id}`).set(auth(company, permissions));

  beforeAll(async () => {
    t = await createTestApp(DELIVERY_ENV);
    receiver = await TestReceiver.start();
    server = t.app.getHttpServer() as App;
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  describe('GET /api/employees/{id}', () => {
    it('200 with the employee, before and after the contract is signed', async () => {
      const company = 'get-employee';
      const { employeeId, contractId } = await hireEmployee(company, CDI, false);
      expect(expectStatus(await getEmployee(company, employeeId), 200)).toMatchObject({
        id: employeeId,
      });
      expectStatus(
        await request(server).post(`/api/contracts/${contractId}/sign`).set(auth(company)).send(),
        200,
      );
      expect(expectStatus(await getEmployee(company, employeeId), 200)).toMatchObject({
        id: employeeId,
      });
    });

    it("an unknown id, a non-UUID id, another company's employee: 404", async () => {
      const { employeeId } = await hireEmployee('get-employee-owner');
      expectStatus(await getEmployee('get-employee-intruder', randomUUID()), 404);
      expectStatus(await getEmployee('get-employee-intruder', 'not-a-uuid'), 404);
      expectStatus(await getEmployee('get-employee-intruder', employeeId), 404);
    });

    it('401 without a token; 403 without hr.manage', async () => {
      const { employeeId } = await hireEmployee('get-employee-auth');
      expectStatus(await request(server).get(`/api/employees/${employeeId}`), 401);
      expectStatus(await getEmployee('get-employee-auth', employeeId, NOT_HR), 403);
    });
  });

  describe('POST /api/employees/{id}/termination', () => {
    it.each(REASONS)(
      '%s: 200 with the employee, and delivers exactly employee.terminated',
      async (reason) => {
        const payroll = await tenant(`terminate-${reason.toLowerCase()}`);
        const contract = reason === 'END_OF_FIXED_TERM' ? CDD : CDI;
        const { employeeId, contractId } = await hireEmployee(payroll.company, contract);
        const before = await eventIds(payroll.company);
        const answer = expectStatus(
          await terminate(payroll.company, employeeId, { terminationDate: '2026-08-31', reason }),
          200,
        );
        expect(answer).toMatchObject({ id: employeeId, terminationDate: '2026-08-31' });
        await expectDelivered(payroll, before, 'employee.terminated', {
          employeeId,
          terminationDate: '2026-08-31',
          reason,
          contractId,
          contractType: contract.contractType,
        });
        // the employee is still there, terminated
        expect(expectStatus(await getEmployee(payroll.company, employeeId), 200)).toMatchObject({
          id: employeeId,
          terminationDate: '2026-08-31',
        });
      },
    );

    it('a termination on the contract start date is allowed (not before it)', async () => {
      const payroll = await tenant('terminate-same-day');
      const { employeeId, contractId } = await hireEmployee(payroll.company);
      const before = await eventIds(payroll.company);
      expectStatus(
        await terminate(payroll.company, employeeId, {
          terminationDate: '2026-03-01',
          reason: 'TRIAL_PERIOD_END',
        }),
        200,
      );
      await expectDelivered(payroll, before, 'employee.terminated', {
        employeeId,
        terminationDate: '2026-03-01',
        reason: 'TRIAL_PERIOD_END',
        contractId,
        contractType: 'CDI',
      });
    });

    it('terminating twice: 409, nothing emitted', async () => {
      const payroll = await tenant('terminate-twice');
      const { employeeId } = await hireEmployee(payroll.company);
      expectStatus(
        await terminate(payroll.company, employeeId, {
          terminationDate: '2026-06-30',
          reason: 'RESIGNATION',
        }),
        200,
      );
      await expectSilent(payroll, async () => {
        await emitsNothing(payroll.company, async () => {
          expectStatus(
            await terminate(payroll.company, employeeId, {
              terminationDate: '2026-06-30',
              reason: 'RESIGNATION',
            }),
            409,
          );
        });
        expectStatus(
          await terminate(payroll.company, employeeId, {
            terminationDate: '2026-07-31',
            reason: 'DISMISSAL',
          }),
          409,
        );
      });
    });

    it('an employee whose contract is not signed: 409, nothing emitted', async () => {
      const payroll = await tenant('terminate-unsigned');
      const { employeeId, contractId } = await hireEmployee(payroll.company, CDI, false);
      await expectSilent(payroll, async () => {
        expectStatus(
          await terminate(payroll.company, employeeId, {
            terminationDate: '2026-06-30',
            reason: 'TRIAL_PERIOD_END',
          }),
          409,
        );
      });
      // once signed, the same termination goes through
      expectStatus(
        await request(server)
          .post(`/api/contracts/${contractId}/sign`)
          .set(auth(payroll.company))
          .send(),
        200,
      );
      expectStatus(
        await terminate(payroll.company, employeeId, {
          terminationDate: '2026-06-30',
          reason: 'TRIAL_PERIOD_END',
        }),
        200,
      );
    });

    describe('a bad body: 400 naming the field, nothing emitted', () => {
      const company = 'bad-termination';
      let employeeId: string;
      beforeAll(async () => {
        ({ employeeId } = await hireEmployee(company));
      });
      const CASES: [string, Record<string, unknown>, string][] = [
        ['no terminationDate', { reason: 'RESIGNATION' }, 'terminationDate'],
        ['no reason', { terminationDate: '2026-06-30' }, 'reason'],
        ['an empty body', {}, 'terminationDate'],
        ['an unknown reason', { terminationDate: '2026-06-30', reason: 'FIRED' }, 'reason'],
        ['a lower-case reason', { terminationDate: '2026-06-30', reason: 'resignation' }, 'reason'],
        ['a reason that is not a string', { terminationDate: '2026-06-30', reason: 3 }, 'reason'],
        [
          'terminationDate 2026-02-30 (no such day)',
          { terminationDate: '2026-02-30', reason: 'RESIGNATION' },
          'terminationDate',
        ],
        [
          'terminationDate 26-01-01 (not YYYY-MM-DD)',
          { terminationDate: '26-01-01', reason: 'RESIGNATION' },
          'terminationDate',
        ],
        [
          'terminationDate 2026-13-01 (no such month)',
          { terminationDate: '2026-13-01', reason: 'RESIGNATION' },
          'terminationDate',
        ],
        [
          'terminationDate with a time',
          { terminationDate: '2026-06-30T17:00:00Z', reason: 'RESIGNATION' },
          'terminationDate',
        ],
        [
          'terminationDate before the contract start date',
          { terminationDate: '2026-02-28', reason: 'RESIGNATION' },
          'terminationDate',
        ],
        [
          'an unknown field',
          { terminationDate: '2026-06-30', reason: 'RESIGNATION', noticeDays: 30 },
          'noticeDays',
        ],
      ];
      it.each(CASES)('%s', async (_label, body, field) => {
        await emitsNothing(company, async () => {
          expectBadRequest(await terminate(company, employeeId, body), field);
        });
      });
      it('none of them terminated the employee: a valid termination still goes through', async () => {
        expectStatus(
          await terminate(company, employeeId, {
            terminationDate: '2026-06-30',
            reason: 'RESIGNATION',
          }),
          200,
        );
      });
    });

    it("an unknown id, a non-UUID id, another company's employee: 404, nothing emitted", async () => {
      const owner = await tenant('terminate-owner');
      const intruder = await tenant('terminate-intruder');
      const { employeeId } = await hireEmployee(owner.company);
      const body = { terminationDate: '2026-06-30', reason: 'DISMISSAL' };
      await expectSilent(owner, async () => {
        await expectSilent(intruder, async () => {
          expectStatus(await terminate(intruder.company, randomUUID(), body), 404);
          expectStatus(await terminate(intruder.company, 'not-a-uuid', body), 404);
          expectStatus(await terminate(intruder.company, employeeId, body), 404);
        });
      });
      // left as it was: the owner can terminate it
      expectStatus(await terminate(owner.company, employeeId, body), 200);
    });

    it('401 without a token; 403 without hr.manage; nothing emitted', async () => {
      const payroll = await tenant('terminate-auth');
      const { employeeId } = await hireEmployee(payroll.company);
      const body = { terminationDate: '2026-06-30', reason: 'RETIREMENT' };
      await expectSilent(payroll, async () => {
        expectStatus(
          await request(server).post(`/api/employees/${employeeId}/termination`).send(body),
          401,
        );
        expectStatus(await terminate(payroll.company, employeeId, body, NOT_HR), 403);
      });
      expectStatus(await terminate(payroll.company, employeeId, body), 200);
    });

    it('the failing variants (400, 404, 409, 403) emit nothing: no event, no delivery', async () => {
      const payroll = await tenant('terminate-silent');
      const other = await tenant('terminate-silent-other');
      const active = await hireEmployee(payroll.company);
      const unsigned = await hireEmployee(payroll.company, CDI, false);
      const gone = await hireEmployee(payroll.company);
      const foreign = await hireEmployee(other.company);
      const ok = { terminationDate: '2026-06-30', reason: 'DISMISSAL' };
      expectStatus(await terminate(payroll.company, gone.employeeId, ok), 200);
      await expectSilent(payroll, async () => {
        expectStatus(
          await terminate(payroll.company, active.employeeId, { ...ok, reason: 'FIRED' }),
          400,
        );
        expectStatus(
          await terminate(payroll.company, active.employeeId, {
            ...ok,
            terminationDate: '2026-02-30',
          }),
          400,
        );
        expectStatus(
          await terminate(payroll.company, active.employeeId, {
            ...ok,
            terminationDate: '2026-01-15',
          }),
          400,
        );
        expectStatus(await terminate(payroll.company, active.employeeId, { ...ok, x: 1 }), 400);
        expectStatus(await terminate(payroll.company, randomUUID(), ok), 404);
        expectStatus(await terminate(payroll.company, foreign.employeeId, ok), 404);
        expectStatus(await terminate(payroll.company, unsigned.employeeId, ok), 409);
        expectStatus(await terminate(payroll.company, gone.employeeId, ok), 409);
        expectStatus(await terminate(payroll.company, active.employeeId, ok, NOT_HR), 403);
      });
    });
  });
});
