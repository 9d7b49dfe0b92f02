import request from 'supertest';
import type { App } from 'supertest/types';
import { randomBytes } from 'node:crypto';
import { MANAGE, UUID } from '../support/constants';
import { createTestApp, type TestApp } from '../support/test-app';
import { sleep } from '../support/time';

const SECRET_FORMAT = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

interface Subscription {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  isActive: boolean;
  format: string;
  signatureAlgorithm: string;
  headers: Record<string, string>;
  maxRetryCount: number;
  retryDelayMs: number;
  retryBackoffMultiplier: number;
  requestTimeoutMs: number;
  createdAt: string;
  updatedAt: string;
}
interface CreatedSubscription extends Subscription {
  secret: string;
}
interface Page {
  items: Subscription[];
  nextCursor: string | null;
}
interface ErrorBody {
  statusCode: number;
  message: string[] | string;
}

function messageOf(body: unknown): string {
  const message = (body as ErrorBody).message;
  return Array.isArray(message) ? message.join(' | ') : String(message);
}

/** A copy of `value` without the given keys. */
function omit<T extends object>(value: T, ...keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));
}

/** Whether `items` are newest first: createdAt descending, ties broken by id descending. */
function isNewestFirst(items: Subscription[]): boolean {
  for (let i = 1; i < items.length; i++) {
    const previous = items[i - 1];
    const current = items[i];
    const a = Date.parse(previous.createdAt);
    const b = Date.parse(current.createdAt);
    if (a < b) return false;
    if (a === b && previous.id < current.id) return false;
  }
  return true;
}

