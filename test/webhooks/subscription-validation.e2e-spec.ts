import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { App } from 'supertest/types';
import { DELIVERY_ENV, MANAGE } from '../support/constants';
import { createTestApp, type TestApp } from '../support/test-app';

const VALID = { url: 'https://hooks.example.com/hr', events: ['candidate.created'] };

interface ErrorBody {
  statusCode: number;
  message: string[] | string;
}

function messageOf(body: unknown): string {
  const message = (body as ErrorBody | undefined)?.message;
  return Array.isArray(message) ? message.join(' | ') : String(message);
}

function secretOf(bytes: number): string {
  return `whsec_${randomBytes(bytes).toString('base64')}`;
}

function manyHeaders(count: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`X-Extra-${i}`, `v${i}`]));
}

async function subscriptionCount(t: TestApp): Promise<number> {
  const rows: { n: number }[] = await t.dataSource.query(
    'SELECT count(*)::int AS n FROM webhook_subscriptions',
  );
  return rows[0].n;
}

/** Forbidden (non-public) URL spellings: none may be stored while private URLs are not allowed. */
const FORBIDDEN_URLS = [
  'https://127.0.0.1/x',
  'https://127.1/x',
  'https://2130706433/x',
  'https://0177.0.0.1/x',
  'https://0x7f000001/x',
  'https://[::1]/x',
  'https://[::ffff:127.0.0.1]/x',
  'https://[::ffff:7f00:1]/x',
  'https://10.0.0.1/x',
  'https://192.168.1.1/x',
  'https://172.16.0.1/x',
  'https://169.254.169.254/latest/meta-data/',
  'https://[fe80::1]/x',
  'https://[fc00::1]/x',
  'https://0.0.0.0/x',
  'https://224.0.0.1/x',
  'https://100.64.0.1/x',
  'https://localhost/x',
  'https://localhost./x',
  'https://LOCALHOST:8443/x',
  'https://api.localhost/x',
  'https://private.example.com/x',
  'https://mixed.example.com/x',
  'https://metadata.example.com/x',
];

