/**
 * CONTRACT.md "What a receiver gets": `Ed25519` subscriptions (Standard Webhooks `v1a`, verified
 * here with node:crypto against the `publicKey` the API answers, on every format and during a
 * rotation), and `signedContent: body` (the original design's `X-Webhook-Signature`: one HMAC of
 * the raw body).
 */
import { createHmac, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { WebhookPublisher } from 'nest-webhooks';
import request from 'supertest';
import type { App } from 'supertest/types';
import { createTestApp, type TestApp } from '../support/test-app';
import { type ReceivedRequest, TestReceiver } from '../support/receiver';
import { contractSigned, deliveryHelpers } from '../support/delivery-harness';
import { DELIVERY_ENV, MANAGE, PUBLISH } from '../support/constants';

const FORMATS = ['json', 'cloudevents+json', 'xml', 'cloudevents+xml'];

function header(req: ReceivedRequest, name: string): string {
  const value = req.headers[name.toLowerCase()];
  if (typeof value !== 'string') throw new Error(`missing header ${name}`);
  return value;
}

/** What a receiver does with node:crypto alone: the raw 32-byte key of `whpk_...` as a JWK. */
function verifies(publicKey: string, content: Buffer, signature: string): boolean {
  expect(publicKey).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
  const key = createPublicKey({
    format: 'jwk',
    key: {
      kty: 'OKP',
      crv: 'Ed25519',
      x: Buffer.from(publicKey.slice('whpk_'.length), 'base64').toString('base64url'),
    },
  });
  return verify(null, content, key, Buffer.from(signature, 'base64'));
}

/** The `v1a` entries of `webhook-signature`, in order, and what they sign. */
function standardSigned(req: ReceivedRequest): { content: Buffer; signatures: string[] } {
  const id = header(req, 'webhook-id');
  const timestamp = header(req, 'webhook-timestamp');
  const entries = header(req, 'webhook-signature').split(' ');
  for (const entry of entries) expect(entry).toMatch(/^v1a,/);
  return {
    content: Buffer.concat([Buffer.from(`${id}.${timestamp}.`), req.body]),
    signatures: entries.map((e) => e.slice('v1a,'.length)),
  };
}

describe('asymmetric signatures (Ed25519) and signedContent', () => {
  let t: TestApp;
  let receiver: TestReceiver;
  let server: App;
  const helpers = deliveryHelpers(
    () => t,
    () => receiver,
    [MANAGE, PUBLISH],
  );

  beforeAll(async () => {
    t = await createTestApp(DELIVERY_ENV);
    receiver = await TestReceiver.start();
    server = t.app.getHttpServer() as App;
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  interface Created {
    id: string;
    secret?: string;
    publicKey: string | null;
    signatureAlgorithm: string;
    signedContent: string;
  }

  it.each(FORMATS)(
    '%s: v1a and ed25519= verify with the publicKey; a tampered body does not',
    async (format) => {
      const companyId = `ed-${format.replace(/\W/g, '-')}`;
      const path = `/ed/${format}`;
      const sub = await helpers.subscribe<Created>(companyId, path, {
        signatureAlgorithm: 'Ed25519',
        format,
      });
      expect(sub.secret).toBeUndefined();
      expect(sub.signatureAlgorithm).toBe('Ed25519');
      const publicKey = sub.publicKey!;

      await helpers.publish(companyId);
      const [req] = await receiver.waitFor(1, path, 10_000);
      const { content, signatures } = standardSigned(req);
      expect(signatures).toHaveLength(1);
      expect(verifies(publicKey, content, signatures[0])).toBe(true);

      const timestamp = header(req, 'webhook-timestamp');
      const legacy = header(req, 'x-webhook-signature');
      expect(legacy).toMatch(/^ed25519=/);
      expect(header(req, 'x-webhook-signature-algorithm')).toBe('Ed25519');
      const signedLegacy = Buffer.concat([Buffer.from(`${timestamp}.`), req.body]);
      expect(verifies(publicKey, signedLegacy, legacy.slice('ed25519='.length))).toBe(true);

      const tampered = Buffer.from(content);
      tampered[tampered.length - 2] ^= 1;
      expect(verifies(publicKey, tampered, signatures[0])).toBe(false);
    },
  );

  it('GET .../secret answers the publicKey only; a secret sent with Ed25519 is 400, nothing stored', async () => {
    const companyId = 'ed-secret';
    const sub = await helpers.subscribe<Created>(companyId, '/ed/secret', {
      signatureAlgorithm: 'Ed25519',
    });
    const shown = await request(server)
      .get(`/api/webhooks/${sub.id}/secret`)
      .set(helpers.auth(companyId))
      .expect(200);
    expect(shown.body).toEqual({ publicKey: sub.publicKey });

    const refused = await request(server)
      .post('/api/webhooks')
      .set(helpers.auth(companyId))
      .send({
        url: receiver.url('/ed/refused'),
        events: ['contract.signed'],
        signatureAlgorithm: 'Ed25519',
        secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      })
      .expect(400);
    expect(refused.body).toMatchObject({ field: 'secret' });
    expect(JSON.stringify(refused.body)).toMatch(/secret cannot be chosen with Ed25519/);
    const [{ n }] = await t.dataSource.query<[{ n: number }]>(
      `SELECT count(*)::int AS n FROM webhook_subscriptions WHERE company_id = $1`,
      [companyId],
    );
    expect(n).toBe(1);
  });

  it('a rotation: a new publicKey, both keys sign (new first) for 24 h, then only the new one', async () => {
    const companyId = 'ed-rotate';
    const path = '/ed/rotate';
    const sub = await helpers.subscribe<Created>(companyId, path, {
      signatureAlgorithm: 'Ed25519',
    });
    const rotated = await request(server)
      .post(`/api/webhooks/${sub.id}/secret/rotate`)
      .set(helpers.auth(companyId))
      .expect(200);
    const { publicKey: newKey } = rotated.body as { publicKey: string };
    expect(newKey).not.toBe(sub.publicKey);
    expect(rotated.body).not.toHaveProperty('secret');

    await helpers.publish(companyId);
    const [during] = await receiver.waitFor(1, path, 10_000);
    const both = standardSigned(during);
    expect(both.signatures).toHaveLength(2);
    expect(verifies(newKey, both.content, both.signatures[0])).toBe(true);
    expect(verifies(sub.publicKey!, both.content, both.signatures[1])).toBe(true);

    // 24 h later (the overlap's end moved to the past; updated_at tells every instance's cache).
    await t.dataSource.query(
      `UPDATE webhook_subscriptions
       SET previous_secret_expires_at = now() - interval '1 second', updated_at = now()
       WHERE id = $1`,
      [sub.id],
    );
    await helpers.publish(companyId);
    const [, after] = await receiver.waitFor(2, path, 10_000);
    const one = standardSigned(after);
    expect(one.signatures).toHaveLength(1);
    expect(verifies(newKey, one.content, one.signatures[0])).toBe(true);
  });

  it('PATCH from HMAC to Ed25519 gets a key pair (no secret any more); back to HMAC, a new secret', async () => {
    const companyId = 'ed-patch';
    const path = '/ed/patch';
    const sub = await helpers.subscribe<Created>(companyId, path);
    expect(sub.secret).toMatch(/^whsec_/);
    expect(sub.publicKey).toBeNull();

    const patched = await request(server)
      .patch(`/api/webhooks/${sub.id}`)
      .set(helpers.auth(companyId))
      .send({ signatureAlgorithm: 'Ed25519' })
      .expect(200);
    const { publicKey } = patched.body as Created;
    await helpers.publish(companyId);
    const [req] = await receiver.waitFor(1, path, 10_000);
    const { content, signatures } = standardSigned(req);
    expect(signatures).toHaveLength(1);
    expect(verifies(publicKey!, content, signatures[0])).toBe(true);

    const back = await request(server)
      .patch(`/api/webhooks/${sub.id}`)
      .set(helpers.auth(companyId))
      .send({ signatureAlgorithm: 'HmacSha256' })
      .expect(200);
    expect((back.body as Created).publicKey).toBeNull();
    const shown = await request(server)
      .get(`/api/webhooks/${sub.id}/secret`)
      .set(helpers.auth(companyId))
      .expect(200);
    const { secret } = shown.body as { secret: string };
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(sub.secret);
  });

  describe('WebhookPublisher.send with Ed25519', () => {
    /** A key pair as Standard Webhooks writes it, made with node:crypto. */
    function keyPair(): { privateKey: string; publicKey: string } {
      const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
      const seed = Buffer.from(jwk.d!, 'base64url');
      const raw = Buffer.from(jwk.x!, 'base64url');
      return {
        privateKey: `whsk_${Buffer.concat([seed, raw]).toString('base64')}`,
        publicKey: `whpk_${raw.toString('base64')}`,
      };
    }

    it('signs v1a with the whsk_ key given', async () => {
      const { privateKey, publicKey } = keyPair();
      await t.app.get(WebhookPublisher).send(
        { type: 'contract.signed', data: contractSigned() },
        {
          companyId: 'ed-direct',
          url: receiver.url('/ed/direct'),
          signatureAlgorithm: 'Ed25519',
          secret: privateKey,
        },
      );
      const [req] = await receiver.waitFor(1, '/ed/direct', 10_000);
      const { content, signatures } = standardSigned(req);
      expect(verifies(publicKey, content, signatures[0])).toBe(true);
    });

    it('a whsec_ secret with Ed25519 is refused naming secret, nothing stored', async () => {
      const sending = t.app.get(WebhookPublisher).send(
        { type: 'contract.signed', data: contractSigned() },
        {
          companyId: 'ed-direct-bad',
          url: receiver.url('/ed/direct-bad'),
          signatureAlgorithm: 'Ed25519',
          secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        },
      );
      await expect(sending).rejects.toMatchObject({
        field: 'secret',
        message: expect.stringMatching(/secret must be an Ed25519 private key/),
      });
      const [{ n }] = await t.dataSource.query<[{ n: number }]>(
        `SELECT count(*)::int AS n FROM webhook_events WHERE company_id = 'ed-direct-bad'`,
      );
      expect(n).toBe(0);
    });
  });

  describe('signedContent: body', () => {
    it("X-Webhook-Signature is one HMAC of the raw body (the original design's verifier)", async () => {
      const companyId = 'signed-body';
      const path = '/signed/body';
      const sub = await helpers.subscribe<Created>(companyId, path, { signedContent: 'body' });
      expect(sub.signedContent).toBe('body');
      await helpers.publish(companyId);
      const [req] = await receiver.waitFor(1, path, 10_000);
      // The seed's receiver: HMAC-SHA256 of the body with the secret, hex, after "sha256=".
      const expected = createHmac('sha256', sub.secret!).update(req.body).digest('hex');
      expect(header(req, 'x-webhook-signature')).toBe(`sha256=${expected}`);
      // Standard Webhooks is unchanged: it always signs id.timestamp.body.
      expect(header(req, 'webhook-signature')).toMatch(/^v1,/);
    });

    it('with Ed25519: ed25519= over the body alone', async () => {
      const companyId = 'signed-body-ed';
      const path = '/signed/body-ed';
      const sub = await helpers.subscribe<Created>(companyId, path, {
        signatureAlgorithm: 'Ed25519',
        signedContent: 'body',
      });
      await helpers.publish(companyId);
      const [req] = await receiver.waitFor(1, path, 10_000);
      const legacy = header(req, 'x-webhook-signature').slice('ed25519='.length);
      expect(verifies(sub.publicKey!, req.body, legacy)).toBe(true);
    });

    it('an unknown signedContent is 400 naming it', async () => {
      const res = await request(server)
        .post('/api/webhooks')
        .set(helpers.auth('signed-bad'))
        .send({
          url: receiver.url('/signed/bad'),
          events: ['contract.signed'],
          signedContent: 'headers',
        })
        .expect(400);
      expect(JSON.stringify(res.body)).toMatch(/signedContent/);
    });
  });
});
