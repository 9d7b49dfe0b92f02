import { createHmac, randomBytes } from 'node:crypto';
import request from 'supertest';
import type { App } from 'supertest/types';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { WebhookPublisher } from '../../packages/nest-webhooks/src/events/webhook-publisher.service';
import { createTestApp, type TestApp } from '../support/test-app';
import { type ReceivedRequest, TestReceiver } from '../support/receiver';
import { contractSigned, deliveryHelpers, flatHeaders } from '../support/delivery-harness';
import { DELIVERY_ENV, MANAGE } from '../support/constants';

/** CONTRACT.md: `X-Webhook-Signature` prefix and HMAC hash of each algorithm. */
const HASH_OF = {
  HmacSha256: 'sha256',
  HmacSha384: 'sha384',
  HmacSha512: 'sha512',
  HmacSha1: 'sha1',
} as const;

function header(req: ReceivedRequest, name: string): string {
  const value = req.headers[name.toLowerCase()];
  if (typeof value !== 'string') throw new Error(`missing header ${name}`);
  return value;
}

/** What a receiver computes for `X-Webhook-Signature`: hex HMAC keyed with the whole secret string. */
function receiverHmac(hash: string, secret: string, timestamp: string, body: Buffer): string {
  return createHmac(hash, Buffer.from(secret, 'utf8'))
    .update(`${timestamp}.`, 'utf8')
    .update(body)
    .digest('hex');
}

describe('delivery signatures', () => {
  let t: TestApp;
  let receiver: TestReceiver;
  let server: App;
  let publisher: WebhookPublisher;
  const { auth: manage, subscribe } = deliveryHelpers(
    () => t,
    () => receiver,
    [MANAGE],
  );

  beforeAll(async () => {
    t = await createTestApp(DELIVERY_ENV);
    receiver = await TestReceiver.start();
    server = t.app.getHttpServer() as App;
    publisher = t.app.get(WebhookPublisher);
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  it.each(Object.entries(HASH_OF))(
    '%s: both signatures verify and the headers name the algorithm',
    async (algorithm, hash) => {
      const companyId = `sig-${algorithm.toLowerCase()}`;
      const path = `/sig/${algorithm}`;
      const sub = await subscribe(companyId, path, { signatureAlgorithm: algorithm });
      expect(sub.signatureAlgorithm).toBe(algorithm);
      const data = contractSigned();
      const { id } = await publisher.publish('contract.signed', data, { companyId });

      const [req] = await receiver.waitFor(1, path, 10_000);
      const headers = flatHeaders(req.headers);
      expect(headers['webhook-id']).toBe(id);

      // Standard Webhooks: HMAC-SHA256 whatever the subscription's algorithm.
      const verified = new Webhook(sub.secret).verify(req.text, headers);
      expect(verified).toEqual({
        id,
        event: 'contract.signed',
        timestamp: expect.any(String),
        companyId,
        data,
      });
      expect(header(req, 'webhook-signature')).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);

      const timestamp = header(req, 'X-Webhook-Timestamp');
      expect(timestamp).toMatch(/^\d+$/);
      expect(header(req, 'webhook-timestamp')).toBe(timestamp);
      expect(Math.abs(Number(timestamp) - req.at / 1000)).toBeLessThanOrEqual(60);
      expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThanOrEqual(60);

      expect(header(req, 'X-Webhook-Signature')).toBe(
        `${hash}=${receiverHmac(hash, sub.secret, timestamp, req.body)}`,
      );
      expect(header(req, 'X-Webhook-Signature-Algorithm')).toBe(algorithm);
    },
  );

  it('during a rotation signs with the new and the old secret, new first', async () => {
    const companyId = 'sig-rotation';
    const path = '/sig/rotation';
    const sub = await subscribe(companyId, path, { signatureAlgorithm: 'HmacSha512' });
    const oldSecret = sub.secret;

    // A first delivery, before the rotation: one signature.
    await publisher.publish('contract.signed', contractSigned(), { companyId });
    const [before] = await receiver.waitFor(1, path, 10_000);
    expect(header(before, 'webhook-signature').split(' ')).toHaveLength(1);
    expect(header(before, 'X-Webhook-Signature').split(',')).toHaveLength(1);

    const rotated = await request(server)
      .post(`/api/webhooks/${sub.id}/secret/rotate`)
      .set(manage(companyId))
      .expect(200);
    const newSecret = (rotated.body as { secret: string }).secret;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);

    // The very next delivery after the rotation answered.
    const data = contractSigned();
    const { id } = await publisher.publish('contract.signed', data, { companyId });
    const requests = await receiver.waitFor(2, path, 10_000);
    const after = requests[1];
    const headers = flatHeaders(after.headers);
    expect(headers['webhook-id']).toBe(id);

    const standard = header(after, 'webhook-signature').split(' ');
    expect(standard).toHaveLength(2);
    const timestamp = header(after, 'X-Webhook-Timestamp');
    // New first: the first signature is the one the new secret makes.
    const onlyNew = new Webhook(newSecret).sign(id, new Date(Number(timestamp) * 1000), after.text);
    const onlyOld = new Webhook(oldSecret).sign(id, new Date(Number(timestamp) * 1000), after.text);
    expect(standard).toEqual([onlyNew, onlyOld]);
    for (const secret of [newSecret, oldSecret]) {
      expect(new Webhook(secret).verify(after.text, headers)).toMatchObject({ id, data });
    }

    expect(header(after, 'X-Webhook-Signature').split(',')).toEqual([
      `sha512=${receiverHmac('sha512', newSecret, timestamp, after.body)}`,
      `sha512=${receiverHmac('sha512', oldSecret, timestamp, after.body)}`,
    ]);
  });

  it('a body tampered by one byte fails verification', async () => {
    const companyId = 'sig-tamper';
    const path = '/sig/tamper';
    const sub = await subscribe(companyId, path);
    await publisher.publish('contract.signed', contractSigned(), { companyId });
    const [req] = await receiver.waitFor(1, path, 10_000);
    const headers = flatHeaders(req.headers);

    expect(() => new Webhook(sub.secret).verify(req.text, headers)).not.toThrow();
    const tampered = Buffer.from(req.body);
    const at = tampered.indexOf('CDI');
    expect(at).toBeGreaterThan(0);
    tampered[at] = 'X'.charCodeAt(0);
    expect(tampered.length).toBe(req.body.length);
    expect(() => new Webhook(sub.secret).verify(tampered.toString('utf8'), headers)).toThrow(
      WebhookVerificationError,
    );
    const timestamp = header(req, 'X-Webhook-Timestamp');
    expect(header(req, 'X-Webhook-Signature')).not.toBe(
      `sha256=${receiverHmac('sha256', sub.secret, timestamp, tampered)}`,
    );
    // Another secret does not verify either.
    const other = `whsec_${randomBytes(32).toString('base64')}`;
    expect(() => new Webhook(other).verify(req.text, headers)).toThrow(WebhookVerificationError);
  });
});
