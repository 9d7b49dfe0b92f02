import request from 'supertest';
import type { App } from 'supertest/types';
import { HR, MANAGE } from '../support/constants';
import { createTestApp, type TestApp } from '../support/test-app';

describe('GET /api/event-types', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists the catalog with each type, description and JSON Schema', async () => {
    const res = await request(t.app.getHttpServer() as App)
      .get('/api/event-types')
      .auth(t.token('acme', [MANAGE]), { type: 'bearer' })
      .expect(200);
    const types = (res.body as { type: string }[]).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'candidate.created',
        'candidate.status_changed',
        'contract.signed',
        'training.completed',
        'employee.terminated',
        'webhook.ping',
        'webhook.endpoint.created',
        'webhook.endpoint.updated',
        'webhook.endpoint.deleted',
        'webhook.endpoint.disabled',
        'webhook.endpoint.enabled',
        'webhook.delivery.failing',
        'webhook.delivery.exhausted',
        'webhook.delivery.recovered',
      ]),
    );
    const created = (
      res.body as { type: string; description: string; schema: { required: string[] } }[]
    ).find((e) => e.type === 'candidate.created');
    expect(created?.description).toBeTruthy();
    expect(created?.schema.required).toEqual(
      expect.arrayContaining([
        'candidateId',
        'firstName',
        'lastName',
        'email',
        'status',
        'createdAt',
      ]),
    );
  });

  it('needs system.webhooks.manage (403) and a token (401)', async () => {
    const server = t.app.getHttpServer() as App;
    await request(server).get('/api/event-types').expect(401);
    await request(server)
      .get('/api/event-types')
      .auth(t.token('acme', [HR]), { type: 'bearer' })
      .expect(403);
  });
});
