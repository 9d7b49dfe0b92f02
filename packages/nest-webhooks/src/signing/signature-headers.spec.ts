import { createHmac, randomBytes } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import type { WebhookSignatureProvider } from '../interfaces/signature-provider.interface';
import {
  BUILTIN_SIGNATURE_PROVIDERS,
  HmacSha256SignatureProvider,
} from './hmac-signature-providers';
import {
  signatureHeaders,
  SignatureProviderRegistry,
  standardWebhooksSignature,
  UnknownSignatureAlgorithmError,
} from './signature-headers';

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;
const now = () => Math.floor(Date.now() / 1000);
const body = Buffer.from(
  JSON.stringify({
    id: 'evt_1',
    event: 'candidate.created',
    data: { firstName: 'Zoë', lastName: "O'Brien 🚀", note: '<&>"' },
  }),
  'utf8',
);

/** What a receiver computes for `X-Webhook-Signature`: one HMAC over `<ts>.<body>`. */
const receiverHmac = (hash: string, secret: string, timestamp: string, raw: Buffer) =>
  createHmac(hash, secret).update(`${timestamp}.`).update(raw).digest('hex');

const HASH_OF: Record<string, string> = {
  HmacSha256: 'sha256',
  HmacSha384: 'sha384',
  HmacSha512: 'sha512',
  HmacSha1: 'sha1',
};

