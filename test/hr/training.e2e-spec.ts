import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Response } from 'supertest';
import type { App } from 'supertest/types';
import { Webhook } from 'standardwebhooks';
import { eventually, TestReceiver } from '../support/receiver';
import { createTestApp, type TestApp } from '../support/test-app';

// CONTRACT.md "Events": POST /api/trainings and POST /api/trainings/{id}/completions.

const DELIVERY_ENV = { WEBHOOKS_ALLOW_HTTP: 'true', WEBHOOKS_ALLOW_PRIVATE_URLS: 'true' };
const HR = 'hr.manage';
const NOT_HR = ['system.webhooks.manage', 'system.events.publish'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
/** How long "nothing arrives" is watched for. */
const QUIET_MS = 1_000;

interface Training {
  id: string;
  title: string;
  cpfEligible: boolean;
}
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

describe('trainings', () => {
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

  /** A candidate hired on a signed CDI contract starting 2026-03-01. */
  async function hireEmployee(company: string): Promise<Employee> {
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
    const contract = expectStatus<{ id: string; employeeId: string }>(
      await request(server)
        .post('/api/contracts')
        .set(auth(company))
        .send({ candidateId, contractType: 'CDI', startDate: '2026-03-01' }),
      201,
    );
    expectStatus(
      await request(server).post(`/api/contracts/${contract.id}/sign`).set(auth(company)).send(),
      200,
    );
    return { employeeId: contract.employeeId, contractId: contract.id };
  }
  const postTraining = (company: string, body: Record<string, unknown>, permissions = [HR]) =>
    request(server).post('/api/trainings').set(auth(company, permissions)).send(body);
  async function createTraining(company: string, cpfEligible: boolean): Promise<Training> {
    return expectStatus<Training>(
      await postTraining(company, {
        title: cpfEligible ? 'Excel avancé' : 'Accueil sécurité',
        cpfEligible,
      }),
      201,
    );
  }
  const complete = (
    company: string,
    trainingId: string,
    body: Record<string, unknown>,
    permissions = [HR],
  ) =>
    request(server)
      .post(`/api/trainings/${trainingId}/completions`)
      .set(auth(company, permissions))
      .send(body);

  beforeAll(async () => {
    t = await createTestApp(DELIVERY_ENV);
    receiver = await TestReceiver.start();
    server = t.app.getHttpServer() as App;
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  describe('POST /api/trainings', () => {
    it.each([true, false])(
      'cpfEligible %s: 201 with the training, emits nothing',
      async (cpfEligible) => {
        const company = `training-${String(cpfEligible)}`;
        await emitsNothing(company, async () => {
          const training = expectStatus<Training>(
            await postTraining(company, { title: 'Management d’équipe', cpfEligible }),
            201,
          );
          expect(training).toMatchObject({
            id: expect.stringMatching(UUID),
            title: 'Management d’équipe',
            cpfEligible,
          });
        });
      },
    );

    const BAD_BODIES: [string, Record<string, unknown>, string][] = [
      ['no title', { cpfEligible: true }, 'title'],
      ['an empty body', {}, 'title'],
      ['an empty title', { title: '', cpfEligible: true }, 'title'],
      ['a title that is not a string', { title: 42, cpfEligible: true }, 'title'],
      ['no cpfEligible', { title: 'Excel' }, 'cpfEligible'],
      ['cpfEligible "yes"', { title: 'Excel', cpfEligible: 'yes' }, 'cpfEligible'],
      ['cpfEligible "true" (a string)', { title: 'Excel', cpfEligible: 'true' }, 'cpfEligible'],
      ['cpfEligible 1', { title: 'Excel', cpfEligible: 1 }, 'cpfEligible'],
      [
        'an unknown field',
        { title: 'Excel', cpfEligible: true, durationHours: 14 },
        'durationHours',
      ],
    ];
    it.each(BAD_BODIES)('%s: 400 naming the field, nothing emitted', async (_l, body, field) => {
      await emitsNothing('bad-training', async () => {
        expectBadRequest(await postTraining('bad-training', body), field);
      });
    });

    it('401 without a token; 403 without hr.manage', async () => {
      const body = { title: 'Excel', cpfEligible: true };
      expectStatus(await request(server).post('/api/trainings').send(body), 401);
      expectStatus(await postTraining('training-auth', body, NOT_HR), 403);
    });
  });

  describe('POST /api/trainings/{id}/completions', () => {
    const SUCCESSES: [string, boolean, number][] = [
      ['a CPF-eligible training, 14 h', true, 14],
      ['a CPF-eligible training, 0 h', true, 0],
      ['a CPF-eligible training, 1000 h (the maximum)', true, 1000],
      ['a training that is not CPF-eligible, 0 h', false, 0],
    ];
    it.each(SUCCESSES)(
      '%s: 201 with the completion, and delivers exactly training.completed',
      async (_label, cpfEligible, cpfHours) => {
        const hr = await tenant('complete');
        const { employeeId } = await hireEmployee(hr.company);
        const training = await createTraining(hr.company, cpfEligible);
        const before = await eventIds(hr.company);
        const completion = expectStatus(
          await complete(hr.company, training.id, { employeeId, cpfHours }),
          201,
        );
        expect(completion).toMatchObject({ employeeId, trainingId: training.id, cpfHours });
        await expectDelivered(hr, before, 'training.completed', {
          employeeId,
          trainingId: training.id,
          cpfHours,
        });
      },
    );

    it('every completion emits: two employees, one training, two events', async () => {
      const hr = await tenant('complete-two');
      const lea = await hireEmployee(hr.company);
      const noah = await hireEmployee(hr.company);
      const training = await createTraining(hr.company, true);
      for (const [employee, cpfHours] of [
        [lea, 7],
        [noah, 21],
      ] as const) {
        const before = await eventIds(hr.company);
        expectStatus(
          await complete(hr.company, training.id, { employeeId: employee.employeeId, cpfHours }),
          201,
        );
        await expectDelivered(hr, before, 'training.completed', {
          employeeId: employee.employeeId,
          trainingId: training.id,
          cpfHours,
        });
      }
    });

    describe('a bad body: 400 naming the field, nothing emitted', () => {
      const company = 'bad-completion';
      let employeeId: string;
      let eligible: Training;
      let notEligible: Training;
      beforeAll(async () => {
        ({ employeeId } = await hireEmployee(company));
        eligible = await createTraining(company, true);
        notEligible = await createTraining(company, false);
      });
      const CASES: [string, () => [Training, Record<string, unknown>], string][] = [
        ['no cpfHours', () => [eligible, { employeeId }], 'cpfHours'],
        ['cpfHours -1', () => [eligible, { employeeId, cpfHours: -1 }], 'cpfHours'],
        ['cpfHours 1001', () => [eligible, { employeeId, cpfHours: 1001 }], 'cpfHours'],
        ['cpfHours "14" (a string)', () => [eligible, { employeeId, cpfHours: '14' }], 'cpfHours'],
        ['cpfHours null', () => [eligible, { employeeId, cpfHours: null }], 'cpfHours'],
        [
          'cpfHours > 0 for a training that is not CPF-eligible',
          () => [notEligible, { employeeId, cpfHours: 5 }],
          'cpfHours',
        ],
        ['no employeeId', () => [eligible, { cpfHours: 14 }], 'employeeId'],
        ['an empty body', () => [eligible, {}], 'employeeId'],
        [
          'an employeeId that is a number',
          () => [eligible, { employeeId: 42, cpfHours: 14 }],
          'employeeId',
        ],
        [
          'an unknown field',
          () => [eligible, { employeeId, cpfHours: 14, completedAt: '2026-05-01' }],
          'completedAt',
        ],
      ];
      it.each(CASES)('%s', async (_label, input, field) => {
        const [training, body] = input();
        await emitsNothing(company, async () => {
          expectBadRequest(await complete(company, training.id, body), field);
        });
      });
    });

    it("an unknown training, a non-UUID id, an unknown employee, another company's: 404", async () => {
      const owner = await tenant('completion-owner');
      const intruder = await tenant('completion-intruder');
      const ownEmployee = await hireEmployee(owner.company);
      const ownTraining = await createTraining(owner.company, true);
      const theirEmployee = await hireEmployee(intruder.company);
      const theirTraining = await createTraining(intruder.company, true);
      await expectSilent(owner, async () => {
        await expectSilent(intruder, async () => {
          const body = { employeeId: theirEmployee.employeeId, cpfHours: 14 };
          expectStatus(await complete(intruder.company, randomUUID(), body), 404);
          expectStatus(await complete(intruder.company, 'not-a-uuid', body), 404);
          expectStatus(
            await complete(intruder.company, theirTraining.id, {
              employeeId: randomUUID(),
              cpfHours: 14,
            }),
            404,
          );
          // the owner's training, the owner's employee
          expectStatus(await complete(intruder.company, ownTraining.id, body), 404);
          expectStatus(
            await complete(intruder.company, theirTraining.id, {
              employeeId: ownEmployee.employeeId,
              cpfHours: 14,
            }),
            404,
          );
          expectStatus(
            await complete(intruder.company, ownTraining.id, {
              employeeId: ownEmployee.employeeId,
              cpfHours: 14,
            }),
            404,
          );
        });
      });
    });

    it('a terminated employee: 409, nothing emitted', async () => {
      const hr = await tenant('completion-terminated');
      const { employeeId } = await hireEmployee(hr.company);
      const training = await createTraining(hr.company, true);
      const terminated = await request(server)
        .post(`/api/employees/${employeeId}/termination`)
        .set(auth(hr.company))
        .send({ terminationDate: '2026-06-30', reason: 'RESIGNATION' });
      expect([200, 201]).toContain(terminated.status);
      await expectSilent(hr, async () => {
        await emitsNothing(hr.company, async () => {
          expectStatus(await complete(hr.company, training.id, { employeeId, cpfHours: 14 }), 409);
        });
        expectStatus(await complete(hr.company, training.id, { employeeId, cpfHours: 0 }), 409);
      });
    });

    it('401 without a token; 403 without hr.manage; nothing emitted', async () => {
      const hr = await tenant('completion-auth');
      const { employeeId } = await hireEmployee(hr.company);
      const training = await createTraining(hr.company, true);
      await expectSilent(hr, async () => {
        expectStatus(
          await request(server)
            .post(`/api/trainings/${training.id}/completions`)
            .send({ employeeId, cpfHours: 14 }),
          401,
        );
        expectStatus(
          await complete(hr.company, training.id, { employeeId, cpfHours: 14 }, NOT_HR),
          403,
        );
      });
    });

    it('the failing variants (400, 404, 409, 403) emit nothing: no event, no delivery', async () => {
      const hr = await tenant('completion-silent');
      const { employeeId } = await hireEmployee(hr.company);
      const eligible = await createTraining(hr.company, true);
      const notEligible = await createTraining(hr.company, false);
      await expectSilent(hr, async () => {
        expectStatus(await complete(hr.company, eligible.id, { employeeId, cpfHours: 1001 }), 400);
        expectStatus(await complete(hr.company, notEligible.id, { employeeId, cpfHours: 3 }), 400);
        expectStatus(
          await complete(hr.company, eligible.id, { employeeId, cpfHours: 1, x: 1 }),
          400,
        );
        expectStatus(await complete(hr.company, randomUUID(), { employeeId, cpfHours: 1 }), 404);
        expectStatus(
          await complete(hr.company, eligible.id, { employeeId: randomUUID(), cpfHours: 1 }),
          404,
        );
        expectStatus(
          await complete(hr.company, eligible.id, { employeeId, cpfHours: 1 }, NOT_HR),
          403,
        );
      });
    });
  });
});
