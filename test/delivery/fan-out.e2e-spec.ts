import { Webhook } from 'standardwebhooks';
import { createTestApp, type TestApp } from '../support/test-app';
import { TestReceiver } from '../support/receiver';
import { deliveryHelpers } from '../support/delivery-harness';
import { DELIVERY_ENV } from '../support/constants';

describe('publishing an event delivers it to every matching subscription', () => {
  let t: TestApp;
  let receiver: TestReceiver;
  const acme = deliveryHelpers(
    () => t,
    () => receiver,
  );

  beforeAll(async () => {
    t = await createTestApp(DELIVERY_ENV);
    receiver = await TestReceiver.start();
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  it('one event, two subscribers: both receive it, signed, with one webhook-id', async () => {
    const subscribe = (path: string, events: string[]) => acme.subscribe('acme', path, { events });
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
    const eventId = await acme.publish('acme', { type: 'candidate.created', data });

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