describe('signatureHeaders', () => {
  const registry = new SignatureProviderRegistry();

  it('sets every signature header', () => {
    const secret = newSecret();
    const timestamp = now();
    const headers = signatureHeaders({
      messageId: 'evt_1',
      timestamp,
      body,
      secrets: [secret],
      provider: registry.get('HmacSha256'),
    });
    expect(Object.keys(headers).sort()).toEqual(
      [
        'webhook-id',
        'webhook-timestamp',
        'webhook-signature',
        'X-Webhook-Timestamp',
        'X-Webhook-Signature',
        'X-Webhook-Signature-Algorithm',
      ].sort(),
    );
    expect(headers['webhook-id']).toBe('evt_1');
    expect(headers['webhook-timestamp']).toBe(String(timestamp));
    expect(headers['X-Webhook-Timestamp']).toBe(String(timestamp));
    expect(headers['X-Webhook-Signature-Algorithm']).toBe('HmacSha256');
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);
    expect(headers['X-Webhook-Signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it('verifies with the standardwebhooks package (one secret)', () => {
    const secret = newSecret();
    const headers = signatureHeaders({
      messageId: 'evt_1',
      timestamp: now(),
      body,
      secrets: [secret],
      provider: registry.get('HmacSha256'),
    });
    expect(new Webhook(secret).verify(body.toString('utf8'), headers)).toEqual(
      JSON.parse(body.toString('utf8')),
    );
    expect(() => new Webhook(newSecret()).verify(body.toString('utf8'), headers)).toThrow(
      WebhookVerificationError,
    );
  });

  it('signs with both secrets during a rotation, new first, and each verifies', () => {
    const current = newSecret();
    const previous = newSecret();
    const timestamp = now();
    const headers = signatureHeaders({
      messageId: 'evt_rot',
      timestamp,
      body,
      secrets: [current, previous],
      provider: registry.get('HmacSha256'),
    });
    const standard = headers['webhook-signature'].split(' ');
    expect(standard).toEqual([
      standardWebhooksSignature('evt_rot', timestamp, body, current),
      standardWebhooksSignature('evt_rot', timestamp, body, previous),
    ]);
    expect(() => new Webhook(current).verify(body.toString('utf8'), headers)).not.toThrow();
    expect(() => new Webhook(previous).verify(body.toString('utf8'), headers)).not.toThrow();
    expect(headers['X-Webhook-Signature'].split(',')).toEqual([
      `sha256=${receiverHmac('sha256', current, String(timestamp), body)}`,
      `sha256=${receiverHmac('sha256', previous, String(timestamp), body)}`,
    ]);
  });

  it('signs a repeated secret once', () => {
    const secret = newSecret();
    const headers = signatureHeaders({
      messageId: 'evt_1',
      timestamp: now(),
      body,
      secrets: [secret, secret],
      provider: registry.get('HmacSha256'),
    });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(1);
    expect(headers['X-Webhook-Signature'].split(',')).toHaveLength(1);
  });

  it.each(Object.entries(HASH_OF))(
    '%s: X-Webhook-Signature is the hex HMAC-%s of "<ts>.<body>" keyed with the whole secret',
    (algorithm, hash) => {
      const current = newSecret();
      const previous = newSecret();
      const timestamp = now();
      const provider = registry.get(algorithm);
      const one = signatureHeaders({
        messageId: 'evt_1',
        timestamp,
        body,
        secrets: [current],
        provider,
      });
      const ts = one['X-Webhook-Timestamp'];
      expect(one['X-Webhook-Signature-Algorithm']).toBe(algorithm);
      expect(one['X-Webhook-Signature']).toBe(`${hash}=${receiverHmac(hash, current, ts, body)}`);

      const two = signatureHeaders({
        messageId: 'evt_1',
        timestamp,
        body,
        secrets: [current, previous],
        provider,
      });
      expect(two['X-Webhook-Signature']).toBe(
        `${hash}=${receiverHmac(hash, current, ts, body)},` +
          `${hash}=${receiverHmac(hash, previous, ts, body)}`,
      );
      // The Standard Webhooks signature is HMAC-SHA256 whatever the subscription's algorithm.
      expect(() => new Webhook(previous).verify(body, two)).not.toThrow();
    },
  );

  it('fails verification when the body is tampered with', () => {
    const secret = newSecret();
    const timestamp = now();
    const headers = signatureHeaders({
      messageId: 'evt_1',
      timestamp,
      body,
      secrets: [secret],
      provider: registry.get('HmacSha512'),
    });
    const tampered = Buffer.from(body.toString('utf8').replace('Zoë', 'Zoe'), 'utf8');
    expect(() => new Webhook(secret).verify(tampered.toString('utf8'), headers)).toThrow(
      WebhookVerificationError,
    );
    expect(headers['X-Webhook-Signature']).not.toBe(
      `sha512=${receiverHmac('sha512', secret, String(timestamp), tampered)}`,
    );
    // Another id or timestamp does not verify either.
    expect(() =>
      new Webhook(secret).verify(body.toString('utf8'), { ...headers, 'webhook-id': 'evt_2' }),
    ).toThrow(WebhookVerificationError);
  });

  it('signs the exact bytes it is given (no re-serialisation)', () => {
    const secret = newSecret();
    const spaced = Buffer.from('{ "b": 1,   "a": "é" }\n', 'utf8');
    const timestamp = now();
    const headers = signatureHeaders({
      messageId: 'evt_1',
      timestamp,
      body: spaced,
      secrets: [secret],
      provider: registry.get('HmacSha256'),
    });
    expect(headers['X-Webhook-Signature']).toBe(
      `sha256=${receiverHmac('sha256', secret, String(timestamp), spaced)}`,
    );
    expect(() => new Webhook(secret).verify(spaced.toString('utf8'), headers)).not.toThrow();
  });

  it('matches the Standard Webhooks reference signature', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const payload = Buffer.from('{"test": 2432232314}', 'utf8');
    const expected = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
    expect(
      standardWebhooksSignature('msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, payload, secret),
    ).toBe(expected);
    expect(
      new Webhook(secret).sign('msg_p5jXN8AQM9LWM0D4loKWxJek', new Date(1614265330000), payload),
    ).toBe(expected);
  });

  it('refuses what it cannot sign correctly', () => {
    const provider = registry.get('HmacSha256');
    const base = { messageId: 'evt_1', timestamp: now(), body, provider };
    expect(() => signatureHeaders({ ...base, secrets: [] })).toThrow(/at least one secret/);
    expect(() => signatureHeaders({ ...base, secrets: ['whsec_not base64!'] })).toThrow(
      /standard base64/,
    );
    expect(() => signatureHeaders({ ...base, secrets: ['whsec_'] })).toThrow(/standard base64/);
    expect(() => signatureHeaders({ ...base, timestamp: 1.5, secrets: [newSecret()] })).toThrow(
      /Unix seconds/,
    );
    expect(() =>
      signatureHeaders({ ...base, messageId: 'evt\r\nX-Injected: 1', secrets: [newSecret()] }),
    ).toThrow(/webhook-id/);
  });
});

describe('SignatureProviderRegistry', () => {
  it('has the built-ins', () => {
    const registry = new SignatureProviderRegistry();
    expect(registry.algorithms()).toEqual([
      'HmacSha256',
      'HmacSha384',
      'HmacSha512',
      'HmacSha1',
      'Ed25519',
    ]);
    expect(BUILTIN_SIGNATURE_PROVIDERS.map((p) => p.prefix)).toEqual([
      'sha256',
      'sha384',
      'sha512',
      'sha1',
      'ed25519',
    ]);
    expect(registry.has('HmacSha256')).toBe(true);
    expect(registry.has('hmacsha256')).toBe(false);
    expect(registry.get('HmacSha1').prefix).toBe('sha1');
  });

  it('throws a clear error for an unknown algorithm', () => {
    const registry = new SignatureProviderRegistry();
    expect(() => registry.get('Ed448')).toThrow(UnknownSignatureAlgorithmError);
    expect(() => registry.get('Ed448')).toThrow(
      'Unknown signature algorithm "Ed448" (known: HmacSha256, HmacSha384, HmacSha512, HmacSha1, Ed25519)',
    );
  });

  it("uses a host's provider, and lets it replace a built-in of the same name", () => {
    const custom: WebhookSignatureProvider = {
      algorithm: 'Blake2b512',
      prefix: 'blake2b512',
      sign: (raw, timestamp, secret) =>
        createHmac('blake2b512', secret).update(`${timestamp}.`).update(raw).digest('base64url'),
    };
    const replacement: WebhookSignatureProvider = {
      algorithm: 'HmacSha1',
      prefix: 'sha1',
      sign: () => 'replaced',
    };
    const registry = new SignatureProviderRegistry([custom, replacement]);
    expect(registry.algorithms()).toEqual([
      'HmacSha256',
      'HmacSha384',
      'HmacSha512',
      'HmacSha1',
      'Ed25519',
      'Blake2b512',
    ]);
    expect(registry.get('HmacSha1')).toBe(replacement);

    const secret = newSecret();
    const timestamp = now();
    const headers = signatureHeaders({
      messageId: 'evt_1',
      timestamp,
      body,
      secrets: [secret],
      provider: registry.get('Blake2b512'),
    });
    expect(headers['X-Webhook-Signature-Algorithm']).toBe('Blake2b512');
    expect(headers['X-Webhook-Signature']).toBe(
      `blake2b512=${createHmac('blake2b512', secret).update(`${timestamp}.`).update(body).digest('base64url')}`,
    );
    expect(() => new Webhook(secret).verify(body, headers)).not.toThrow();
    expect(
      signatureHeaders({
        messageId: 'evt_1',
        timestamp,
        body,
        secrets: [secret],
        provider: registry.get('HmacSha1'),
      })['X-Webhook-Signature'],
    ).toBe('sha1=replaced');
  });

  it('refuses malformed or duplicate host providers', () => {
    const ok = new HmacSha256SignatureProvider();
    expect(() => new SignatureProviderRegistry([{ ...ok, algorithm: '', sign: ok.sign }])).toThrow(
      /algorithm/,
    );
    expect(
      () => new SignatureProviderRegistry([{ algorithm: 'X', prefix: 'a,b', sign: () => '' }]),
    ).toThrow(/prefix/);
    const x = { algorithm: 'X', prefix: 'x', sign: () => '' };
    expect(() => new SignatureProviderRegistry([x, x])).toThrow(/registered twice/);
  });
});