/** [case, body, the field the message must name]. */
const BAD_CREATE_BODIES: [string, Record<string, unknown>, string][] = [
  // url
  ['url missing', { events: VALID.events }, 'url'],
  ['url not a string', { ...VALID, url: 42 }, 'url'],
  ['url an array', { ...VALID, url: ['https://hooks.example.com/hr'] }, 'url'],
  ['url empty', { ...VALID, url: '' }, 'url'],
  ['url not absolute', { ...VALID, url: '/hooks/hr' }, 'url'],
  ['url not a URL', { ...VALID, url: 'hooks example com' }, 'url'],
  [
    'url over 2,048 chars',
    { ...VALID, url: `https://hooks.example.com/${'a'.repeat(2040)}` },
    'url',
  ],
  ['url ftp://', { ...VALID, url: 'ftp://hooks.example.com/hr' }, 'url'],
  ['url javascript:', { ...VALID, url: 'javascript:alert(1)' }, 'url'],
  ['url with credentials', { ...VALID, url: 'https://user:pass@hooks.example.com/hr' }, 'url'],
  ['url with a user name only', { ...VALID, url: 'https://user@hooks.example.com/hr' }, 'url'],
  ['url http:// when not allowed', { ...VALID, url: 'http://hooks.example.com/hr' }, 'url'],
  ['url with an unresolvable host', { ...VALID, url: 'https://nowhere.invalid/hr' }, 'url'],
  ...FORBIDDEN_URLS.map((url): [string, Record<string, unknown>, string] => [
    `url ${url}`,
    { ...VALID, url },
    'url',
  ]),
  // events
  ['events missing', { url: VALID.url }, 'events'],
  ['events empty', { ...VALID, events: [] }, 'events'],
  ['events not an array', { ...VALID, events: 'candidate.created' }, 'events'],
  ['events an object', { ...VALID, events: { 0: 'candidate.created' } }, 'events'],
  ['events with a non-string', { ...VALID, events: ['candidate.created', 7] }, 'events'],
  ['events with an unknown type', { ...VALID, events: ['candidate.hired'] }, 'events'],
  [
    'events with one unknown type among known ones',
    { ...VALID, events: ['candidate.created', 'payroll.closed'] },
    'events',
  ],
  ['events with wildcard candidate*', { ...VALID, events: ['candidate*'] }, 'events'],
  ['events with wildcard *.created', { ...VALID, events: ['*.created'] }, 'events'],
  ['events with wildcard candidate.*.x', { ...VALID, events: ['candidate.*.x'] }, 'events'],
  [
    'events with wildcard nothing.* (matches nothing)',
    { ...VALID, events: ['nothing.*'] },
    'events',
  ],
  ['events with upper case', { ...VALID, events: ['Candidate.Created'] }, 'events'],
  // description
  ['description over 500 chars', { ...VALID, description: 'd'.repeat(501) }, 'description'],
  ['description not a string', { ...VALID, description: 12 }, 'description'],
  // isActive
  ['isActive a string', { ...VALID, isActive: 'true' }, 'isActive'],
  ['isActive a number', { ...VALID, isActive: 1 }, 'isActive'],
  // secret
  [
    'secret without whsec_ prefix',
    { ...VALID, secret: randomBytes(32).toString('base64') },
    'secret',
  ],
  ['secret with bad base64', { ...VALID, secret: 'whsec_not*base64!at-all==' }, 'secret'],
  ['secret of 16 bytes', { ...VALID, secret: secretOf(16) }, 'secret'],
  ['secret of 23 bytes', { ...VALID, secret: secretOf(23) }, 'secret'],
  ['secret of 65 bytes', { ...VALID, secret: secretOf(65) }, 'secret'],
  ['secret of 100 bytes', { ...VALID, secret: secretOf(100) }, 'secret'],
  ['secret not a string', { ...VALID, secret: 1234 }, 'secret'],
  // format and signatureAlgorithm
  ['format unknown', { ...VALID, format: 'yaml' }, 'format'],
  ['format not a string', { ...VALID, format: 1 }, 'format'],
  ['signatureAlgorithm unknown', { ...VALID, signatureAlgorithm: 'HmacMd5' }, 'signatureAlgorithm'],
  [
    'signatureAlgorithm wrong case',
    { ...VALID, signatureAlgorithm: 'hmacsha256' },
    'signatureAlgorithm',
  ],
  // headers
  ['headers a string', { ...VALID, headers: 'X-Partner-Id: acme' }, 'headers'],
  ['headers an array', { ...VALID, headers: [['X-Partner-Id', 'acme']] }, 'headers'],
  ['headers with 21 entries', { ...VALID, headers: manyHeaders(21) }, 'headers'],
  ['headers Host', { ...VALID, headers: { Host: 'evil.example.com' } }, 'headers'],
  ['headers Content-Type', { ...VALID, headers: { 'Content-Type': 'text/plain' } }, 'headers'],
  ['headers Content-Length', { ...VALID, headers: { 'Content-Length': '1' } }, 'headers'],
  ['headers Connection', { ...VALID, headers: { Connection: 'close' } }, 'headers'],
  [
    'headers Transfer-Encoding',
    { ...VALID, headers: { 'Transfer-Encoding': 'chunked' } },
    'headers',
  ],
  [
    'headers Proxy-Authorization',
    { ...VALID, headers: { 'Proxy-Authorization': 'Basic eA==' } },
    'headers',
  ],
  ['headers webhook-id', { ...VALID, headers: { 'webhook-id': 'msg_1' } }, 'headers'],
  ['headers Webhook-Signature', { ...VALID, headers: { 'Webhook-Signature': 'v1,x' } }, 'headers'],
  ['headers X-Webhook-Event', { ...VALID, headers: { 'X-Webhook-Event': 'x' } }, 'headers'],
  ['headers name with a space', { ...VALID, headers: { 'X Partner': 'acme' } }, 'headers'],
  ['headers name with a colon', { ...VALID, headers: { 'X-Partner:': 'acme' } }, 'headers'],
  [
    'headers value with CR LF',
    { ...VALID, headers: { 'X-Partner-Id': 'a\r\nX-Injected: 1' } },
    'headers',
  ],
  ['headers value with LF', { ...VALID, headers: { 'X-Partner-Id': 'a\nb' } }, 'headers'],
  ['headers value a number', { ...VALID, headers: { 'X-Count': 5 } }, 'headers'],
  ['headers value an object', { ...VALID, headers: { 'X-Partner': { id: 'a' } } }, 'headers'],
  // retry and timeout settings
  ['maxRetryCount -1', { ...VALID, maxRetryCount: -1 }, 'maxRetryCount'],
  ['maxRetryCount 21', { ...VALID, maxRetryCount: 21 }, 'maxRetryCount'],
  ['maxRetryCount 1.5', { ...VALID, maxRetryCount: 1.5 }, 'maxRetryCount'],
  ['maxRetryCount a string', { ...VALID, maxRetryCount: '3' }, 'maxRetryCount'],
  ['retryDelayMs 50', { ...VALID, retryDelayMs: 50 }, 'retryDelayMs'],
  ['retryDelayMs 1.5', { ...VALID, retryDelayMs: 1000.5 }, 'retryDelayMs'],
  [
    'retryBackoffMultiplier 0.5',
    { ...VALID, retryBackoffMultiplier: 0.5 },
    'retryBackoffMultiplier',
  ],
  ['retryBackoffMultiplier 11', { ...VALID, retryBackoffMultiplier: 11 }, 'retryBackoffMultiplier'],
  [
    'retryBackoffMultiplier a string',
    { ...VALID, retryBackoffMultiplier: '2' },
    'retryBackoffMultiplier',
  ],
  ['requestTimeoutMs 99', { ...VALID, requestTimeoutMs: 99 }, 'requestTimeoutMs'],
  ['requestTimeoutMs 30001', { ...VALID, requestTimeoutMs: 30001 }, 'requestTimeoutMs'],
  // unknown fields
  ['an unknown field', { ...VALID, callbackUrl: 'https://hooks.example.com/x' }, 'callbackUrl'],
  ['companyId in the body', { ...VALID, companyId: 'globex' }, 'companyId'],
  ['id in the body', { ...VALID, id: '6f1c8d4e-2b1a-4c3d-9e8f-0a1b2c3d4e5f' }, 'id'],
];

