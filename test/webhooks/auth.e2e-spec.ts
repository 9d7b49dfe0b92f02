import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import type { App } from 'supertest/types';
import { HR, MANAGE, PUBLISH, READ } from '../support/constants';
import { createTestApp, type TestApp } from '../support/test-app';

const MISSING_ID = '6f1c8d4e-2b1a-4c3d-9e8f-0a1b2c3d4e5f';

type Method = 'get' | 'post' | 'patch' | 'delete';

interface Route {
  method: Method;
  /** Path with `:id` standing for a subscription id. */
  path: string;
  /** A valid body for the route, sent so that only authentication can refuse it. */
  body?: Record<string, unknown>;
}

interface Subscription {
  id: string;
  description: string | null;
  isActive: boolean;
  secret: string;
}

const VALID_SUBSCRIPTION = { url: 'https://hooks.example.com/hr', events: ['candidate.created'] };

const ROUTES: Route[] = [
  { method: 'post', path: '/api/webhooks', body: VALID_SUBSCRIPTION },
  { method: 'get', path: '/api/webhooks' },
  { method: 'get', path: '/api/webhooks/:id' },
  { method: 'patch', path: '/api/webhooks/:id', body: { description: 'changed' } },
  { method: 'delete', path: '/api/webhooks/:id' },
  { method: 'get', path: '/api/webhooks/:id/secret' },
  { method: 'post', path: '/api/webhooks/:id/secret/rotate' },
  { method: 'post', path: '/api/webhooks/:id/test' },
  { method: 'get', path: '/api/webhooks/:id/logs' },
  {
    method: 'post',
    path: '/api/webhooks/:id/recover',
    body: { since: new Date(Date.now() - 3_600_000).toISOString() },
  },
  { method: 'get', path: '/api/webhooks/:id/stats' },
  { method: 'get', path: '/api/deliveries/stats' },
  { method: 'post', path: '/api/portal/sessions', body: { readOnly: true } },
  { method: 'get', path: '/api/event-types' },
];

/** Routes that address one subscription. */
const ID_ROUTES = ROUTES.filter((r) => r.path.includes(':id'));

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function claims(companyId = 'acme'): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { sub: 'test-user', companyId, permissions: [MANAGE], iat: now, exp: now + 3600 };
}

