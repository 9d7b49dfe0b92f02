import request from 'supertest';
import type { Response } from 'supertest';
import { ALL_PERMISSIONS, MANAGE } from '../support/constants';
import { useAppFixture } from '../support/app-fixture';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string[];
  code: string;
  field?: string;
}

/** The one error shape: those keys only, `message` a list of strings, `statusCode` the status. */
function errorOf(res: Response, status: number): ErrorBody {
  expect(res.status).toBe(status);
  const body = res.body as ErrorBody;
  expect(Object.keys(body).sort()).toEqual(
    ['code', 'error', 'message', 'statusCode', ...('field' in body ? ['field'] : [])].sort(),
  );
  expect(body.statusCode).toBe(status);
  expect(typeof body.error).toBe('string');
  expect(typeof body.code).toBe('string');
  expect(body.message.length).toBeGreaterThan(0);
  body.message.forEach((m) => expect(typeof m).toBe('string'));
  return body;
}

// Every refusal, whoever makes it (validation, guards, routing, body parsing, the domain), answers
// `{statusCode, error, message: [...], code}` plus `field` where one applies.
describe('one error shape', () => {
  const f = useAppFixture({ permissions: ALL_PERMISSIONS });
  const company = 'error-shape';

  it('validation: each problem listed, the first field named, code INVALID_FIELD', async () => {
    const res = await request(f.server)
      .post('/api/webhooks')
      .set(f.auth(company))
      .send({ url: 5, events: ['candidate.created'], extra: true });
    const body = errorOf(res, 400);
    expect(body.code).toBe('INVALID_FIELD');
    expect(body.message).toEqual(
      expect.arrayContaining(['property extra should not exist', 'url must be a string']),
    );
    expect(['url', 'extra']).toContain(body.field);
  });

  it('a value of the wrong kind: only the constraint that applies', async () => {
    const res = await request(f.server).get('/api/webhooks?limit=abc').set(f.auth(company));
    const body = errorOf(res, 400);
    expect(body).toMatchObject({ field: 'limit', message: ['limit must be an integer number'] });
    const tooBig = errorOf(
      await request(f.server).get('/api/webhooks?limit=1000').set(f.auth(company)),
      400,
    );
    expect(tooBig.message).toEqual(['limit must not be greater than 100']);
  });

  it('401 without a token and 403 without the permission, with codes', async () => {
    const unauthorized = errorOf(await request(f.server).get('/api/webhooks'), 401);
    expect(unauthorized.code).toBe('UNAUTHORIZED');
    const forbidden = errorOf(
      await request(f.server)
        .post('/api/events')
        .set(f.auth(company, [MANAGE]))
        .send({}),
      403,
    );
    expect(forbidden.code).toBe('FORBIDDEN');
  });

  it('an unknown route and an unknown id: 404 with their codes', async () => {
    const route = errorOf(
      await request(f.server).get('/api/nothing-here').set(f.auth(company)),
      404,
    );
    expect(route.code).toBe('NOT_FOUND');
    const id = errorOf(
      await request(f.server)
        .get('/api/webhooks/6f1c1c7e-2b9d-4f43-9a43-0f8f1b1f3a01')
        .set(f.auth(company)),
      404,
    );
    expect(id.code).toBe('SUBSCRIPTION_NOT_FOUND');
  });

  it('bodies refused before validation: malformed, not JSON, too large', async () => {
    const malformed = errorOf(
      await request(f.server)
        .post('/api/webhooks')
        .set(f.auth(company))
        .set('content-type', 'application/json')
        .send('{"url":'),
      400,
    );
    expect(malformed.code).toBe('INVALID_BODY');
    const text = errorOf(
      await request(f.server)
        .post('/api/webhooks')
        .set(f.auth(company))
        .set('content-type', 'text/plain')
        .send('url=x'),
      400,
    );
    expect(text.code).toBe('INVALID_BODY');
    const large = errorOf(
      await request(f.server)
        .post('/api/events')
        .set(f.auth(company))
        .send({ type: 'contract.signed', data: { pad: 'x'.repeat(300_000) } }),
      413,
    );
    expect(large).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: ['body must be at most 256 KiB'],
    });
  });

  it('is the schema of every documented 4xx and 5xx answer in Swagger', async () => {
    const doc = (await request(f.server).get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: object }> }>>;
      components: { schemas: Record<string, { required?: string[] }> };
    };
    expect(doc.components.schemas.ErrorResponse.required).toEqual([
      'statusCode',
      'error',
      'message',
      'code',
    ]);
    const without: string[] = [];
    let errors = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        for (const [status, response] of Object.entries(op.responses ?? {})) {
          // A failed health check answers its report (terminus's documented schema).
          if (Number(status) < 400 || (path === '/health' && status === '503')) continue;
          errors++;
          const schema = JSON.stringify(response.content ?? {});
          if (!schema.includes('#/components/schemas/ErrorResponse')) {
            without.push(`${method} ${path} ${status}`);
          }
        }
      }
    }
    expect(errors).toBeGreaterThan(10);
    expect(without).toEqual([]);
  });
});