describe('subscriptions API (/api/webhooks)', () => {
  let t: TestApp;
  let server: App;
  let companyCounter = 0;

  /** A fresh company per test, so lists only hold what the test created. */
  const newCompany = () => `company-${++companyCounter}-${randomBytes(3).toString('hex')}`;
  const auth = (companyId: string) => ({
    Authorization: `Bearer ${t.token(companyId, [MANAGE])}`,
  });

  const create = async (
    companyId: string,
    body: Record<string, unknown> = {},
  ): Promise<CreatedSubscription> => {
    const res = await request(server)
      .post('/api/webhooks')
      .set(auth(companyId))
      .send({ url: 'https://hooks.example.com/hr', events: ['candidate.created'], ...body })
      .expect(201);
    return res.body as CreatedSubscription;
  };

  const list = async (companyId: string, query: Record<string, string | number> = {}) => {
    const res = await request(server)
      .get('/api/webhooks')
      .query(query)
      .set(auth(companyId))
      .expect(200);
    return res.body as Page;
  };

  const storedSecretColumn = async (id: string): Promise<string> => {
    const rows: { secret_encrypted: string }[] = await t.dataSource.query(
      'SELECT secret_encrypted FROM webhook_subscriptions WHERE id = $1',
      [id],
    );
    return rows[0].secret_encrypted;
  };

  beforeAll(async () => {
    t = await createTestApp();
    server = t.app.getHttpServer() as App;
  });
  afterAll(async () => {
    await t.close();
  });

  describe('POST /api/webhooks', () => {
    it('creates a subscription with the contract defaults and a generated 32-byte secret', async () => {
      const company = newCompany();
      const before = Date.now();
      const res = await request(server)
        .post('/api/webhooks')
        .set(auth(company))
        .send({ url: 'https://hooks.example.com/hr', events: ['candidate.created'] })
        .expect(201);
      const body = res.body as CreatedSubscription;

      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(body).toEqual(
        expect.objectContaining({
          id: expect.stringMatching(UUID),
          url: 'https://hooks.example.com/hr',
          events: ['candidate.created'],
          description: null,
          isActive: true,
          format: 'json',
          signatureAlgorithm: 'HmacSha256',
          headers: {},
          maxRetryCount: 10,
          retryDelayMs: 5000,
          retryBackoffMultiplier: 3,
          requestTimeoutMs: 10000,
          secret: expect.stringMatching(SECRET_FORMAT),
        }),
      );
      expect(Buffer.from(body.secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
      const createdAt = Date.parse(body.createdAt);
      const updatedAt = Date.parse(body.updatedAt);
      expect(createdAt).toBeGreaterThanOrEqual(before - 1000);
      expect(createdAt).toBeLessThanOrEqual(Date.now() + 1000);
      expect(updatedAt).toBeGreaterThanOrEqual(createdAt);
    });

    it('generates a different secret for every subscription', async () => {
      const company = newCompany();
      const a = await create(company);
      const b = await create(company);
      expect(a.secret).not.toBe(b.secret);
      expect(a.id).not.toBe(b.id);
    });

    it('echoes every field it was given, and keeps a supplied secret', async () => {
      const company = newCompany();
      const secret = `whsec_${randomBytes(32).toString('base64')}`;
      const input = {
        url: 'https://payroll.example.org/webhooks/in?tenant=acme',
        events: ['candidate.*', 'contract.signed'],
        description: 'Payroll sync',
        isActive: false,
        secret,
        format: 'cloudevents+json',
        signatureAlgorithm: 'HmacSha512',
        headers: { 'X-Partner-Id': 'acme-payroll', Authorization: 'Bearer partner-token' },
        maxRetryCount: 3,
        retryDelayMs: 1000,
        retryBackoffMultiplier: 2.5,
        requestTimeoutMs: 2500,
      };
      const res = await request(server)
        .post('/api/webhooks')
        .set(auth(company))
        .send(input)
        .expect(201);
      expect(res.body).toEqual(
        expect.objectContaining({ ...input, id: expect.stringMatching(UUID) }),
      );

      const id = (res.body as CreatedSubscription).id;
      const fetched = await request(server)
        .get(`/api/webhooks/${id}`)
        .set(auth(company))
        .expect(200);
      expect(fetched.body).toEqual(expect.objectContaining(omit(input, 'secret')));

      const stored = await request(server)
        .get(`/api/webhooks/${id}/secret`)
        .set(auth(company))
        .expect(200);
      expect(stored.body).toEqual({ secret });
    });

    it.each([
      ['cloudevents+json', 'HmacSha256'],
      ['xml', 'HmacSha384'],
      ['cloudevents+xml', 'HmacSha1'],
      ['json', 'HmacSha512'],
    ])('accepts format %s with signatureAlgorithm %s', async (format, signatureAlgorithm) => {
      const created = await create(newCompany(), { format, signatureAlgorithm });
      expect(created.format).toBe(format);
      expect(created.signatureAlgorithm).toBe(signatureAlgorithm);
    });

    it('accepts the `*` wildcard and secrets of 24 and 64 bytes', async () => {
      const company = newCompany();
      const all = await create(company, { events: ['*'] });
      expect(all.events).toEqual(['*']);
      const short = `whsec_${randomBytes(24).toString('base64')}`;
      const long = `whsec_${randomBytes(64).toString('base64')}`;
      expect((await create(company, { secret: short })).secret).toBe(short);
      expect((await create(company, { secret: long })).secret).toBe(long);
    });
  });

  describe('GET /api/webhooks', () => {
    it('lists the company subscriptions newest first', async () => {
      const company = newCompany();
      const first = await create(company, { description: 'first' });
      await sleep(5);
      const second = await create(company, { description: 'second' });
      await sleep(5);
      const third = await create(company, { description: 'third' });

      const page = await list(company);
      expect(page.items.map((s) => s.id)).toEqual([third.id, second.id, first.id]);
      expect(page.items.map((s) => s.description)).toEqual(['third', 'second', 'first']);
      expect(page.nextCursor).toBeNull();
      expect(page.items[0]).toEqual(
        expect.objectContaining({
          id: third.id,
          url: third.url,
          events: third.events,
          format: 'json',
          signatureAlgorithm: 'HmacSha256',
          isActive: true,
        }),
      );
    });

    it('answers an empty page for a company without subscriptions', async () => {
      expect(await list(newCompany())).toEqual({ items: [], nextCursor: null });
    });

    describe('with 25 subscriptions', () => {
      const company = `paging-${randomBytes(3).toString('hex')}`;
      const created: string[] = [];

      beforeAll(async () => {
        for (let i = 0; i < 25; i++) {
          created.push((await create(company, { description: `sub ${i}` })).id);
        }
      });

      it('pages through them with limit 10: 10, 10, 5, no duplicates, then nextCursor null', async () => {
        const pages: Page[] = [];
        let cursor: string | null = null;
        do {
          const query: Record<string, string | number> = { limit: 10 };
          if (cursor) query.cursor = cursor;
          const page = await list(company, query);
          pages.push(page);
          cursor = page.nextCursor;
        } while (cursor && pages.length < 10);

        expect(pages.map((p) => p.items.length)).toEqual([10, 10, 5]);
        expect(pages[0].nextCursor).toEqual(expect.any(String));
        expect(pages[1].nextCursor).toEqual(expect.any(String));
        expect(pages[2].nextCursor).toBeNull();

        const ids = pages.flatMap((p) => p.items.map((s) => s.id));
        expect(new Set(ids).size).toBe(25);
        expect([...ids].sort()).toEqual([...created].sort());
        expect(isNewestFirst(pages.flatMap((p) => p.items))).toBe(true);
        // The newest subscription opens the first page and the oldest closes the last one.
        expect(ids[0]).toBe(created[24]);
        expect(ids[24]).toBe(created[0]);
      });

      it('uses a default limit of 20', async () => {
        const page = await list(company);
        expect(page.items).toHaveLength(20);
        expect(page.nextCursor).toEqual(expect.any(String));
        const rest = await list(company, { cursor: page.nextCursor! });
        expect(rest.items).toHaveLength(5);
        expect(rest.nextCursor).toBeNull();
      });

      it('accepts limit 1 and limit 100', async () => {
        const one = await list(company, { limit: 1 });
        expect(one.items).toHaveLength(1);
        expect(one.items[0].id).toBe(created[24]);
        const hundred = await list(company, { limit: 100 });
        expect(hundred.items).toHaveLength(25);
        expect(hundred.nextCursor).toBeNull();
      });

      it.each(['0', '101', 'abc', '-1', '2.5'])('refuses limit=%s with 400', async (limit) => {
        const res = await request(server)
          .get('/api/webhooks')
          .query({ limit })
          .set(auth(company))
          .expect(400);
        expect(messageOf(res.body)).toContain('limit');
      });

      it('refuses a forged cursor with 400', async () => {
        const forged = `${Buffer.from(
          JSON.stringify([new Date().toISOString(), created[3]]),
        ).toString('base64url')}.${randomBytes(32).toString('base64url')}`;
        for (const cursor of [forged, 'abc', 'not-a-cursor.at-all', '..']) {
          const res = await request(server)
            .get('/api/webhooks')
            .query({ cursor })
            .set(auth(company));
          expect({ cursor, status: res.status }).toEqual({ cursor, status: 400 });
          expect(messageOf(res.body)).toContain('cursor');
        }
      });

      it('refuses a tampered cursor with 400', async () => {
        const page = await list(company, { limit: 10 });
        const cursor = page.nextCursor!;
        const [payload, mac] = cursor.split('.');
        const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as [
          string,
          string,
        ];
        // Move the position one day back, keeping the original MAC.
        const moved = Buffer.from(
          JSON.stringify([new Date(Date.parse(decoded[0]) - 86_400_000).toISOString(), decoded[1]]),
        ).toString('base64url');
        // Point it at another subscription, keeping the original MAC.
        const otherId = Buffer.from(
          JSON.stringify([decoded[0], created.find((id) => id !== decoded[1])]),
        ).toString('base64url');
        const flippedMac = `${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`;
        for (const tampered of [
          `${moved}.${mac}`,
          `${otherId}.${mac}`,
          `${payload}.${flippedMac}`,
          `${payload}.${mac}${mac}`,
        ]) {
          const res = await request(server)
            .get('/api/webhooks')
            .query({ cursor: tampered })
            .set(auth(company));
          expect({ tampered, status: res.status }).toEqual({ tampered, status: 400 });
          expect(messageOf(res.body)).toContain('cursor');
        }
        // The untouched cursor still works.
        expect((await list(company, { limit: 10, cursor })).items).toHaveLength(10);
      });
    });
  });

  describe('GET /api/webhooks/:id', () => {
    it('answers the subscription without its secret', async () => {
      const company = newCompany();
      const created = await create(company, { description: 'one' });
      const res = await request(server)
        .get(`/api/webhooks/${created.id}`)
        .set(auth(company))
        .expect(200);
      expect(res.body).toEqual(expect.objectContaining(omit(created, 'secret')));
      expect(res.body).not.toHaveProperty('secret');
    });

    it('answers 404 for an id that does not exist', async () => {
      await request(server)
        .get('/api/webhooks/6f1c8d4e-2b1a-4c3d-9e8f-0a1b2c3d4e5f')
        .set(auth(newCompany()))
        .expect(404);
    });
  });

  describe('PATCH /api/webhooks/:id', () => {
    it('changes the given fields, keeps the others and moves updatedAt', async () => {
      const company = newCompany();
      const created = await create(company, {
        description: 'before',
        headers: { 'X-Partner-Id': 'a' },
      });
      await sleep(20);
      const changes = {
        url: 'https://ats.example.com/v2/hooks',
        events: ['contract.signed', 'employee.terminated'],
        description: 'after',
        isActive: false,
        format: 'xml',
        signatureAlgorithm: 'HmacSha384',
        headers: { 'X-Partner-Id': 'b', 'X-Env': 'prod' },
        maxRetryCount: 0,
        retryDelayMs: 250,
        retryBackoffMultiplier: 1,
        requestTimeoutMs: 30000,
      };
      const res = await request(server)
        .patch(`/api/webhooks/${created.id}`)
        .set(auth(company))
        .send(changes)
        .expect(200);
      const updated = res.body as Subscription;
      expect(updated).toEqual(
        expect.objectContaining({ ...changes, id: created.id, createdAt: created.createdAt }),
      );
      expect(updated).not.toHaveProperty('secret');
      expect(Date.parse(updated.updatedAt)).toBeGreaterThan(Date.parse(created.updatedAt));

      const fetched = await request(server)
        .get(`/api/webhooks/${created.id}`)
        .set(auth(company))
        .expect(200);
      expect(fetched.body).toEqual(updated);
    });

    it('changes only what is sent', async () => {
      const company = newCompany();
      const created = await create(company, { description: 'keep me', maxRetryCount: 4 });
      const res = await request(server)
        .patch(`/api/webhooks/${created.id}`)
        .set(auth(company))
        .send({ isActive: false })
        .expect(200);
      expect(res.body).toEqual(
        expect.objectContaining({ ...omit(created, 'secret', 'updatedAt'), isActive: false }),
      );
    });

    it('refuses `secret` with 400 and changes nothing', async () => {
      const company = newCompany();
      const created = await create(company, { description: 'original' });
      const before = await request(server)
        .get(`/api/webhooks/${created.id}`)
        .set(auth(company))
        .expect(200);

      const res = await request(server)
        .patch(`/api/webhooks/${created.id}`)
        .set(auth(company))
        .send({ description: 'changed', secret: `whsec_${randomBytes(32).toString('base64')}` })
        .expect(400);
      expect(messageOf(res.body)).toContain('secret');

      const after = await request(server)
        .get(`/api/webhooks/${created.id}`)
        .set(auth(company))
        .expect(200);
      expect(after.body).toEqual(before.body);
      const secret = await request(server)
        .get(`/api/webhooks/${created.id}/secret`)
        .set(auth(company))
        .expect(200);
      expect(secret.body).toEqual({ secret: created.secret });
    });
  });

  describe('DELETE /api/webhooks/:id', () => {
    it('answers 204, then the subscription is gone from GET and from the list', async () => {
      const company = newCompany();
      const kept = await create(company, { description: 'kept' });
      const removed = await create(company, { description: 'removed' });

      const res = await request(server)
        .delete(`/api/webhooks/${removed.id}`)
        .set(auth(company))
        .expect(204);
      expect(res.text).toBe('');

      await request(server).get(`/api/webhooks/${removed.id}`).set(auth(company)).expect(404);
      await request(server)
        .get(`/api/webhooks/${removed.id}/secret`)
        .set(auth(company))
        .expect(404);
      await request(server)
        .patch(`/api/webhooks/${removed.id}`)
        .set(auth(company))
        .send({ description: 'x' })
        .expect(404);
      await request(server).delete(`/api/webhooks/${removed.id}`).set(auth(company)).expect(404);

      const page = await list(company);
      expect(page.items.map((s) => s.id)).toEqual([kept.id]);
    });
  });

  describe('signing secret', () => {
    it('GET /api/webhooks/:id/secret answers the secret given at creation', async () => {
      const company = newCompany();
      const created = await create(company);
      const res = await request(server)
        .get(`/api/webhooks/${created.id}/secret`)
        .set(auth(company))
        .expect(200);
      expect(res.body).toEqual({ secret: created.secret });
    });

    it('rotation answers a new secret, keeps the old one for 24 h and serves the new one', async () => {
      const company = newCompany();
      const created = await create(company);
      const oldCiphertext = await storedSecretColumn(created.id);

      const rotatedAt = Date.now();
      const res = await request(server)
        .post(`/api/webhooks/${created.id}/secret/rotate`)
        .set(auth(company))
        .expect(200);
      const { secret } = res.body as { secret: string };
      expect(Object.keys(res.body as object)).toEqual(['secret']);
      expect(secret).toMatch(SECRET_FORMAT);
      expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
      expect(secret).not.toBe(created.secret);

      const rows: {
        secret_encrypted: string;
        previous_secret_encrypted: string | null;
        previous_secret_expires_at: Date | null;
      }[] = await t.dataSource.query(
        `SELECT secret_encrypted, previous_secret_encrypted, previous_secret_expires_at
           FROM webhook_subscriptions WHERE id = $1`,
        [created.id],
      );
      const row = rows[0];
      expect(row.previous_secret_encrypted).toEqual(expect.any(String));
      expect(row.previous_secret_encrypted).toBe(oldCiphertext);
      expect(row.previous_secret_encrypted).not.toContain(created.secret.slice('whsec_'.length));
      expect(row.secret_encrypted).not.toBe(oldCiphertext);
      expect(row.secret_encrypted).not.toContain(secret.slice('whsec_'.length));
      expect(row.previous_secret_expires_at).toBeInstanceOf(Date);
      const expiresIn = row.previous_secret_expires_at!.getTime() - rotatedAt;
      expect(Math.abs(expiresIn - 24 * 60 * 60 * 1000)).toBeLessThanOrEqual(60_000);

      const current = await request(server)
        .get(`/api/webhooks/${created.id}/secret`)
        .set(auth(company))
        .expect(200);
      expect(current.body).toEqual({ secret });
    });

    it('never shows the secret outside creation, GET .../secret and rotation', async () => {
      const company = newCompany();
      const created = await create(company, {
        secret: `whsec_${randomBytes(32).toString('base64')}`,
      });
      const rotated = (
        await request(server)
          .post(`/api/webhooks/${created.id}/secret/rotate`)
          .set(auth(company))
          .expect(200)
      ).body as { secret: string };
      const secrets = [created.secret, rotated.secret];

      const listed = await request(server).get('/api/webhooks').set(auth(company)).expect(200);
      const fetched = await request(server)
        .get(`/api/webhooks/${created.id}`)
        .set(auth(company))
        .expect(200);
      const patched = await request(server)
        .patch(`/api/webhooks/${created.id}`)
        .set(auth(company))
        .send({ description: 'patched' })
        .expect(200);
      for (const body of [listed.body, fetched.body, patched.body]) {
        const text = JSON.stringify(body);
        for (const secret of secrets) {
          expect(text).not.toContain(secret);
          expect(text).not.toContain(secret.slice('whsec_'.length));
        }
        expect(text).not.toMatch(/"secret"\s*:/i);
        expect(text).not.toContain('whsec_');
      }
      expect((listed.body as Page).items.map((s) => s.id)).toEqual([created.id]);
    });

    it('stores ciphertext, not the secret, in the database', async () => {
      const company = newCompany();
      const created = await create(company);
      const column = await storedSecretColumn(created.id);
      expect(column).toEqual(expect.any(String));
      expect(column).not.toBe(created.secret);
      expect(column).not.toContain(created.secret);
      expect(column).not.toContain(created.secret.slice('whsec_'.length));
      expect(column).not.toContain('whsec_');

      // No column of the row holds the secret in clear.
      const rows: Record<string, unknown>[] = await t.dataSource.query(
        'SELECT * FROM webhook_subscriptions WHERE id = $1',
        [created.id],
      );
      expect(JSON.stringify(rows[0])).not.toContain(created.secret.slice('whsec_'.length));

      // Two subscriptions with the same supplied secret store different ciphertexts.
      const secret = `whsec_${randomBytes(32).toString('base64')}`;
      const a = await create(company, { secret });
      const b = await create(company, { secret });
      expect(await storedSecretColumn(a.id)).not.toBe(await storedSecretColumn(b.id));
    });
  });
});