describe('subscription validation', () => {
  let t: TestApp;
  let server: App;
  const auth = () => ({ Authorization: `Bearer ${t.token('acme', [MANAGE])}` });

  beforeAll(async () => {
    t = await createTestApp();
    server = t.app.getHttpServer() as App;
  });
  afterAll(async () => {
    await t.close();
  });

  describe('POST /api/webhooks', () => {
    it('accepts the valid base body (control case)', async () => {
      const before = await subscriptionCount(t);
      await request(server).post('/api/webhooks').set(auth()).send(VALID).expect(201);
      expect(await subscriptionCount(t)).toBe(before + 1);
    });

    it.each(BAD_CREATE_BODIES)(
      'refuses %s with 400 naming the field, and stores nothing',
      async (_label, body, field) => {
        const before = await subscriptionCount(t);
        const res = await request(server).post('/api/webhooks').set(auth()).send(body);
        expect(res.status).toBe(400);
        expect(res.body).toEqual(expect.objectContaining({ statusCode: 400 }));
        expect(messageOf(res.body)).toContain(field);
        expect(await subscriptionCount(t)).toBe(before);
      },
    );

    it.each([
      ['text/plain', 'text/plain', JSON.stringify(VALID)],
      ['form-encoded', 'application/x-www-form-urlencoded', 'url=https%3A%2F%2Fhooks.example.com'],
      [
        'XML',
        'application/xml',
        '<subscription><url>https://hooks.example.com</url></subscription>',
      ],
    ])('refuses a %s body with 400 and stores nothing', async (_label, type, payload) => {
      const before = await subscriptionCount(t);
      const res = await request(server)
        .post('/api/webhooks')
        .set(auth())
        .set('Content-Type', type)
        .send(payload);
      expect(res.status).toBe(400);
      expect(messageOf(res.body)).toMatch(/body|JSON/i);
      expect(await subscriptionCount(t)).toBe(before);
    });

    it.each([
      ['truncated JSON', '{"url": "https://hooks.example.com/hr", "events": ['],
      ['single-quoted JSON', "{'url': 'https://hooks.example.com/hr'}"],
      ['trailing comma', '{"url": "https://hooks.example.com/hr",}'],
    ])('refuses malformed JSON (%s) with 400 and stores nothing', async (_label, payload) => {
      const before = await subscriptionCount(t);
      const res = await request(server)
        .post('/api/webhooks')
        .set(auth())
        .set('Content-Type', 'application/json')
        .send(payload);
      expect(res.status).toBe(400);
      expect(messageOf(res.body)).toMatch(/body|JSON/i);
      expect(await subscriptionCount(t)).toBe(before);
    });

    it.each([
      ['a JSON array', '[]'],
      ['a JSON string', '"https://hooks.example.com/hr"'],
      ['JSON null', 'null'],
    ])('refuses %s as the body with 400 and stores nothing', async (_label, payload) => {
      const before = await subscriptionCount(t);
      const res = await request(server)
        .post('/api/webhooks')
        .set(auth())
        .set('Content-Type', 'application/json')
        .send(payload);
      expect(res.status).toBe(400);
      expect(await subscriptionCount(t)).toBe(before);
    });

    it('refuses an empty body with 400 naming url and events', async () => {
      const before = await subscriptionCount(t);
      const res = await request(server).post('/api/webhooks').set(auth()).expect(400);
      expect(messageOf(res.body)).toContain('url');
      expect(messageOf(res.body)).toContain('events');
      expect(await subscriptionCount(t)).toBe(before);
    });

    it('refuses a body over 256 KiB with 413 and stores nothing', async () => {
      const before = await subscriptionCount(t);
      const res = await request(server)
        .post('/api/webhooks')
        .set(auth())
        .send({ ...VALID, description: 'x'.repeat(257 * 1024) });
      expect(res.status).toBe(413);
      expect(await subscriptionCount(t)).toBe(before);
    });

    it.each([
      [
        'an array 2,000 levels deep',
        JSON.stringify(nest(2000, (inner) => [inner])),
        'nested more than 32 levels',
      ],
      [
        'a field nested 40 objects deep',
        JSON.stringify({ ...VALID, headers: nest(40, (inner) => ({ a: inner })) }),
        'nested more than 32 levels',
      ],
      [
        'a lone surrogate in a value',
        JSON.stringify({ ...VALID, description: 'bad \udfff here' }),
        'well-formed Unicode',
      ],
      [
        'a lone surrogate in a key',
        JSON.stringify({ ...VALID, headers: { 'x-\ud800': 'v' } }),
        'well-formed Unicode',
      ],
      [
        'a NUL character in a value',
        JSON.stringify({ ...VALID, description: 'nul \u0000 here' }),
        'NUL characters',
      ],
      [
        'a NUL character in a key',
        JSON.stringify({ ...VALID, headers: { 'x-\u0000': 'v' } }),
        'NUL characters',
      ],
    ])(
      'refuses %s with 400 naming the problem, and stores nothing',
      async (_label, body, problem) => {
        const before = await subscriptionCount(t);
        const res = await request(server)
          .post('/api/webhooks')
          .set(auth())
          .set('Content-Type', 'application/json')
          .send(body)
          .expect(400);
        expect(messageOf(res.body)).toContain(problem);
        expect(await subscriptionCount(t)).toBe(before);
      },
    );

    it('refuses a NUL character in the query string with 400 naming it', async () => {
      const res = await request(server).get('/api/webhooks?cursor=a%00b').set(auth()).expect(400);
      expect(messageOf(res.body)).toContain('NUL characters');
    });

    it('accepts a body 32 levels deep (the limit) as far as depth goes', async () => {
      const res = await request(server)
        .post('/api/webhooks')
        .set(auth())
        .send({ ...VALID, headers: nest(30, (inner) => ({ a: inner })) });
      // Refused by validation (headers must map names to strings), not by the depth check.
      expect(res.status).toBe(400);
      expect(messageOf(res.body)).not.toContain('nested more than');
    });

    it('names every bad field when several are wrong', async () => {
      const res = await request(server)
        .post('/api/webhooks')
        .set(auth())
        .send({ ...VALID, maxRetryCount: 99, requestTimeoutMs: 5, description: 'd'.repeat(600) })
        .expect(400);
      const message = messageOf(res.body);
      expect(message).toContain('maxRetryCount');
      expect(message).toContain('requestTimeoutMs');
      expect(message).toContain('description');
    });

    it.each([
      ['url of exactly 2,048 chars', { url: `https://hooks.example.com/${'a'.repeat(2022)}` }],
      ['description of 500 chars', { description: 'd'.repeat(500) }],
      ['20 headers', { headers: manyHeaders(20) }],
      ['maxRetryCount 0', { maxRetryCount: 0 }],
      ['maxRetryCount 20', { maxRetryCount: 20 }],
      [
        'retryBackoffMultiplier 1 and requestTimeoutMs 100',
        { retryBackoffMultiplier: 1, requestTimeoutMs: 100 },
      ],
      [
        'retryBackoffMultiplier 10 and requestTimeoutMs 30000',
        { retryBackoffMultiplier: 10, requestTimeoutMs: 30000 },
      ],
      ['a public IPv4 literal', { url: 'https://93.184.215.14/hr' }],
      ['a public IPv6 literal', { url: 'https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/hr' }],
      ['a host with public IPv4 and IPv6 addresses', { url: 'https://payroll.example.org/in' }],
      ['a port and query string', { url: 'https://hooks.example.com:8443/hr?x=1' }],
    ])('accepts the boundary case: %s', async (_label, extra) => {
      const before = await subscriptionCount(t);
      const res = await request(server)
        .post('/api/webhooks')
        .set(auth())
        .send({ ...VALID, ...extra });
      expect({
        status: res.status,
        message: res.status === 201 ? '' : messageOf(res.body),
      }).toEqual({ status: 201, message: '' });
      expect(await subscriptionCount(t)).toBe(before + 1);
    });
  });

  describe('PATCH /api/webhooks/:id', () => {
    let id: string;
    let original: Record<string, unknown>;

    beforeAll(async () => {
      const res = await request(server)
        .post('/api/webhooks')
        .set(auth())
        .send({ ...VALID, description: 'patch target', headers: { 'X-Partner-Id': 'acme' } })
        .expect(201);
      id = (res.body as { id: string }).id;
      original = (await request(server).get(`/api/webhooks/${id}`).set(auth()).expect(200))
        .body as Record<string, unknown>;
    });

    it.each([
      ['secret', { secret: secretOf(32) }, 'secret'],
      ['url private', { url: 'https://10.0.0.1/x' }, 'url'],
      ['url metadata host', { url: 'https://metadata.example.com/x' }, 'url'],
      ['url http://', { url: 'http://hooks.example.com/hr' }, 'url'],
      ['url unresolvable', { url: 'https://nowhere.invalid/hr' }, 'url'],
      ['events empty', { events: [] }, 'events'],
      ['events unknown', { events: ['candidate.hired'] }, 'events'],
      ['events wildcard matching nothing', { events: ['nothing.*'] }, 'events'],
      ['description too long', { description: 'd'.repeat(501) }, 'description'],
      ['isActive a string', { isActive: 'false' }, 'isActive'],
      ['format unknown', { format: 'yaml' }, 'format'],
      ['signatureAlgorithm unknown', { signatureAlgorithm: 'HmacMd5' }, 'signatureAlgorithm'],
      ['headers Host', { headers: { Host: 'evil.example.com' } }, 'headers'],
      ['headers value with CR LF', { headers: { 'X-A': 'a\r\nb' } }, 'headers'],
      ['maxRetryCount 21', { maxRetryCount: 21 }, 'maxRetryCount'],
      ['retryBackoffMultiplier 11', { retryBackoffMultiplier: 11 }, 'retryBackoffMultiplier'],
      ['requestTimeoutMs 99', { requestTimeoutMs: 99 }, 'requestTimeoutMs'],
      ['an unknown field', { callbackUrl: 'https://hooks.example.com/x' }, 'callbackUrl'],
      [
        'a valid field beside a bad one',
        { description: 'new', maxRetryCount: -1 },
        'maxRetryCount',
      ],
      // null is not a value of these fields: it must not slip past validation into the row.
      ['url null', { url: null }, 'url'],
      ['events null', { events: null }, 'events'],
      ['isActive null', { isActive: null }, 'isActive'],
      ['headers null', { headers: null }, 'headers'],
      ['maxRetryCount null', { maxRetryCount: null }, 'maxRetryCount'],
      ['format null', { format: null }, 'format'],
    ])('refuses %s with 400 naming the field, and changes nothing', async (_label, body, field) => {
      const res = await request(server).patch(`/api/webhooks/${id}`).set(auth()).send(body);
      expect(res.status).toBe(400);
      expect(messageOf(res.body)).toContain(field);
      const after = await request(server).get(`/api/webhooks/${id}`).set(auth()).expect(200);
      expect(after.body).toEqual(original);
    });

    it('refuses a non-JSON body with 400 and changes nothing', async () => {
      await request(server)
        .patch(`/api/webhooks/${id}`)
        .set(auth())
        .set('Content-Type', 'text/plain')
        .send('description=changed')
        .expect(400);
      await request(server)
        .patch(`/api/webhooks/${id}`)
        .set(auth())
        .set('Content-Type', 'application/json')
        .send('{"description": ')
        .expect(400);
      const after = await request(server).get(`/api/webhooks/${id}`).set(auth()).expect(200);
      expect(after.body).toEqual(original);
    });
  });
});

