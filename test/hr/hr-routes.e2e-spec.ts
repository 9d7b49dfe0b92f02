import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Response } from 'supertest';
import type { App } from 'supertest/types';
import { Webhook } from 'standardwebhooks';
import {
  DELIVERY_ENV,
  DELIVERY_PERMISSIONS,
  HR,
  ISO_DATE_TIME,
  MANAGE,
} from '../support/constants';
import { eventually, type ReceivedRequest, TestReceiver } from '../support/receiver';
import { createTestApp, type TestApp } from '../support/test-app';

const HOOK = '/hr';

interface Candidate {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  status: string;
  createdAt?: string;
}
interface Contract {
  id: string;
  employeeId: string;
  contractType: string;
  startDate: string;
  endDate?: string | null;
}
interface Training {
  id: string;
  title: string;
  cpfEligible: boolean;
}
interface StoredEvent {
  id: string;
  type: string;
  companyId: string;
}
interface DeliveredEvent {
  id: string;
  event: string;
  timestamp: string;
  companyId: string;
  data: Record<string, unknown>;
}

const STATUSES = ['new', 'screening', 'interview', 'offer', 'hired', 'rejected'] as const;
type Status = (typeof STATUSES)[number];

describe('HR routes (CONTRACT.md "Events")', () => {
  let t: TestApp;
  let receiver: TestReceiver;
  let server: App;
  let secret: string;
  let emailCounter = 0;

  const hrToken = (company = 'acme') => t.token(company, [HR]);
  const auth = (token: string = hrToken()) => ({ Authorization: `Bearer ${token}` });
  const nextEmail = () => `candidate.${++emailCounter}.${process.pid}@example.com`;

  /** Asserts a status, showing the body when it differs. */
  function expectStatus(res: Response, status: number | number[]): void {
    const allowed = Array.isArray(status) ? status : [status];
    if (!allowed.includes(res.status)) {
      throw new Error(
        `expected ${allowed.join(' or ')}, got ${res.status}: ${JSON.stringify(res.body)}`,
      );
    }
  }
  /** 400 whose message names the field. */
  function expectBadRequest(res: Response, field: string): void {
    expectStatus(res, 400);
    expect(JSON.stringify(res.body)).toContain(field);
  }

  async function eventCount(): Promise<number> {
    const rows: { n: number }[] = await t.dataSource.query(
      'SELECT count(*)::int AS n FROM webhook_events',
    );
    return rows[0].n;
  }
  async function eventIds(): Promise<Set<string>> {
    const rows: { id: string }[] = await t.dataSource.query('SELECT id FROM webhook_events');
    return new Set(rows.map((r) => r.id));
  }
  /** Runs the action and answers the events it stored. */
  async function emitted<T>(
    action: () => Promise<T>,
  ): Promise<{ result: T; events: StoredEvent[] }> {
    const before = await eventIds();
    const result = await action();
    const rows: StoredEvent[] = await t.dataSource.query(
      'SELECT id, type, company_id AS "companyId" FROM webhook_events ORDER BY created_at, id',
    );
    return { result, events: rows.filter((r) => !before.has(r.id)) };
  }
  /** Runs the action and asserts no event was stored. */
  async function emitsNothing(action: () => Promise<void>): Promise<void> {
    const before = await eventCount();
    await action();
    expect(await eventCount()).toBe(before);
  }
  function verify(req: ReceivedRequest): DeliveredEvent {
    return new Webhook(secret).verify(req.text, {
      'webhook-id': String(req.headers['webhook-id']),
      'webhook-timestamp': String(req.headers['webhook-timestamp']),
      'webhook-signature': String(req.headers['webhook-signature']),
    }) as DeliveredEvent;
  }
  /** Exactly one event of `type` was stored; its delivery carries exactly `data`, signed. */
  async function expectDelivered(
    events: StoredEvent[],
    type: string,
    data: Record<string, unknown>,
  ): Promise<DeliveredEvent> {
    expect(events.map((e) => e.type)).toEqual([type]);
    const [event] = events;
    expect(event.companyId).toBe('acme');
    const req = await eventually(
      async () => receiver.on(HOOK).find((r) => r.headers['webhook-id'] === event.id),
      15_000,
      50,
    );
    expect(req.headers['x-webhook-event']).toBe(type);
    const body = verify(req);
    expect(body).toEqual({
      id: event.id,
      event: type,
      timestamp: expect.stringMatching(ISO_DATE_TIME),
      companyId: 'acme',
      data,
    });
    return body;
  }

  async function createCandidate(company = 'acme', email = nextEmail()): Promise<Candidate> {
    const res = await request(server)
      .post('/api/candidates')
      .set(auth(hrToken(company)))
      .send({ firstName: 'Léa', lastName: 'Martin', email });
    expectStatus(res, 201);
    return res.body as Candidate;
  }
  const move = (id: string, status: string, company = 'acme') =>
    request(server)
      .patch(`/api/candidates/${id}/status`)
      .set(auth(hrToken(company)))
      .send({ status });
  async function candidateIn(status: Status, company = 'acme'): Promise<Candidate> {
    const candidate = await createCandidate(company);
    const path: Status[] =
      status === 'rejected'
        ? ['rejected']
        : (['screening', 'interview', 'offer', 'hired'] as Status[]).slice(
            0,
            STATUSES.indexOf(status),
          );
    for (const next of path) expectStatus(await move(candidate.id, next, company), 200);
    return { ...candidate, status };
  }
  const postContract = (body: Record<string, unknown>, company = 'acme') =>
    request(server)
      .post('/api/contracts')
      .set(auth(hrToken(company)))
      .send(body);
  async function contractFor(
    company = 'acme',
    body: Record<string, unknown> = { contractType: 'CDI', startDate: '2026-03-01' },
  ): Promise<Contract> {
    const candidate = await candidateIn('hired', company);
    const res = await postContract({ candidateId: candidate.id, ...body }, company);
    expectStatus(res, 201);
    return res.body as Contract;
  }
  const sign = (id: string, company = 'acme') =>
    request(server)
      .post(`/api/contracts/${id}/sign`)
      .set(auth(hrToken(company)))
      .send();
  async function signedContract(
    company = 'acme',
    body: Record<string, unknown> = { contractType: 'CDI', startDate: '2026-03-01' },
  ): Promise<Contract> {
    const contract = await contractFor(company, body);
    expectStatus(await sign(contract.id, company), 200);
    return contract;
  }
  async function createTraining(cpfEligible: boolean, company = 'acme'): Promise<Training> {
    const res = await request(server)
      .post('/api/trainings')
      .set(auth(hrToken(company)))
      .send({ title: cpfEligible ? 'Excel avancé' : 'Accueil sécurité', cpfEligible });
    expectStatus(res, 201);
    return res.body as Training;
  }
  const complete = (trainingId: string, body: Record<string, unknown>, company = 'acme') =>
    request(server)
      .post(`/api/trainings/${trainingId}/completions`)
      .set(auth(hrToken(company)))
      .send(body);
  const terminate = (employeeId: string, body: Record<string, unknown>, company = 'acme') =>
    request(server)
      .post(`/api/employees/${employeeId}/termination`)
      .set(auth(hrToken(company)))
      .send(body);

  beforeAll(async () => {
    t = await createTestApp(DELIVERY_ENV);
    receiver = await TestReceiver.start();
    server = t.app.getHttpServer() as App;
    const subscribed = await request(server)
      .post('/api/webhooks')
      .set(auth(t.token('acme', [MANAGE])))
      .send({ url: receiver.url(HOOK), events: ['*'] });
    expectStatus(subscribed, 201);
    secret = (subscribed.body as { secret: string }).secret;
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  describe('authentication and permission', () => {
    const id = randomUUID();
    const routes: { method: 'get' | 'post' | 'patch'; path: string; body?: object }[] = [
      {
        method: 'post',
        path: '/api/candidates',
        body: { firstName: 'A', lastName: 'B', email: 'a.b@example.com' },
      },
      { method: 'patch', path: `/api/candidates/${id}/status`, body: { status: 'screening' } },
      {
        method: 'post',
        path: '/api/contracts',
        body: { candidateId: id, contractType: 'CDI', startDate: '2026-03-01' },
      },
      { method: 'post', path: `/api/contracts/${id}/sign` },
      { method: 'get', path: `/api/contracts/${id}` },
      { method: 'get', path: `/api/employees/${id}` },
      { method: 'post', path: '/api/trainings', body: { title: 'T', cpfEligible: true } },
      {
        method: 'post',
        path: `/api/trainings/${id}/completions`,
        body: { employeeId: id, cpfHours: 1 },
      },
      {
        method: 'post',
        path: `/api/employees/${id}/termination`,
        body: { terminationDate: '2026-06-30', reason: 'RESIGNATION' },
      },
    ];

    it.each(routes)('$method $path: 401 without a token, 403 without hr.manage', async (route) => {
      await emitsNothing(async () => {
        const anonymous = await request(server)[route.method](route.path).send(route.body);
        expectStatus(anonymous, 401);
        const badToken = await request(server)
          [route.method](route.path)
          .set(auth(t.token('acme', [HR], { secret: 'not-the-key-not-the-key-123456' })))
          .send(route.body);
        expectStatus(badToken, 401);
        const noPermission = await request(server)
          [route.method](route.path)
          .set(auth(t.token('acme', DELIVERY_PERMISSIONS)))
          .send(route.body);
        expectStatus(noPermission, 403);
      });
    });
  });

  describe('POST /api/candidates', () => {
    it('201 with the candidate, emits candidate.created with exactly the documented data', async () => {
      const email = nextEmail();
      const { result: res, events } = await emitted(() =>
        request(server)
          .post('/api/candidates')
          .set(auth())
          .send({ firstName: 'Léa', lastName: 'Martin', email }),
      );
      expectStatus(res, 201);
      const candidate = res.body as Candidate;
      expect(candidate).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        firstName: 'Léa',
        lastName: 'Martin',
        email,
        status: 'new',
      });
      const delivered = await expectDelivered(events, 'candidate.created', {
        candidateId: candidate.id,
        firstName: 'Léa',
        lastName: 'Martin',
        email,
        status: 'new',
        createdAt: expect.stringMatching(ISO_DATE_TIME),
      });
      if (candidate.createdAt) {
        expect(new Date(String(delivered.data.createdAt)).getTime()).toBe(
          new Date(candidate.createdAt).getTime(),
        );
      }
    });

    it('a bad body is 400 naming the field, and emits nothing', async () => {
      const valid = { firstName: 'Léa', lastName: 'Martin', email: 'lea@example.com' };
      const post = (body: object) => request(server).post('/api/candidates').set(auth()).send(body);
      await emitsNothing(async () => {
        expectBadRequest(await post({ lastName: 'Martin', email: nextEmail() }), 'firstName');
        expectBadRequest(await post({ firstName: 'Léa', email: nextEmail() }), 'lastName');
        expectBadRequest(await post({ firstName: 'Léa', lastName: 'Martin' }), 'email');
        expectBadRequest(await post({ ...valid, email: 'not-an-email' }), 'email');
        expectBadRequest(await post({ ...valid, firstName: 42 }), 'firstName');
        expectBadRequest(await post({ ...valid, email: nextEmail(), nickname: 'L' }), 'nickname');
        expectBadRequest(await post({ ...valid, email: nextEmail(), status: 'hired' }), 'status');
      });
    });

    it('emails are unique per company, case-insensitively (409), and emit nothing the second time', async () => {
      const email = nextEmail();
      await createCandidate('acme', email);
      await emitsNothing(async () => {
        const again = await request(server)
          .post('/api/candidates')
          .set(auth())
          .send({ firstName: 'Autre', lastName: 'Personne', email: email.toUpperCase() });
        expectStatus(again, 409);
      });
      // another company may register the same person
      await createCandidate('globex', email);
    });
  });

  describe('PATCH /api/candidates/{id}/status', () => {
    const allowed: [Status, Status][] = [
      ['new', 'screening'],
      ['screening', 'interview'],
      ['interview', 'offer'],
      ['offer', 'hired'],
      ['new', 'rejected'],
      ['screening', 'rejected'],
      ['interview', 'rejected'],
      ['offer', 'rejected'],
    ];
    it.each(allowed)(
      '%s → %s: 200 with the candidate, emits candidate.status_changed',
      async (from, to) => {
        const candidate = await candidateIn(from);
        const { result: res, events } = await emitted(() => move(candidate.id, to));
        expectStatus(res, 200);
        expect(res.body).toMatchObject({ id: candidate.id, status: to });
        await expectDelivered(events, 'candidate.status_changed', {
          candidateId: candidate.id,
          oldStatus: from,
          newStatus: to,
        });
      },
    );

    const illegal: [Status, Status, Status[]][] = [
      ['new', 'interview', ['screening', 'rejected']],
      ['new', 'hired', ['screening', 'rejected']],
      ['hired', 'rejected', []],
      ['rejected', 'screening', []],
      ['offer', 'new', ['hired', 'rejected']],
    ];
    it.each(illegal)(
      '%s → %s: 409 listing the allowed next states, emits nothing',
      async (from, to, next) => {
        const candidate = await candidateIn(from);
        await emitsNothing(async () => {
          const res = await move(candidate.id, to);
          expectStatus(res, 409);
          const message = JSON.stringify(res.body);
          for (const state of next) expect(message).toContain(state);
        });
      },
    );

    it('a bad status is 400 naming status; unknown, foreign and non-UUID ids are 404', async () => {
      const candidate = await createCandidate();
      const foreign = await createCandidate('globex');
      await emitsNothing(async () => {
        expectBadRequest(await move(candidate.id, 'promoted'), 'status');
        expectBadRequest(
          await request(server)
            .patch(`/api/candidates/${candidate.id}/status`)
            .set(auth())
            .send({}),
          'status',
        );
        expectBadRequest(
          await request(server)
            .patch(`/api/candidates/${candidate.id}/status`)
            .set(auth())
            .send({ status: 'screening', note: 'x' }),
          'note',
        );
        expectStatus(await move(randomUUID(), 'screening'), 404);
        expectStatus(await move(foreign.id, 'screening'), 404);
        expectStatus(await move('not-a-uuid', 'screening'), 404);
      });
      // the foreign candidate was not touched
      expectStatus(await move(foreign.id, 'screening', 'globex'), 200);
    });
  });

  describe('POST /api/contracts and GET /api/contracts/{id}', () => {
    it('201 with id and employeeId for a hired candidate, emits nothing; readable by id', async () => {
      const candidate = await candidateIn('hired');
      let contract!: Contract;
      await emitsNothing(async () => {
        const res = await postContract({
          candidateId: candidate.id,
          contractType: 'CDD',
          startDate: '2026-03-01',
          endDate: '2026-08-31',
        });
        expectStatus(res, 201);
        contract = res.body as Contract;
      });
      expect(contract).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        employeeId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        contractType: 'CDD',
        startDate: '2026-03-01',
        endDate: '2026-08-31',
      });
      const read = await request(server).get(`/api/contracts/${contract.id}`).set(auth());
      expectStatus(read, 200);
      expect(read.body).toMatchObject({
        id: contract.id,
        employeeId: contract.employeeId,
        contractType: 'CDD',
        startDate: '2026-03-01',
      });
      const employee = await request(server)
        .get(`/api/employees/${contract.employeeId}`)
        .set(auth());
      expectStatus(employee, 200);
      expect(employee.body).toMatchObject({ id: contract.employeeId });
    });

    it('a bad body is 400 naming the field, and emits nothing', async () => {
      const candidate = await candidateIn('hired');
      const valid = { candidateId: candidate.id, contractType: 'CDI', startDate: '2026-03-01' };
      await emitsNothing(async () => {
        expectBadRequest(
          await postContract({ ...valid, contractType: 'FREELANCE' }),
          'contractType',
        );
        expectBadRequest(await postContract({ ...valid, startDate: '2026-02-30' }), 'startDate');
        expectBadRequest(await postContract({ ...valid, startDate: '01/03/2026' }), 'startDate');
        expectBadRequest(
          await postContract({ ...valid, startDate: '2026-03-01T00:00:00Z' }),
          'startDate',
        );
        expectBadRequest(
          await postContract({ candidateId: candidate.id, contractType: 'CDI' }),
          'startDate',
        );
        expectBadRequest(
          await postContract({ candidateId: candidate.id, startDate: '2026-03-01' }),
          'contractType',
        );
        expectBadRequest(
          await postContract({ contractType: 'CDI', startDate: '2026-03-01' }),
          'candidateId',
        );
        expectBadRequest(await postContract({ ...valid, salary: 3000 }), 'salary');
        expectBadRequest(await postContract({ ...valid, contractType: 'CDD' }), 'endDate');
        expectBadRequest(
          await postContract({ ...valid, contractType: 'CDD', endDate: '2026-02-28' }),
          'endDate',
        );
        expectBadRequest(
          await postContract({ ...valid, contractType: 'CDD', endDate: '2026-02-30' }),
          'endDate',
        );
      });
      // the candidate is still free for a contract
      expectStatus(await postContract(valid), 201);
    });

    it('409 for a candidate that is not hired; 404 for an unknown or foreign candidate', async () => {
      const offer = await candidateIn('offer');
      const rejected = await candidateIn('rejected');
      const foreign = await candidateIn('hired', 'globex');
      const body = { contractType: 'CDI', startDate: '2026-03-01' };
      await emitsNothing(async () => {
        expectStatus(await postContract({ candidateId: offer.id, ...body }), 409);
        expectStatus(await postContract({ candidateId: rejected.id, ...body }), 409);
        expectStatus(await postContract({ candidateId: randomUUID(), ...body }), 404);
        expectStatus(await postContract({ candidateId: foreign.id, ...body }), 404);
      });
    });

    it('GET of an unknown, foreign or non-UUID contract or employee is 404', async () => {
      const foreign = await contractFor('globex');
      for (const path of [
        `/api/contracts/${randomUUID()}`,
        `/api/contracts/${foreign.id}`,
        '/api/contracts/not-a-uuid',
        `/api/employees/${randomUUID()}`,
        `/api/employees/${foreign.employeeId}`,
        '/api/employees/not-a-uuid',
      ]) {
        expectStatus(await request(server).get(path).set(auth()), 404);
      }
    });
  });

  describe('POST /api/contracts/{id}/sign', () => {
    it('200 with the contract, emits contract.signed; signing twice is 409 and emits nothing', async () => {
      const contract = await contractFor('acme', {
        contractType: 'INTERIM',
        startDate: '2026-04-15',
      });
      const { result: res, events } = await emitted(() => sign(contract.id));
      expectStatus(res, 200);
      expect(res.body).toMatchObject({ id: contract.id, employeeId: contract.employeeId });
      await expectDelivered(events, 'contract.signed', {
        contractId: contract.id,
        employeeId: contract.employeeId,
        contractType: 'INTERIM',
        startDate: '2026-04-15',
      });
      await emitsNothing(async () => expectStatus(await sign(contract.id), 409));
    });

    it('unknown, foreign and non-UUID contracts are 404 and emit nothing', async () => {
      const foreign = await contractFor('globex');
      await emitsNothing(async () => {
        expectStatus(await sign(randomUUID()), 404);
        expectStatus(await sign(foreign.id), 404);
        expectStatus(await sign('not-a-uuid'), 404);
      });
      expectStatus(await sign(foreign.id, 'globex'), 200);
    });
  });

  describe('POST /api/trainings', () => {
    it('201 with the training, emits nothing', async () => {
      await emitsNothing(async () => {
        const res = await request(server)
          .post('/api/trainings')
          .set(auth())
          .send({ title: 'Gestion de projet', cpfEligible: true });
        expectStatus(res, 201);
        expect(res.body).toMatchObject({
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          title: 'Gestion de projet',
          cpfEligible: true,
        });
      });
    });

    it('a bad body is 400 naming the field', async () => {
      const post = (body: object) => request(server).post('/api/trainings').set(auth()).send(body);
      await emitsNothing(async () => {
        expectBadRequest(await post({ cpfEligible: true }), 'title');
        expectBadRequest(await post({ title: 'T' }), 'cpfEligible');
        expectBadRequest(await post({ title: 'T', cpfEligible: 'yes' }), 'cpfEligible');
        expectBadRequest(await post({ title: 'T', cpfEligible: true, hours: 7 }), 'hours');
      });
    });
  });

  describe('POST /api/trainings/{id}/completions', () => {
    it('201, emits training.completed for every completion with exactly the documented data', async () => {
      const contract = await signedContract();
      const training = await createTraining(true);
      for (const cpfHours of [14, 0, 1000]) {
        const { result: res, events } = await emitted(() =>
          complete(training.id, { employeeId: contract.employeeId, cpfHours }),
        );
        expectStatus(res, 201);
        expect(res.body).toMatchObject({
          employeeId: contract.employeeId,
          trainingId: training.id,
          cpfHours,
        });
        await expectDelivered(events, 'training.completed', {
          employeeId: contract.employeeId,
          trainingId: training.id,
          cpfHours,
        });
      }
      const plain = await createTraining(false);
      const { result: res, events } = await emitted(() =>
        complete(plain.id, { employeeId: contract.employeeId, cpfHours: 0 }),
      );
      expectStatus(res, 201);
      await expectDelivered(events, 'training.completed', {
        employeeId: contract.employeeId,
        trainingId: plain.id,
        cpfHours: 0,
      });
    });

    it('a bad body is 400 naming the field, and emits nothing', async () => {
      const contract = await signedContract();
      const eligible = await createTraining(true);
      const plain = await createTraining(false);
      const employeeId = contract.employeeId;
      await emitsNothing(async () => {
        expectBadRequest(await complete(eligible.id, { employeeId }), 'cpfHours');
        expectBadRequest(await complete(eligible.id, { cpfHours: 7 }), 'employeeId');
        expectBadRequest(await complete(eligible.id, { employeeId, cpfHours: -1 }), 'cpfHours');
        expectBadRequest(await complete(eligible.id, { employeeId, cpfHours: 1001 }), 'cpfHours');
        expectBadRequest(await complete(eligible.id, { employeeId, cpfHours: '7' }), 'cpfHours');
        expectBadRequest(
          await complete(eligible.id, { employeeId, cpfHours: 7, grade: 'A' }),
          'grade',
        );
        expectBadRequest(await complete(plain.id, { employeeId, cpfHours: 7 }), 'cpfHours');
      });
    });

    it('unknown, foreign or non-UUID trainings and employees are 404; a terminated employee is 409', async () => {
      const contract = await signedContract();
      const training = await createTraining(true);
      const foreignTraining = await createTraining(true, 'globex');
      const foreignContract = await signedContract('globex');
      const employeeId = contract.employeeId;
      await emitsNothing(async () => {
        expectStatus(await complete(randomUUID(), { employeeId, cpfHours: 7 }), 404);
        expectStatus(await complete(foreignTraining.id, { employeeId, cpfHours: 7 }), 404);
        expectStatus(await complete('not-a-uuid', { employeeId, cpfHours: 7 }), 404);
        expectStatus(await complete(training.id, { employeeId: randomUUID(), cpfHours: 7 }), 404);
        expectStatus(
          await complete(training.id, { employeeId: foreignContract.employeeId, cpfHours: 7 }),
          404,
        );
      });
      expectStatus(
        await terminate(employeeId, { terminationDate: '2026-06-30', reason: 'RESIGNATION' }),
        200,
      );
      await emitsNothing(async () => {
        expectStatus(await complete(training.id, { employeeId, cpfHours: 7 }), 409);
      });
    });
  });

  describe('POST /api/employees/{id}/termination', () => {
    it('answers the employee, emits employee.terminated; terminating twice is 409', async () => {
      const contract = await signedContract('acme', {
        contractType: 'CDD',
        startDate: '2026-03-01',
        endDate: '2026-12-31',
      });
      const { result: res, events } = await emitted(() =>
        terminate(contract.employeeId, {
          terminationDate: '2026-09-30',
          reason: 'END_OF_FIXED_TERM',
        }),
      );
      // CONTRACT.md: "Creating routes answer 201, the others 200": a termination changes the employee.
      expectStatus(res, 200);
      expect(res.body).toBeInstanceOf(Object);
      await expectDelivered(events, 'employee.terminated', {
        employeeId: contract.employeeId,
        terminationDate: '2026-09-30',
        reason: 'END_OF_FIXED_TERM',
        contractId: contract.id,
        contractType: 'CDD',
      });
      const employee = await request(server)
        .get(`/api/employees/${contract.employeeId}`)
        .set(auth());
      expectStatus(employee, 200);
      expect(employee.body).toMatchObject({ id: contract.employeeId });
      await emitsNothing(async () => {
        expectStatus(
          await terminate(contract.employeeId, {
            terminationDate: '2026-10-31',
            reason: 'RESIGNATION',
          }),
          409,
        );
      });
    });

    it('a bad body is 400 naming the field, and emits nothing', async () => {
      const contract = await signedContract('acme', {
        contractType: 'CDI',
        startDate: '2026-03-01',
      });
      const id = contract.employeeId;
      const valid = { terminationDate: '2026-06-30', reason: 'DISMISSAL' };
      await emitsNothing(async () => {
        expectBadRequest(await terminate(id, { ...valid, reason: 'FIRED' }), 'reason');
        expectBadRequest(await terminate(id, { terminationDate: '2026-06-30' }), 'reason');
        expectBadRequest(await terminate(id, { reason: 'DISMISSAL' }), 'terminationDate');
        expectBadRequest(
          await terminate(id, { ...valid, terminationDate: '2026-02-30' }),
          'terminationDate',
        );
        expectBadRequest(
          await terminate(id, { ...valid, terminationDate: '30/06/2026' }),
          'terminationDate',
        );
        expectBadRequest(
          await terminate(id, { ...valid, terminationDate: '2026-02-28' }),
          'terminationDate',
        );
        expectBadRequest(await terminate(id, { ...valid, notice: 30 }), 'notice');
      });
      // still employed
      expectStatus(await terminate(id, valid), 200);
    });

    it('409 without a signed contract; 404 for unknown, foreign and non-UUID employees', async () => {
      const unsigned = await contractFor();
      const foreign = await signedContract('globex');
      const body = { terminationDate: '2026-06-30', reason: 'RESIGNATION' };
      await emitsNothing(async () => {
        expectStatus(await terminate(unsigned.employeeId, body), 409);
        expectStatus(await terminate(randomUUID(), body), 404);
        expectStatus(await terminate(foreign.employeeId, body), 404);
        expectStatus(await terminate('not-a-uuid', body), 404);
      });
      expectStatus(await terminate(foreign.employeeId, body, 'globex'), 200);
    });
  });
});
