import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { App } from 'supertest/types';
import { DELIVERY_ENV, MANAGE } from '../support/constants';
import { TestReceiver } from '../support/receiver';
import { createTestApp, type TestApp } from '../support/test-app';

/**
 * Hardening seen from outside: every log line written while a request is handled carries its
 * request id (the caller's X-Request-Id when usable, echoed in the answer), secrets and tokens never
 * reach a log line, and answers carry helmet's security headers.
 */
interface LogLine {
  level: number;
  msg: string;
  requestId?: string;
  context?: string;
  req?: { method: string; url: string };
  res?: { statusCode: number };
  err?: Record<string, unknown>;
}

const JWT_SECRET = 'logging-test-jwt-secret-0123456789abcdef';
const SECRET_KEY = 'logging-test-secret-key-0123456789abcdef';

describe('request ids, redacted logs and security headers', () => {
  let t: TestApp;
  let receiver: TestReceiver;
  let server: App;
  const raw: string[] = [];
  const lines = (): LogLine[] =>
    raw.flatMap((text) =>
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as LogLine),
    );

  beforeAll(async () => {
    t = await createTestApp(
      {
        ...DELIVERY_ENV,
        LOG_LEVEL: 'info',
        AUTH_JWT_SECRET: JWT_SECRET,
        WEBHOOKS_SECRET_KEY: SECRET_KEY,
      },
      { logStream: { write: (text: string) => void raw.push(text) } },
    );
    receiver = await TestReceiver.start();
    server = t.app.getHttpServer() as App;
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  it("keeps the caller's X-Request-Id, answers it, and puts it on every line of that request", async () => {
    const token = t.token('log-co', [MANAGE]);
    const answer = await request(server)
      .post('/api/webhooks')
      .set('Authorization', `Bearer ${token}`)
      .set('X-Request-Id', 'req-create-0001')
      .send({ url: receiver.url('/logged'), events: ['contract.signed'] })
      .expect(201);
    expect(answer.headers['x-request-id']).toBe('req-create-0001');
    const id = (answer.body as { id: string }).id;

    const ofRequest = lines().filter((l) => l.requestId === 'req-create-0001');
    // The service's own line and the access line, both tagged.
    expect(ofRequest.map((l) => l.msg)).toEqual(
      expect.arrayContaining([
        `Subscription ${id} created for company log-co`,
        'request completed',
      ]),
    );
    const access = ofRequest.find((l) => l.msg === 'request completed')!;
    expect(access.req).toEqual({ method: 'POST', url: '/api/webhooks' });
    expect(access.res).toEqual({ statusCode: 201 });
    // No line mentioning this subscription lacks the request id.
    expect(lines().filter((l) => l.msg.includes(id) && l.requestId !== 'req-create-0001')).toEqual(
      [],
    );
  });

  it("names what failed a 500 on the request's own line, without the statement's parameters", async () => {
    // PostgreSQL refuses every new subscription, as a broken trigger or constraint would.
    await t.dataSource.query(`
      CREATE FUNCTION test_refuse_subscription() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'test fault: subscriptions refused'; END
      $$ LANGUAGE plpgsql`);
    await t.dataSource.query(
      `CREATE TRIGGER test_refuse_subscription BEFORE INSERT ON webhook_subscriptions
       FOR EACH ROW EXECUTE FUNCTION test_refuse_subscription()`,
    );
    const marker = `x-partner-key-${randomBytes(8).toString('hex')}`;
    try {
      await request(server)
        .post('/api/webhooks')
        .set('Authorization', `Bearer ${t.token('log-fault', [MANAGE])}`)
        .set('X-Request-Id', 'req-fault-0001')
        .send({
          url: receiver.url('/fault'),
          events: ['contract.signed'],
          headers: { 'X-Partner': marker },
        })
        .expect(500);
    } finally {
      await t.dataSource.query(
        'DROP TRIGGER test_refuse_subscription ON webhook_subscriptions; DROP FUNCTION test_refuse_subscription()',
      );
    }

    const access = lines().find((l) => l.requestId === 'req-fault-0001' && l.res)!;
    expect(access).toMatchObject({ level: 50, res: { statusCode: 500 } });
    expect(access.err).toMatchObject({
      type: 'QueryFailedError',
      code: 'P0001',
      message: 'test fault: subscriptions refused',
    });
    expect(raw.join('')).not.toContain(marker);
  });

  it('keeps a refusal answered 4xx a completed request, without an error', async () => {
    await request(server)
      .get('/api/webhooks/00000000-0000-4000-8000-000000000000')
      .set('Authorization', `Bearer ${t.token('log-missing', [MANAGE])}`)
      .set('X-Request-Id', 'req-missing-0001')
      .expect(404);

    const access = lines().find((l) => l.requestId === 'req-missing-0001' && l.res)!;
    expect(access).toMatchObject({ level: 30, msg: 'request completed', res: { statusCode: 404 } });
    expect(access.err).toBeUndefined();
  });

  it.each([
    ['missing', undefined],
    ['with spaces', 'not a token'],
    ['too long', 'x'.repeat(129)],
    ['with a newline trick', 'abc\r\nX-Evil: 1'.replace(/\r\n/g, '%0d%0a')],
  ])('makes a new id when the caller’s is %s', async (_label, incoming) => {
    const call = request(server).get('/api/event-types');
    if (incoming !== undefined) void call.set('X-Request-Id', incoming);
    const answer = await call.expect(401);
    const id = answer.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines().some((l) => l.requestId === id && l.res?.statusCode === 401)).toBe(true);
  });

  it('never writes a signing secret, a bearer token or a key to the log', async () => {
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const token = t.token('log-secrets', [MANAGE]);
    const created = await request(server)
      .post('/api/webhooks')
      .set('Authorization', `Bearer ${token}`)
      .send({ url: receiver.url('/secret'), events: ['contract.signed'], secret })
      .expect(201);
    const id = (created.body as { id: string }).id;
    const rotated = await request(server)
      .post(`/api/webhooks/${id}/secret/rotate`)
      .set('Authorization', `Bearer ${token}`)
      .send({})
      .expect((res) => expect(res.status).toBeLessThan(300));
    const newSecret = (rotated.body as { secret?: string }).secret;
    // A secret in the URL (a mistake a client could make) is masked in the access line too.
    await request(server)
      .get(`/api/webhooks?secret=${encodeURIComponent(secret)}`)
      .set('Authorization', `Bearer ${token}`);
    // A token in the query string.
    await request(server).get(`/api/webhooks?access_token=${token}`);

    const text = raw.join('');
    expect(text).toContain(`Subscription ${id}: signing secret rotated`);
    for (const forbidden of [
      secret,
      secret.slice('whsec_'.length),
      newSecret,
      token,
      JWT_SECRET,
      SECRET_KEY,
    ]) {
      if (forbidden) expect(text).not.toContain(forbidden);
    }
    expect(text).toContain('[redacted]');
  });

  it('gives a request id to a body refused before routing (malformed JSON) too', async () => {
    const answer = await request(server)
      .post('/api/webhooks')
      .set('X-Request-Id', 'req-early-0001')
      .set('Content-Type', 'application/json')
      .send('{"url":')
      .expect(400);
    expect(answer.headers['x-request-id']).toBe('req-early-0001');
  });

  it.each(['/api/webhooks', '/docs', '/health'])(
    'answers %s with security headers',
    async (path) => {
      const answer = await request(server).get(path);
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['content-security-policy']).toContain("default-src 'self'");
      // Swagger UI must keep working over plain http (e.g. http://10.0.0.5:3000/docs).
      expect(answer.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
      expect(answer.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(answer.headers['strict-transport-security']).toContain('max-age=');
      expect(answer.headers['x-powered-by']).toBeUndefined();
    },
  );
});
