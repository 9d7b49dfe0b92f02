import { createHmac, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { SerializerRegistry } from '../formats/serializer-registry';
import type { OutgoingEvent } from '../interfaces/outgoing-event.interface';
import type {
  WebhookHttpClient,
  WebhookHttpRequest,
  WebhookHttpResponse,
} from '../interfaces/webhook-http-client.interface';
import type { ClaimedDelivery } from '../queue/claimed-delivery';
import { SignatureProviderRegistry } from '../signing/signature-headers';
import type { WebhooksModuleOptions } from '../interfaces/webhooks-module-options.interface';
import { WebhooksSettings } from '../webhooks-settings';
import { DeliveryAttempt } from './delivery-attempt';
import type { DeliveryTarget } from './delivery-targets';

/** Answers every request with `response`, and keeps what it was asked to send. */
class FakeHttpClient implements WebhookHttpClient {
  readonly requests: WebhookHttpRequest[] = [];
  closed = false;
  response: WebhookHttpResponse = answer(200);

  async send(request: WebhookHttpRequest): Promise<WebhookHttpResponse> {
    this.requests.push(request);
    return this.response;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

function answer(
  statusCode: number | null,
  extra: Partial<WebhookHttpResponse> = {},
): WebhookHttpResponse {
  return {
    statusCode,
    headers: {},
    body: statusCode === null ? '' : `answer ${statusCode}`,
    durationMs: 12.6,
    error: statusCode === null ? 'timeout' : null,
    ...extra,
  };
}

const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;
const unixNow = () => Math.floor(Date.now() / 1000);

const EVENT: OutgoingEvent = {
  id: '5d2a7a4e-3b7c-4f7e-9a57-0c1e6f6b2d10',
  type: 'contract.signed',
  timestamp: '2026-11-23T12:00:00.000Z',
  companyId: 'acme',
  data: { contractId: 'c-1', signer: "Zoë O'Brien", note: '<&>' },
};

function delivery(overrides: Partial<ClaimedDelivery> = {}): ClaimedDelivery {
  return {
    id: '0b6a3f86-9a0e-4d0f-b0a4-6c1f3a1e2d55',
    companyId: 'acme',
    eventId: EVENT.id,
    batchEventIds: null,
    batch: null,
    subscriptionId: 'sub-1',
    endpoint: null,
    eventType: EVENT.type,
    attemptNumber: 1,
    event: EVENT,
    subscriptionVersion: null,
    leaseExpiresAt: 0,
    ...overrides,
  };
}

function target(overrides: Partial<DeliveryTarget> = {}): DeliveryTarget {
  return {
    subscriptionId: 'sub-1',
    active: true,
    url: 'https://hooks.example.com/in',
    secrets: [newSecret()],
    signatureAlgorithm: 'HmacSha256',
    format: 'json',
    headers: {},
    maxRetryCount: 3,
    retryDelayMs: 1_000,
    retryBackoffMultiplier: 2,
    requestTimeoutMs: 7_000,
    ...overrides,
  };
}

function setup(options: Partial<WebhooksModuleOptions> = {}) {
  const http = new FakeHttpClient();
  const settings = new WebhooksSettings({ secretKey: 'x'.repeat(32), ...options });
  const attempts = new DeliveryAttempt(
    settings,
    new SerializerRegistry([]),
    new SignatureProviderRegistry([]),
    http,
  );
  const sent = () => {
    expect(http.requests).toHaveLength(1);
    return http.requests[0];
  };
  return { http, settings, attempts, sent };
}

/** What a receiver computes for `X-Webhook-Signature`: hex HMAC keyed with the whole secret. */
const receiverHmac = (hash: string, secret: string, timestamp: string, body: Buffer) =>
  createHmac(hash, Buffer.from(secret, 'utf8')).update(`${timestamp}.`).update(body).digest('hex');

describe('DeliveryAttempt: the request', () => {
  it('sends to the target URL with its timeout, and the private-address rule of the settings', async () => {
    const { attempts, sent } = setup();
    await attempts.make(delivery(), target(), { retry: true });
    expect(sent()).toMatchObject({
      url: 'https://hooks.example.com/in',
      timeoutMs: 7_000,
      allowPrivateAddresses: false,
    });

    const open = setup({ urlPolicy: { allowPrivateUrls: true } });
    await open.attempts.make(delivery(), target(), { retry: true });
    expect(open.sent().allowPrivateAddresses).toBe(true);
  });

  it('a json body is the event as {id, event, timestamp, companyId, data}', async () => {
    const { attempts, settings, sent } = setup();
    await attempts.make(delivery(), target(), { retry: true });
    const request = sent();
    expect(JSON.parse(request.body.toString('utf8'))).toEqual({
      id: EVENT.id,
      event: 'contract.signed',
      timestamp: EVENT.timestamp,
      companyId: 'acme',
      data: EVENT.data,
    });
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': settings.userAgent,
      'X-Webhook-Event': 'contract.signed',
      'X-Webhook-Delivery': delivery().id,
      'webhook-id': EVENT.id,
    });
  });

  it('uses the user agent of the settings', async () => {
    const { attempts, sent } = setup({ userAgent: 'acme-hooks/2' });
    await attempts.make(delivery(), target(), { retry: true });
    expect(sent().headers['user-agent']).toBe('acme-hooks/2');
  });

  it.each([
    [
      'json',
      'application/json',
      (text: string) => expect(JSON.parse(text)).toMatchObject({ id: EVENT.id }),
    ],
    [
      'cloudevents+json',
      'application/cloudevents+json',
      (text: string) =>
        expect(JSON.parse(text)).toMatchObject({
          specversion: '1.0',
          id: EVENT.id,
          type: EVENT.type,
          source: '/companies/acme',
          data: EVENT.data,
        }),
    ],
    [
      'xml',
      'application/xml',
      (text: string) => {
        expect(text.startsWith('<?xml')).toBe(true);
        expect(text).toContain(`<id>${EVENT.id}</id>`);
      },
    ],
    [
      'cloudevents+xml',
      'application/cloudevents+xml',
      (text: string) => {
        expect(text.startsWith('<?xml')).toBe(true);
        expect(text).toContain(EVENT.id);
        expect(text).toContain('1.0');
      },
    ],
  ])(
    'format %s: the serializer bytes, content type %s, signed as sent',
    async (format, contentType, check) => {
      const { attempts, sent } = setup();
      const secret = newSecret();
      await attempts.make(delivery(), target({ format, secrets: [secret] }), { retry: true });
      const { body, headers } = sent();
      expect(body.equals(new SerializerRegistry().get(format).serialize(EVENT))).toBe(true);
      check(body.toString('utf8'));
      expect(headers['content-type']).toBe(contentType);
      const at = new Date(Number(headers['webhook-timestamp']) * 1000);
      expect(headers['webhook-signature']).toBe(
        new Webhook(secret).sign(EVENT.id, at, body.toString('utf8')),
      );
    },
  );

  it('a batch delivery sends its events as a batch, under the delivery id', async () => {
    const second: OutgoingEvent = { ...EVENT, id: '9f1f7f0c-5d51-4d0b-8f0e-3b1d7c2b9a01' };
    const secret = newSecret();
    const { attempts, sent } = setup();
    const batch = delivery({ batchEventIds: [EVENT.id, second.id], batch: [EVENT, second] });
    await attempts.make(batch, target({ format: 'cloudevents+json', secrets: [secret] }), {
      retry: true,
    });
    const { body, headers } = sent();
    const events = JSON.parse(body.toString('utf8')) as { id: string }[];
    expect(events.map((e) => e.id)).toEqual([EVENT.id, second.id]);
    expect(headers['content-type']).toBe('application/cloudevents-batch+json');
    expect(headers['webhook-id']).toBe(batch.id);
    expect(new Webhook(secret).verify(body.toString('utf8'), headers)).toEqual(events);
  });

  it('a batch delivery whose events were not loaded sends its own event as a batch of one', async () => {
    const { attempts, sent } = setup();
    await attempts.make(delivery({ batchEventIds: [EVENT.id] }), target(), { retry: true });
    expect(JSON.parse(sent().body.toString('utf8'))).toEqual([
      expect.objectContaining({ id: EVENT.id }),
    ]);
  });
});

describe('DeliveryAttempt: signatures', () => {
  it('signs with every header; both signatures verify over the bytes sent', async () => {
    const { attempts, sent } = setup();
    const secret = newSecret();
    const before = unixNow();
    await attempts.make(
      delivery(),
      target({ secrets: [secret], signatureAlgorithm: 'HmacSha512' }),
      {
        retry: true,
      },
    );
    const after = unixNow();
    const { body, headers } = sent();
    expect(new Webhook(secret).verify(body.toString('utf8'), headers)).toEqual(
      JSON.parse(body.toString('utf8')),
    );
    const timestamp = headers['webhook-timestamp'];
    expect(Number(timestamp)).toBeGreaterThanOrEqual(before);
    expect(Number(timestamp)).toBeLessThanOrEqual(after);
    expect(headers['X-Webhook-Timestamp']).toBe(timestamp);
    expect(headers['X-Webhook-Signature-Algorithm']).toBe('HmacSha512');
    expect(headers['X-Webhook-Signature']).toBe(
      `sha512=${receiverHmac('sha512', secret, timestamp, body)}`,
    );
    expect(() => new Webhook(newSecret()).verify(body.toString('utf8'), headers)).toThrow();
  });

  it('during a rotation, signs with both secrets: either verifies', async () => {
    const { attempts, sent } = setup();
    const current = newSecret();
    const previous = newSecret();
    await attempts.make(delivery(), target({ secrets: [current, previous] }), { retry: true });
    const { body, headers } = sent();
    for (const secret of [current, previous]) {
      expect(() => new Webhook(secret).verify(body.toString('utf8'), headers)).not.toThrow();
    }
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    const timestamp = headers['X-Webhook-Timestamp'];
    expect(headers['X-Webhook-Signature']).toBe(
      [current, previous]
        .map((s) => `sha256=${receiverHmac('sha256', s, timestamp, body)}`)
        .join(','),
    );
  });

  it('without secrets, sends unsigned: the id and timestamp only', async () => {
    const { attempts, sent } = setup();
    const before = unixNow();
    await attempts.make(delivery(), target({ secrets: [] }), { retry: true });
    const after = unixNow();
    const { headers } = sent();
    expect(headers['webhook-id']).toBe(EVENT.id);
    expect(Number(headers['webhook-timestamp'])).toBeGreaterThanOrEqual(before);
    expect(Number(headers['webhook-timestamp'])).toBeLessThanOrEqual(after);
    expect(headers['X-Webhook-Timestamp']).toBe(headers['webhook-timestamp']);
    expect(headers).not.toHaveProperty('webhook-signature');
    expect(headers).not.toHaveProperty('X-Webhook-Signature');
    expect(headers).not.toHaveProperty('X-Webhook-Signature-Algorithm');
  });
});

describe('DeliveryAttempt: subscription headers', () => {
  it('sends the subscription headers as they are, and logs them redacted', async () => {
    const { attempts, sent } = setup();
    const extras = { Authorization: 'Bearer s3cret-token', 'X-Tenant': 'tenant-42' };
    const attempt = await attempts.make(delivery(), target({ headers: extras }), { retry: true });
    const { headers } = sent();
    expect(headers).toMatchObject(extras);
    expect(attempt.requestHeaders).toEqual({
      ...headers,
      Authorization: '[redacted]',
      'X-Tenant': '[redacted]',
      'webhook-signature': '[redacted]',
      'X-Webhook-Signature': '[redacted]',
    });
    expect(JSON.stringify(attempt.requestHeaders)).not.toContain('s3cret-token');
    expect(JSON.stringify(attempt.requestHeaders)).not.toContain('tenant-42');
  });
});

describe('DeliveryAttempt: the outcome', () => {
  const AT_LEAST = (ms: number) => ms * 0.8;
  const AT_MOST = (ms: number) => ms * 1.2;

  it.each<
    [
      string,
      WebhookHttpResponse,
      { retry: boolean; attemptNumber?: number },
      {
        status: 'succeeded' | 'failed';
        nextStatus: string;
        retryIn: [number, number] | null;
        gone: boolean;
      },
    ]
  >([
    [
      '200',
      answer(200),
      { retry: true },
      { status: 'succeeded', nextStatus: 'succeeded', retryIn: null, gone: false },
    ],
    [
      '204',
      answer(204),
      { retry: true },
      { status: 'succeeded', nextStatus: 'succeeded', retryIn: null, gone: false },
    ],
    [
      '503, first attempt: retried after the first delay',
      answer(503),
      { retry: true },
      {
        status: 'failed',
        nextStatus: 'pending',
        retryIn: [AT_LEAST(1_000), AT_MOST(1_000)],
        gone: false,
      },
    ],
    [
      '500, third attempt: retried after the third delay',
      answer(500),
      { retry: true, attemptNumber: 3 },
      {
        status: 'failed',
        nextStatus: 'pending',
        retryIn: [AT_LEAST(4_000), AT_MOST(4_000)],
        gone: false,
      },
    ],
    [
      '500 with retry: false',
      answer(500),
      { retry: false },
      { status: 'failed', nextStatus: 'failed', retryIn: null, gone: false },
    ],
    [
      '503 after the last retry',
      answer(503),
      { retry: true, attemptNumber: 4 },
      { status: 'failed', nextStatus: 'failed', retryIn: null, gone: false },
    ],
    [
      '429 with Retry-After: not before it',
      answer(429, { headers: { 'retry-after': '120' } }),
      { retry: true },
      { status: 'failed', nextStatus: 'pending', retryIn: [120_000, 120_000], gone: false },
    ],
    [
      '410',
      answer(410),
      { retry: true },
      { status: 'failed', nextStatus: 'failed', retryIn: null, gone: true },
    ],
    [
      '404',
      answer(404),
      { retry: true },
      { status: 'failed', nextStatus: 'failed', retryIn: null, gone: false },
    ],
    [
      '400',
      answer(400),
      { retry: true },
      { status: 'failed', nextStatus: 'failed', retryIn: null, gone: false },
    ],
    [
      'no answer (timeout)',
      answer(null),
      { retry: true },
      {
        status: 'failed',
        nextStatus: 'pending',
        retryIn: [AT_LEAST(1_000), AT_MOST(1_000)],
        gone: false,
      },
    ],
    [
      'no answer (timeout) with retry: false',
      answer(null),
      { retry: false },
      { status: 'failed', nextStatus: 'failed', retryIn: null, gone: false },
    ],
  ])('%s', async (_name, response, { retry, attemptNumber = 1 }, expected) => {
    const { http, attempts } = setup();
    http.response = response;
    const held = delivery({ attemptNumber });
    const attempt = await attempts.make(held, target(), { retry });
    expect(attempt).toMatchObject({
      kind: 'attempted',
      delivery: held,
      status: expected.status,
      statusCode: response.statusCode,
      error: response.error,
      responseBody: response.body,
      durationMs: 13,
      nextStatus: expected.nextStatus,
      gone: expected.gone,
    });
    if (expected.retryIn === null) {
      expect(attempt.nextAttemptAt).toBeNull();
    } else {
      const [least, most] = expected.retryIn;
      const delay = attempt.nextAttemptAt!.getTime() - attempt.at.getTime();
      expect(delay).toBeGreaterThanOrEqual(least);
      expect(delay).toBeLessThanOrEqual(most);
    }
  });

  it('each attempt has an id of its own', async () => {
    const { attempts } = setup();
    const first = await attempts.make(delivery(), target(), { retry: true });
    const second = await attempts.make(delivery(), target(), { retry: true });
    expect(first.attemptId).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.attemptId).not.toBe(first.attemptId);
  });

  it('close() closes the HTTP client', async () => {
    const { http, attempts } = setup();
    await attempts.close();
    expect(http.closed).toBe(true);
  });
});
