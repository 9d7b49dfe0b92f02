/**
 * Deliveries whose request cannot be built. A direct send naming a format or signature algorithm
 * that nothing is registered for is refused at the door (nothing stored); a subscription whose
 * format's serializer or algorithm's provider is gone since (a host removed it from the module
 * options) gets a recorded failed attempt that names why, and its delivery ends instead of being
 * handed out again and again.
 */
import { WebhookPublisher, WebhooksError } from 'nest-webhooks';
import { createTestApp, type TestApp } from '../support/test-app';
import { TestReceiver } from '../support/receiver';
import { contractSigned, deliveryHelpers } from '../support/delivery-harness';
import { DELIVERY_ENV, MANAGE, PUBLISH } from '../support/constants';
import { sleep } from '../support/time';

describe('deliveries whose request cannot be built', () => {
  let t: TestApp;
  let receiver: TestReceiver;
  let publisher: WebhookPublisher;
  const helpers = deliveryHelpers(
    () => t,
    () => receiver,
    [PUBLISH, MANAGE],
  );

  const count = async (table: string, companyId: string): Promise<number> => {
    const [{ n }] = await t.dataSource.query<[{ n: number }]>(
      `SELECT count(*)::int AS n FROM ${table} WHERE company_id = $1`,
      [companyId],
    );
    return n;
  };

  beforeAll(async () => {
    t = await createTestApp(DELIVERY_ENV);
    receiver = await TestReceiver.start();
    publisher = t.app.get(WebhookPublisher);
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  describe('WebhookPublisher.send', () => {
    it.each([
      ['format', { format: 'protobuf' }, /format must be one of: json, cloudevents/],
      [
        'signatureAlgorithm',
        { signatureAlgorithm: 'Ed448' },
        /signatureAlgorithm must be one of: HmacSha256/,
      ],
    ])(
      'an unregistered %s: refused naming it and the known ones, nothing stored',
      async (field, option, known) => {
        const companyId = `unbuildable-send-${field}`;
        const sending = publisher.send(
          { type: 'contract.signed', data: contractSigned() },
          { companyId, url: receiver.url('/never'), ...option },
        );
        await expect(sending).rejects.toBeInstanceOf(WebhooksError);
        await expect(sending).rejects.toMatchObject({
          field,
          message: expect.stringMatching(known),
        });
        expect(await count('webhook_events', companyId)).toBe(0);
        expect(await count('webhook_deliveries', companyId)).toBe(0);
      },
    );
  });

  describe('a subscription whose serializer or signature provider is gone', () => {
    it.each([
      ['format', 'protobuf', /request not built: Unknown webhook format "protobuf"/],
      ['signature_algorithm', 'Ed448', /request not built: Unknown signature algorithm "Ed448"/],
    ])(
      'its %s no longer registered: one failed attempt naming it, the delivery failed, not retried',
      async (column, value, reason) => {
        const companyId = `unbuildable-sub-${column}`;
        const path = `/unbuildable/${column}`;
        const subscription = await helpers.subscribe<{ id: string }>(companyId, path, {
          maxRetryCount: 5,
        });
        // What a host's redeploy without that serializer or provider leaves in the table.
        await t.dataSource.query(`UPDATE webhook_subscriptions SET ${column} = $1 WHERE id = $2`, [
          value,
          subscription.id,
        ]);
        const eventId = await helpers.publish(companyId);
        const deliveryId = await helpers.deliveryIdOf(eventId, subscription.id);
        const failed = await helpers.deliveryWhen(
          companyId,
          deliveryId,
          (d) => d.status === 'failed',
        );
        expect(failed.attemptCount).toBe(1);
        expect(failed.lastError).toMatch(reason);
        expect(failed.attempts).toHaveLength(1);
        expect(failed.attempts[0]).toMatchObject({ status: 'failed', statusCode: null });
        expect(failed.attempts[0].error).toMatch(reason);

        // Nothing was sent, and nothing comes back for it: the delivery stays ended.
        await sleep(1_500);
        expect(receiver.on(path)).toHaveLength(0);
        const later = await helpers.getDelivery(companyId, deliveryId);
        expect(later.status).toBe('failed');
        expect(later.attemptCount).toBe(1);
      },
    );
  });
});
