import request from 'supertest';
import type { App } from 'supertest/types';
import { Webhook } from 'standardwebhooks';
import { createTestApp, type TestApp } from '../support/test-app';
import { TestReceiver } from '../support/receiver';

const DELIVERY_ENV = { WEBHOOKS_ALLOW_HTTP: 'true', WEBHOOKS_ALLOW_PRIVATE_URLS: 'true' };

describe('publishing an event delivers it to every matching subscription', () => {
  let t: TestApp;
  let receiver: TestReceiver;
  let server: App;
  const manage = () => ({
    Authorization: `Bearer ${t.token('acme', ['system.webhooks.manage', 'system.events.publish'])}`,
  });

  beforeAll(async () => {
    t = await createTestApp(DELIVERY_ENV);
    receiver = await TestReceiver.start();
    server = t.app.getHttpServer() as App;
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  it('one event, two subscribers: both receive it, signed, with one webhook-id', async () => {
    const subscribe = async (path: string, events: string[]) =>
      (
        await request(server)
          .post('/api/webhooks')
          .set(manage())
          .send({ url: receiver.url(path), events })
          .expect(201)
      ).body as { id: string; secret: string };
    const ats = await subscribe('/ats', ['candidate.*']);
    const payroll = await subscribe('/payroll', ['*']);
    await subscribe('/other', ['contract.signed']);

    const data = {
      candidateId: '7f1d2f9e-8a43-4c1b-9d6e-2b1f0c3a4d5e',
      firstName: 'Léa',
      lastName: 'Martin',
      email: 'lea.martin@example.com',
      status: 'new',
      createdAt: '2026-11-23T10:00:00.000Z',
    };
    const published = await request(server)
      .post('/api/events')
      .set(manage())
      .send({ type: 'candidate.created', data })
      .expect(202);
    const eventId = (published.body as { id: string }).id;

    const [atsRequest] = await receiver.waitFor(1, '/ats');
    const [payrollRequest] = await receiver.waitFor(1, '/payroll');
    expect(receiver.on('/other')).toHaveLength(0);

    for (const [req, sub] of [
      [atsRequest, ats],
      [payrollRequest, payroll],
    ] as const) {
      expect(req.headers['webhook-id']).toBe(eventId);
      expect(req.headers['x-webhook-event']).toBe('candidate.created');
      const verified = new Webhook(sub.secret).verify(req.text, {
        'webhook-id': String(req.headers['webhook-id']),
        'webhook-timestamp': String(req.headers['webhook-timestamp']),
        'webhook-signature': String(req.headers['webhook-signature']),
      }) as { id: string; event: string; companyId: string; data: unknown };
      expect(verified).toEqual({
        id: eventId,
        event: 'candidate.created',
        timestamp: expect.any(String),
        companyId: 'acme',
        data,
      });
    }
    expect(atsRequest.headers['x-webhook-delivery']).not.toBe(
      payrollRequest.headers['x-webhook-delivery'],
    );
  });
});
