import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import type { App } from 'supertest/types';
import { TokenSigner } from '../../src/auth/token-signer';
import { HR, ISO_DATE_TIME, MANAGE, PUBLISH } from '../support/constants';
import { sleep } from '../support/time';
import { createTestApp, type TestApp } from '../support/test-app';

// POST /api/portal/sessions (CONTRACT.md, "Operator console and tenant portal"): a console link
// and a short-lived token for the caller's company only, carrying the webhook permission alone.

const PUBLIC_URL = 'https://hr.example.com';
const VALID_SUBSCRIPTION = { url: 'https://hooks.example.com/hr', events: ['candidate.created'] };

interface PortalSession {
  url: string;
  token: string;
  expiresAt: string;
}

interface Claims {
  sub: string;
  companyId: string;
  permissions: string[];
  exp: number;
}

describe('portal sessions', () => {
  let t: TestApp;
  let server: App;
  let acmeSubscription: string;
  let globexSubscription: string;

  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const as = (company: string, permissions: string[] = [MANAGE]) =>
    bearer(t.token(company, permissions));

  const open = (body: object = {}, auth = as('acme')) =>
    request(server).post('/api/portal/sessions').set(auth).send(body);

  const claimsOf = (token: string) => new JwtService().decode<Claims>(token);

  beforeAll(async () => {
    t = await createTestApp({ PUBLIC_URL: `${PUBLIC_URL}/` });
    server = t.app.getHttpServer() as App;
    const create = async (company: string) =>
      (
        (
          await request(server)
            .post('/api/webhooks')
            .set(as(company))
            .send(VALID_SUBSCRIPTION)
            .expect(201)
        ).body as { id: string }
      ).id;
    acmeSubscription = await create('acme');
    globexSubscription = await create('globex');
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 201 {url, token, expiresAt}: the console link under PUBLIC_URL, for an hour', async () => {
    const before = Date.now();
    const res = await open();
    expect(res.status).toBe(201);
    const session = res.body as PortalSession;
    expect(Object.keys(session).sort()).toEqual(['expiresAt', 'token', 'url']);
    expect(session.url).toBe(`${PUBLIC_URL}/dashboard#token=${session.token}`);
    expect(session.expiresAt).toMatch(ISO_DATE_TIME);
    const expiresAt = Date.parse(session.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 3_600_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000);
    expect(expiresAt % 1000).toBe(0);
  });

  it("carries the caller's company and system.webhooks.manage only, refused from expiresAt on", async () => {
    const session = (await open({}, as('acme', [MANAGE, PUBLISH, HR]))).body as PortalSession;
    const claims = claimsOf(session.token);
    expect(claims).toEqual(
      expect.objectContaining({
        sub: 'portal:test-user',
        companyId: 'acme',
        permissions: [MANAGE],
      }),
    );
    // The verification allows 5 s of clock skew after `exp`: the token is signed that much earlier.
    expect(claims.exp).toBe(Date.parse(session.expiresAt) / 1000 - 5);
  });

  it('readOnly: the token carries system.webhooks.read only', async () => {
    const session = (await open({ readOnly: true }, as('acme', [MANAGE, PUBLISH, HR])))
      .body as PortalSession;
    expect(claimsOf(session.token).permissions).toEqual(['system.webhooks.read']);
  });

  it('a read-only session reads but changes nothing', async () => {
    const { token } = (await open({ readOnly: true })).body as PortalSession;
    await request(server).get('/api/webhooks').set(bearer(token)).expect(200);
    await request(server).get(`/api/webhooks/${acmeSubscription}`).set(bearer(token)).expect(200);
    await request(server)
      .get(`/api/webhooks/${acmeSubscription}/secret`)
      .set(bearer(token))
      .expect(403);
    await request(server)
      .patch(`/api/webhooks/${acmeSubscription}`)
      .set(bearer(token))
      .send({ description: 'changed' })
      .expect(403);
    await request(server)
      .post('/api/webhooks')
      .set(bearer(token))
      .send(VALID_SUBSCRIPTION)
      .expect(403);
  });

  it.each([5, 1440])('takes expiresInMinutes %i', async (minutes) => {
    const before = Date.now();
    const res = await open({ expiresInMinutes: minutes });
    expect(res.status).toBe(201);
    const expiresAt = Date.parse((res.body as PortalSession).expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + minutes * 60_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + minutes * 60_000);
  });

  it("the token works for the caller's company only", async () => {
    const { token } = (await open()).body as PortalSession;
    const list = await request(server).get('/api/webhooks').set(bearer(token)).expect(200);
    const ids = (list.body as { items: { id: string }[] }).items.map((s) => s.id);
    expect(ids).toContain(acmeSubscription);
    expect(ids).not.toContain(globexSubscription);
    await request(server).get(`/api/webhooks/${acmeSubscription}`).set(bearer(token)).expect(200);
    // Another company's ids: 404, as an unknown id, for reads and writes alike.
    await request(server).get(`/api/webhooks/${globexSubscription}`).set(bearer(token)).expect(404);
    await request(server)
      .patch(`/api/webhooks/${globexSubscription}`)
      .set(bearer(token))
      .send({ description: 'taken over' })
      .expect(404);
    await request(server)
      .delete(`/api/webhooks/${globexSubscription}`)
      .set(bearer(token))
      .expect(404);
    const globex = await request(server)
      .get(`/api/webhooks/${globexSubscription}`)
      .set(as('globex'))
      .expect(200);
    expect((globex.body as { description: string | null }).description).toBeNull();
  });

  it('the token never publishes events nor reaches HR routes', async () => {
    const { token } = (await open({}, as('acme', [MANAGE, PUBLISH, HR]))).body as PortalSession;
    const publish = await request(server)
      .post('/api/events')
      .set(bearer(token))
      .send({ type: 'webhook.ping', data: {} });
    expect(publish.status).toBe(403);
    await request(server).get('/api/candidates').set(bearer(token)).expect(403);
    await request(server)
      .post('/api/candidates')
      .set(bearer(token))
      .send({ firstName: 'Léa', lastName: 'Martin', email: 'lea@example.com' })
      .expect(403);
  });

  it("a portal session's token cannot open another session (it would never expire)", async () => {
    const { token } = (await open()).body as PortalSession;
    const res = await open({ expiresInMinutes: 1440 }, bearer(token));
    expect(res.status).toBe(403);
    expect(res.body).toEqual(
      expect.objectContaining({ statusCode: 403, code: 'PORTAL_SESSION_FROM_PORTAL' }),
    );
  });

  it('a token signed until a time is accepted before it and answers 401 from it on', async () => {
    const signer = new TokenSigner(t.config.jwtSecret);
    const expiresAt = new Date((Math.floor(Date.now() / 1000) + 2) * 1000);
    const token = signer.signUntil(
      { sub: 'portal:test-user', companyId: 'acme', permissions: [MANAGE] },
      expiresAt,
    );
    await request(server).get('/api/webhooks').set(bearer(token)).expect(200);
    await sleep(expiresAt.getTime() - Date.now() + 50);
    const res = await request(server).get('/api/webhooks').set(bearer(token));
    expect(res.status).toBe(401);
    expect(res.body).toEqual(expect.objectContaining({ message: ['Token has expired'] }));
  });

  it.each([
    [{ expiresInMinutes: 4 }, 'expiresInMinutes'],
    [{ expiresInMinutes: 1441 }, 'expiresInMinutes'],
    [{ expiresInMinutes: 0 }, 'expiresInMinutes'],
    [{ expiresInMinutes: 30.5 }, 'expiresInMinutes'],
    [{ expiresInMinutes: '60' }, 'expiresInMinutes'],
    [{ expiresInMinutes: null }, 'expiresInMinutes'],
    [{ readOnly: 'yes' }, 'readOnly'],
    [{ readOnly: 1 }, 'readOnly'],
    [{ companyId: 'globex' }, 'companyId'],
    [{ permissions: [PUBLISH] }, 'permissions'],
  ])('answers 400 to %j, naming %s', async (body, field) => {
    const res = await open(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      expect.objectContaining({ statusCode: 400, code: 'INVALID_FIELD', field }),
    );
    expect((res.body as { message: string[] }).message.join(' ')).toContain(field);
  });

  it('answers 400 to a body that is not JSON', async () => {
    const res = await request(server)
      .post('/api/portal/sessions')
      .set(as('acme'))
      .set('Content-Type', 'application/json')
      .send('{"expiresInMinutes":');
    expect(res.status).toBe(400);
  });

  it('needs system.webhooks.manage: 401 without a token, 403 without the permission', async () => {
    await request(server).post('/api/portal/sessions').send({}).expect(401);
    for (const permissions of [[], [HR, PUBLISH], ['system.webhooks.read']]) {
      const res = await open({}, as('acme', permissions));
      expect(res.status).toBe(403);
    }
    // The permission is checked before the body: a bad body without it is still 403.
    expect((await open({ expiresInMinutes: 1 }, as('acme', [HR]))).status).toBe(403);
  });
});

describe('portal sessions on a server without the portal option', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, { webhooks: { portal: undefined } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 501 PORTAL_NOT_CONFIGURED', async () => {
    const res = await request(t.app.getHttpServer() as App)
      .post('/api/portal/sessions')
      .set('Authorization', `Bearer ${t.token('acme', [MANAGE])}`)
      .send({});
    expect(res.status).toBe(501);
    expect(res.body).toEqual({
      statusCode: 501,
      error: 'Not Implemented',
      message: [expect.stringContaining('not configured')],
      code: 'PORTAL_NOT_CONFIGURED',
    });
  });
});