describe('subscription URL policy when http and private URLs are allowed', () => {
  let t: TestApp;
  let server: App;
  const auth = () => ({ Authorization: `Bearer ${t.token('acme', [MANAGE])}` });

  beforeAll(async () => {
    t = await createTestApp(DELIVERY_ENV);
    server = t.app.getHttpServer() as App;
  });
  afterAll(async () => {
    await t.close();
  });

  it('accepts http://127.0.0.1:9/x', async () => {
    const res = await request(server)
      .post('/api/webhooks')
      .set(auth())
      .send({ ...VALID, url: 'http://127.0.0.1:9/x' })
      .expect(201);
    expect(res.body).toEqual(expect.objectContaining({ url: 'http://127.0.0.1:9/x' }));
    expect(await subscriptionCount(t)).toBe(1);
  });

  it.each(['https://private.example.com/x', 'http://localhost:3000/x', 'http://[::1]:8080/x'])(
    'accepts %s',
    async (url) => {
      await request(server)
        .post('/api/webhooks')
        .set(auth())
        .send({ ...VALID, url })
        .expect(201);
    },
  );

  it.each([
    ['ftp://', 'ftp://127.0.0.1/x'],
    ['credentials', 'http://user:pass@127.0.0.1:9/x'],
    ['an unresolvable host', 'http://nowhere.invalid/x'],
  ])('still refuses %s', async (_label, url) => {
    const before = await subscriptionCount(t);
    const res = await request(server)
      .post('/api/webhooks')
      .set(auth())
      .send({ ...VALID, url })
      .expect(400);
    expect(messageOf(res.body)).toContain('url');
    expect(await subscriptionCount(t)).toBe(before);
  });
});

/** `depth` levels of `wrap` around an empty object. */
function nest(depth: number, wrap: (inner: unknown) => unknown): unknown {
  let value: unknown = {};
  for (let i = 1; i < depth; i++) value = wrap(value);
  return value;
}