describe('authentication and the management policy', () => {
  let t: TestApp;
  let server: App;
  let acmeSubscription: Subscription;

  const call = (route: Route, id: string, authorization?: string) => {
    const path = route.path.replace(':id', id);
    let req = request(server)[route.method](path);
    if (authorization !== undefined) req = req.set('Authorization', authorization);
    if (route.body) req = req.send(route.body);
    return req;
  };

  const bearer = (companyId: string, permissions: string[] = [MANAGE]) =>
    `Bearer ${t.token(companyId, permissions)}`;

  beforeAll(async () => {
    t = await createTestApp();
    server = t.app.getHttpServer() as App;
    acmeSubscription = (
      await request(server)
        .post('/api/webhooks')
        .set('Authorization', bearer('acme'))
        .send({ ...VALID_SUBSCRIPTION, description: 'acme original' })
        .expect(201)
    ).body as Subscription;
  });
  afterAll(async () => {
    await t.close();
  });

  /** Refused tokens: each must answer 401 on every route. */
  const UNAUTHENTICATED: [string, () => string | undefined][] = [
    ['no Authorization header', () => undefined],
    ['an empty Authorization header', () => ''],
    ['a Basic scheme', () => `Basic ${Buffer.from('acme:password').toString('base64')}`],
    ['"Bearer" without a token', () => 'Bearer'],
    ['a token without the Bearer scheme', () => t.token('acme', [MANAGE])],
    ['a token that is not a JWT', () => 'Bearer not-a-jwt'],
    ['a garbled JWT', () => `Bearer ${t.token('acme', [MANAGE]).slice(0, -6)}xxxxxx`],
    [
      'a token signed with another secret',
      () =>
        `Bearer ${t.token('acme', [MANAGE], { secret: 'an-entirely-different-signing-key-0123456789' })}`,
    ],
    ['an expired token', () => `Bearer ${t.token('acme', [MANAGE], { expiresIn: -10 })}`],
    [
      'an unsigned token (alg none)',
      () => `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims())}.`,
    ],
    [
      'an HS512 token signed with the right key',
      () =>
        `Bearer ${new JwtService({ secret: t.config.jwtSecret }).sign(claims(), {
          algorithm: 'HS512',
        })}`,
    ],
    [
      'an HS384 token signed with the right key',
      () =>
        `Bearer ${new JwtService({ secret: t.config.jwtSecret }).sign(claims(), {
          algorithm: 'HS384',
        })}`,
    ],
    [
      'a token whose payload was altered (other company, same signature)',
      () => {
        const [header, , signature] = t.token('acme', [MANAGE]).split('.');
        return `Bearer ${header}.${base64url(claims('globex'))}.${signature}`;
      },
    ],
    [
      'a token without companyId',
      () => {
        const rest = claims();
        delete rest.companyId;
        return `Bearer ${new JwtService({ secret: t.config.jwtSecret }).sign(rest)}`;
      },
    ],
    [
      'a token whose companyId holds a NUL byte',
      () =>
        `Bearer ${new JwtService({ secret: t.config.jwtSecret }).sign({ ...claims(), companyId: 'acme\u0000' })}`,
    ],
    [
      'a token whose companyId is longer than 128 characters',
      () =>
        `Bearer ${new JwtService({ secret: t.config.jwtSecret }).sign({ ...claims(), companyId: 'a'.repeat(129) })}`,
    ],
    [
      'a token whose companyId holds a lone surrogate',
      () =>
        `Bearer ${new JwtService({ secret: t.config.jwtSecret }).sign({ ...claims(), companyId: 'acme\ud800' })}`,
    ],
    [
      'a token whose sub holds a control character',
      () =>
        `Bearer ${new JwtService({ secret: t.config.jwtSecret }).sign({ ...claims(), sub: 'user\n2' })}`,
    ],
    [
      'a token whose permissions is not an array',
      () =>
        `Bearer ${new JwtService({ secret: t.config.jwtSecret }).sign({ ...claims(), permissions: MANAGE })}`,
    ],
  ];

  describe.each(ROUTES)('$method $path', (route) => {
    it.each(UNAUTHENTICATED)('answers 401 for %s', async (_label, header) => {
      const res = await call(route, acmeSubscription.id, header());
      expect(res.status).toBe(401);
      expect(res.body).toEqual(expect.objectContaining({ statusCode: 401 }));
    });

    it.each([
      ['no permissions', []],
      ['only hr.manage and system.events.publish', [HR, PUBLISH]],
      [
        'look-alike permissions',
        ['system.webhooks', 'system.webhooks.manager', 'SYSTEM.WEBHOOKS.MANAGE', 'webhooks.read'],
      ],
    ])('answers 403 to a valid token with %s', async (_label, permissions) => {
      const res = await call(route, acmeSubscription.id, bearer('acme', permissions));
      expect(res.status).toBe(403);
      expect(res.body).toEqual(expect.objectContaining({ statusCode: 403 }));
    });
  });

  it('accepts a valid token on every route that needs no outbound call', async () => {
    const header = bearer('acme');
    await request(server).get('/api/event-types').set('Authorization', header).expect(200);
    await request(server).get('/api/webhooks').set('Authorization', header).expect(200);
    await request(server)
      .get(`/api/webhooks/${acmeSubscription.id}`)
      .set('Authorization', header)
      .expect(200);
    await request(server)
      .get(`/api/webhooks/${acmeSubscription.id}/secret`)
      .set('Authorization', header)
      .expect(200);
    await request(server)
      .get(`/api/webhooks/${acmeSubscription.id}/logs`)
      .set('Authorization', header)
      .expect(200);
    // The scheme name is case-insensitive.
    await request(server)
      .get('/api/webhooks')
      .set('Authorization', `bearer ${t.token('acme', [MANAGE])}`)
      .expect(200);
  });

  describe('the read-only permission system.webhooks.read', () => {
    /** Every route the read-only permission does not open, with a valid body. */
    const WRITES: Route[] = [
      ...ROUTES.filter((r) => r.method !== 'get' || r.path.endsWith('/secret')),
      { method: 'post', path: '/api/deliveries/:id/retry' },
      { method: 'post', path: '/api/events', body: { type: 'webhook.ping', data: {} } },
    ];
    const READS = ROUTES.filter((r) => r.method === 'get' && !r.path.endsWith('/secret'));

    it.each(READS)('opens $method $path', async (route) => {
      const res = await call(route, acmeSubscription.id, bearer('acme', [READ]));
      expect(res.status).toBe(200);
    });

    it('opens GET /api/deliveries/{id}, and the reads still answer 404 for unknown ids', async () => {
      const res = await request(server)
        .get(`/api/deliveries/${MISSING_ID}`)
        .set('Authorization', bearer('acme', [READ]));
      expect(res.status).toBe(404);
      const other = await call(
        { method: 'get', path: '/api/webhooks/:id' },
        acmeSubscription.id,
        bearer('globex', [READ]),
      );
      expect(other.status).toBe(404);
    });

    it.each(WRITES)(
      'answers 403 to $method $path, before looking up the id or reading the body',
      async (route) => {
        for (const id of [acmeSubscription.id, MISSING_ID, 'not-a-uuid']) {
          const res = await call(route, id, bearer('acme', [READ]));
          expect(res.status).toBe(403);
          expect(res.body).toEqual(
            expect.objectContaining({
              statusCode: 403,
              message: [expect.stringContaining('This route needs the permission')],
            }),
          );
        }
        if (route.method !== 'get' && route.method !== 'delete') {
          const bad = await request(server)
            [route.method](route.path.replace(':id', acmeSubscription.id))
            .set('Authorization', bearer('acme', [READ]))
            .send({ unknownField: true });
          expect(bad.status).toBe(403);
        }
      },
    );

    it('changes nothing: the subscription and its secret stay as they were', async () => {
      const rows = await t.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM webhook_subscriptions
         WHERE id = $1 AND description = 'acme original' AND is_active AND deleted_at IS NULL
           AND previous_secret_encrypted IS NULL`,
        [acmeSubscription.id],
      );
      expect(rows).toEqual([{ n: 1 }]);
    });
  });

  it('refused requests store nothing', async () => {
    const count = async () => {
      const rows: { n: number }[] = await t.dataSource.query(
        'SELECT count(*)::int AS n FROM webhook_subscriptions',
      );
      return rows[0].n;
    };
    const before = await count();
    await request(server).post('/api/webhooks').send(VALID_SUBSCRIPTION).expect(401);
    await request(server)
      .post('/api/webhooks')
      .set('Authorization', `Bearer ${t.token('acme', [MANAGE], { expiresIn: -10 })}`)
      .send(VALID_SUBSCRIPTION)
      .expect(401);
    await request(server)
      .post('/api/webhooks')
      .set('Authorization', bearer('acme', [HR]))
      .send(VALID_SUBSCRIPTION)
      .expect(403);
    expect(await count()).toBe(before);
  });

  describe("another company's subscription", () => {
    it.each(ID_ROUTES)('$method $path answers 404', async (route) => {
      const res = await call(route, acmeSubscription.id, bearer('globex'));
      expect(res.status).toBe(404);
      expect(res.body).toEqual(expect.objectContaining({ statusCode: 404 }));
      expect(JSON.stringify(res.body)).not.toContain(acmeSubscription.secret);
    });

    it('is absent from the other company list', async () => {
      const res = await request(server)
        .get('/api/webhooks')
        .set('Authorization', bearer('globex'))
        .expect(200);
      expect(res.body).toEqual({ items: [], nextCursor: null });
    });

    it('is left untouched by the refused PATCH, DELETE and rotation', async () => {
      const header = bearer('acme');
      const fetched = await request(server)
        .get(`/api/webhooks/${acmeSubscription.id}`)
        .set('Authorization', header)
        .expect(200);
      expect(fetched.body).toEqual(
        expect.objectContaining({
          id: acmeSubscription.id,
          description: 'acme original',
          isActive: true,
        }),
      );
      const secret = await request(server)
        .get(`/api/webhooks/${acmeSubscription.id}/secret`)
        .set('Authorization', header)
        .expect(200);
      expect(secret.body).toEqual({ secret: acmeSubscription.secret });
      const rows: { previous_secret_encrypted: string | null; deleted_at: Date | null }[] =
        await t.dataSource.query(
          'SELECT previous_secret_encrypted, deleted_at FROM webhook_subscriptions WHERE id = $1',
          [acmeSubscription.id],
        );
      expect(rows).toEqual([{ previous_secret_encrypted: null, deleted_at: null }]);
      const list = await request(server)
        .get('/api/webhooks')
        .set('Authorization', header)
        .expect(200);
      expect((list.body as { items: { id: string }[] }).items.map((s) => s.id)).toContain(
        acmeSubscription.id,
      );
    });

    it("each company's list holds only its own subscriptions", async () => {
      const globex = (
        await request(server)
          .post('/api/webhooks')
          .set('Authorization', bearer('globex'))
          .send(VALID_SUBSCRIPTION)
          .expect(201)
      ).body as Subscription;
      const acmeList = await request(server)
        .get('/api/webhooks')
        .set('Authorization', bearer('acme'))
        .expect(200);
      const globexList = await request(server)
        .get('/api/webhooks')
        .set('Authorization', bearer('globex'))
        .expect(200);
      const ids = (body: unknown) => (body as { items: { id: string }[] }).items.map((s) => s.id);
      expect(ids(acmeList.body)).not.toContain(globex.id);
      expect(ids(globexList.body)).toEqual([globex.id]);
      await request(server)
        .get(`/api/webhooks/${globex.id}`)
        .set('Authorization', bearer('acme'))
        .expect(404);
    });
  });

  describe('ids that are not subscriptions', () => {
    it.each(
      ID_ROUTES.flatMap((route) =>
        ['not-a-uuid', '123', MISSING_ID].map((id) => ({ ...route, id })),
      ),
    )('$method $path with id $id answers 404', async (route) => {
      const res = await call(route, route.id, bearer('acme'));
      expect(res.status).toBe(404);
      expect(res.body).toEqual(expect.objectContaining({ statusCode: 404 }));
    });
  });
});
