import request from 'supertest';
import type { Response } from 'supertest';
import type { App } from 'supertest/types';
import { Webhook } from 'standardwebhooks';
import { DELIVERY_ENV, HR, ISO_DATE_TIME, MANAGE } from '../support/constants';
import { TestReceiver } from '../support/receiver';
import { createTestApp, type TestApp } from '../support/test-app';
import { sleep } from '../support/time';

// The README's walkthrough: one hire, from candidate to termination, as a receiver sees it.

const COMPANY = 'acme';
const HOOK = '/walkthrough';

interface Delivered {
  id: string;
  event: string;
  timestamp: string;
  companyId: string;
  data: Record<string, unknown>;
}

function expectStatus<T = Record<string, unknown>>(res: Response, status: number): T {
  if (res.status !== status) {
    throw new Error(
      `expected ${status}, got ${res.status} ${res.request.method} ${res.request.url}: ${JSON.stringify(res.body)}`,
    );
  }
  return res.body as T;
}

describe('the hiring walkthrough', () => {
  let t: TestApp;
  let receiver: TestReceiver;
  let server: App;

  beforeAll(async () => {
    t = await createTestApp(DELIVERY_ENV);
    receiver = await TestReceiver.start();
    server = t.app.getHttpServer() as App;
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  it('candidate → hire → CDI signed → CPF training → rupture conventionnelle, signed events in order', async () => {
    const hr = { Authorization: `Bearer ${t.token(COMPANY, [HR])}` };
    let published = 0;
    /** Each step's event reaches the receiver before the next step (bounded). */
    const delivered = async () => {
      published += 1;
      await receiver.waitFor(published, HOOK, 10_000);
    };

    // 1. subscribe a receiver to every event
    const { secret } = expectStatus<{ secret: string }>(
      await request(server)
        .post('/api/webhooks')
        .set({ Authorization: `Bearer ${t.token(COMPANY, [MANAGE])}` })
        .send({ url: receiver.url(HOOK), events: ['*'] }),
      201,
    );

    // 2. a candidate applies
    const candidate = expectStatus<{ id: string; status: string }>(
      await request(server)
        .post('/api/candidates')
        .set(hr)
        .send({ firstName: 'Léa', lastName: 'Martin', email: 'lea.martin@example.com' }),
      201,
    );
    expect(candidate.status).toBe('new');
    await delivered();

    // 3. new → screening → interview → offer → hired
    for (const status of ['screening', 'interview', 'offer', 'hired']) {
      const moved = expectStatus<{ id: string; status: string }>(
        await request(server)
          .patch(`/api/candidates/${candidate.id}/status`)
          .set(hr)
          .send({ status }),
        200,
      );
      expect(moved).toMatchObject({ id: candidate.id, status });
      await delivered();
    }

    // 4. a CDI contract (emits nothing), then its signature
    const contract = expectStatus<{ id: string; employeeId: string }>(
      await request(server)
        .post('/api/contracts')
        .set(hr)
        .send({ candidateId: candidate.id, contractType: 'CDI', startDate: '2026-03-01' }),
      201,
    );
    expectStatus(await request(server).post(`/api/contracts/${contract.id}/sign`).set(hr), 200);
    await delivered();

    // 5. a CPF-eligible training (emits nothing), completed for 14 h
    const training = expectStatus<{ id: string }>(
      await request(server)
        .post('/api/trainings')
        .set(hr)
        .send({ title: 'Management d’équipe', cpfEligible: true }),
      201,
    );
    expectStatus(
      await request(server)
        .post(`/api/trainings/${training.id}/completions`)
        .set(hr)
        .send({ employeeId: contract.employeeId, cpfHours: 14 }),
      201,
    );
    await delivered();

    // 6. the employment ends by mutual agreement
    expectStatus(
      await request(server)
        .post(`/api/employees/${contract.employeeId}/termination`)
        .set(hr)
        .send({ terminationDate: '2026-12-31', reason: 'RUPTURE_CONVENTIONNELLE' }),
      200,
    );
    await delivered();

    // nothing more arrives
    await sleep(500);
    const received = receiver.on(HOOK);
    expect(received).toHaveLength(8);

    // every delivery verifies with standardwebhooks; webhook-id is the event id
    const webhook = new Webhook(secret);
    const events = received.map((req) => {
      const body = webhook.verify(req.text, {
        'webhook-id': String(req.headers['webhook-id']),
        'webhook-timestamp': String(req.headers['webhook-timestamp']),
        'webhook-signature': String(req.headers['webhook-signature']),
      }) as Delivered;
      expect(req.headers['webhook-id']).toBe(body.id);
      expect(req.headers['x-webhook-event']).toBe(body.event);
      expect(body.companyId).toBe(COMPANY);
      expect(body.timestamp).toMatch(ISO_DATE_TIME);
      return body;
    });

    // in order of publication: the stored events, oldest first, are the ones received
    const stored: { id: string; type: string }[] = await t.dataSource.query(
      'SELECT id, type FROM webhook_events WHERE company_id = $1 ORDER BY created_at, id',
      [COMPANY],
    );
    expect(events.map((e) => e.id)).toEqual(stored.map((e) => e.id));
    expect(events.map((e) => e.event)).toEqual([
      'candidate.created',
      'candidate.status_changed',
      'candidate.status_changed',
      'candidate.status_changed',
      'candidate.status_changed',
      'contract.signed',
      'training.completed',
      'employee.terminated',
    ]);

    // the payloads chain together: one candidate, one employee, one contract, one training
    const candidateId = candidate.id;
    const { employeeId, id: contractId } = contract;
    const trainingId = training.id;
    expect(events.map((e) => e.data)).toEqual([
      {
        candidateId,
        firstName: 'Léa',
        lastName: 'Martin',
        email: 'lea.martin@example.com',
        status: 'new',
        createdAt: expect.stringMatching(ISO_DATE_TIME),
      },
      { candidateId, oldStatus: 'new', newStatus: 'screening' },
      { candidateId, oldStatus: 'screening', newStatus: 'interview' },
      { candidateId, oldStatus: 'interview', newStatus: 'offer' },
      { candidateId, oldStatus: 'offer', newStatus: 'hired' },
      { contractId, employeeId, contractType: 'CDI', startDate: '2026-03-01' },
      { employeeId, trainingId, cpfHours: 14 },
      {
        employeeId,
        terminationDate: '2026-12-31',
        reason: 'RUPTURE_CONVENTIONNELLE',
        contractId,
        contractType: 'CDI',
      },
    ]);
    expect(new Set(events.map((e) => e.id)).size).toBe(8);
  });
});
