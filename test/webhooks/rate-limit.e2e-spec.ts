import request from 'supertest';
import type { App } from 'supertest/types';
import { MANAGE } from '../support/constants';
import { createTestApp, type TestApp } from '../support/test-app';

describe('API rate limit (API_RATE_LIMIT=5)', () => {
  let t: TestApp;
  let server: App;
  const auth = (companyId: string) => ({
    Authorization: `Bearer ${t.token(companyId, [MANAGE])}`,
  });

  beforeAll(async () => {
    t = await createTestApp({ API_RATE_LIMIT: '5' });
    server = t.app.getHttpServer() as App;
  });
  afterAll(async () => {
    await t.close();
  });

  let limited: request.Response;

  it('answers the 6th request of a company within a minute with 429', async () => {
    for (let i = 1; i <= 5; i++) {
      const res = await request(server).get('/api/webhooks').set(auth('acme'));
      expect({ request: i, status: res.status }).toEqual({ request: i, status: 200 });
    }
    limited = await request(server).get('/api/webhooks').set(auth('acme'));
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual(expect.objectContaining({ statusCode: 429 }));
  });

  it('sends a Retry-After header (seconds) with the 429', () => {
    expect(limited.status).toBe(429);
    const retryAfter = limited.headers['retry-after'];
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
  });

  it('limits every route of that company, and a limited write stores nothing', async () => {
    // Another user's token of the same company shares the company's budget.
    const other = await request(server)
      .get('/api/event-types')
      .set({ Authorization: `Bearer ${t.token('acme', [MANAGE], { sub: 'another-user' })}` });
    expect(other.status).toBe(429);
    const write = await request(server)
      .post('/api/webhooks')
      .set(auth('acme'))
      .send({ url: 'https://hooks.example.com/hr', events: ['candidate.created'] });
    expect(write.status).toBe(429);
    const rows: { n: number }[] = await t.dataSource.query(
      "SELECT count(*)::int AS n FROM webhook_subscriptions WHERE company_id = 'acme'",
    );
    expect(rows[0].n).toBe(0);
  });

  it('still serves another company', async () => {
    for (let i = 1; i <= 5; i++) {
      const res = await request(server).get('/api/webhooks').set(auth('globex'));
      expect({ request: i, status: res.status }).toEqual({ request: i, status: 200 });
    }
    expect((await request(server).get('/api/webhooks').set(auth('globex'))).status).toBe(429);
    expect((await request(server).get('/api/webhooks').set(auth('initech'))).status).toBe(200);
  });

  it('never limits /health', async () => {
    // acme is over its limit by now; /health answers regardless, many times.
    expect((await request(server).get('/api/webhooks').set(auth('acme'))).status).toBe(429);
    for (let i = 1; i <= 20; i++) {
      const res = await request(server).get('/health').set(auth('acme'));
      expect({ request: i, status: res.status }).toEqual({ request: i, status: 200 });
    }
    for (let i = 1; i <= 10; i++) {
      const res = await request(server).get('/health');
      expect({ request: i, status: res.status }).toEqual({ request: i, status: 200 });
    }
  });

  it('counts requests without a token per client address, apart from the companies', async () => {
    for (let i = 1; i <= 5; i++) {
      const res = await request(server).get('/api/webhooks');
      expect({ request: i, status: res.status }).toEqual({ request: i, status: 401 });
    }
    const limited = await request(server).get('/api/webhooks');
    expect(limited.status).toBe(429);
    // An authenticated company calling from that same address is counted on its own.
    expect((await request(server).get('/api/webhooks').set(auth('hooli'))).status).toBe(200);
  });
});

describe('API rate limit turned off (API_RATE_LIMIT=0)', () => {
  let t: TestApp;
  let server: App;

  beforeAll(async () => {
    t = await createTestApp({ API_RATE_LIMIT: '0' });
    server = t.app.getHttpServer() as App;
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves 30 requests of one company in a row', async () => {
    const header = { Authorization: `Bearer ${t.token('acme', [MANAGE])}` };
    for (let i = 1; i <= 30; i++) {
      const res = await request(server).get('/api/webhooks').set(header);
      expect({ request: i, status: res.status }).toEqual({ request: i, status: 200 });
      expect(res.headers['retry-after']).toBeUndefined();
    }
  });
});
