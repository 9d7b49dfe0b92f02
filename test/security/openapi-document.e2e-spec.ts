import { randomUUID } from 'node:crypto';
import SwaggerParser from '@apidevtools/swagger-parser';
import request from 'supertest';
import { ALL_PERMISSIONS } from '../support/constants';
import { useAppFixture } from '../support/app-fixture';

interface Parameter {
  name: string;
  in: 'query' | 'header' | 'path' | 'cookie';
  required?: boolean;
}
interface Operation {
  parameters?: Parameter[];
  responses: Record<string, { content?: Record<string, unknown> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Every operation of the document, with its method and path template. */
function operationsOf(doc: Document): { method: string; path: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ method, path, op })),
  );
}

// The OpenAPI document (GET /docs-json) checked against the API it describes: a valid OpenAPI 3
// document, each parameter once, required exactly when the API refuses a call without it, and the
// content types the API really answers.
describe('the OpenAPI document', () => {
  const f = useAppFixture({ permissions: ALL_PERMISSIONS });
  let doc: Document;

  beforeAll(async () => {
    doc = (await request(f.server).get('/docs-json').expect(200)).body as Document;
  });

  it('is a valid OpenAPI 3 document', async () => {
    const copy = JSON.parse(JSON.stringify(doc)) as Parameters<typeof SwaggerParser.validate>[0];
    await expect(SwaggerParser.validate(copy)).resolves.toBeDefined();
    expect((doc as unknown as { openapi: string }).openapi).toMatch(/^3\./);
  });

  it('lists each parameter of an operation once (header names in any case)', () => {
    const repeated = operationsOf(doc).flatMap(({ method, path, op }) => {
      const keys = (op.parameters ?? []).map((p) =>
        p.in === 'header' ? `header ${p.name.toLowerCase()}` : `${p.in} ${p.name}`,
      );
      return keys.filter((k, i) => keys.indexOf(k) !== i).map((k) => `${method} ${path}: ${k}`);
    });
    expect(repeated).toEqual([]);
  });

  it('marks a query or header parameter required exactly when a GET without it is refused', async () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const { method, path, op } of operationsOf(doc)) {
      const params = (op.parameters ?? []).filter((p) => p.in === 'query' || p.in === 'header');
      if (method !== 'get' || params.length === 0) continue;
      checked++;
      // Unknown ids in the path: validation (400) comes before the lookup (404).
      const url = path.replace(/\{[^}]+\}/g, () => randomUUID());
      const res = await request(f.server).get(url).set(f.auth('openapi-doc'));
      const refused = res.status === 400;
      const required = params.filter((p) => p.required).map((p) => p.name);
      if (refused !== required.length > 0) {
        wrong.push(
          `GET ${path}: ${res.status} without parameters, documented required: ${required.join(', ')}`,
        );
      }
    }
    expect(checked).toBeGreaterThanOrEqual(3);
    expect(wrong).toEqual([]);
  });

  it('documents the content type each GET really answers', async () => {
    const wrong: string[] = [];
    for (const { method, path, op } of operationsOf(doc)) {
      if (method !== 'get' || path.includes('{')) continue;
      const res = await request(f.server).get(path).set(f.auth('openapi-doc'));
      const documented = Object.keys(op.responses[String(res.status)]?.content ?? {});
      const answered = String(res.headers['content-type'] ?? '').split(';')[0];
      if (res.status < 300 && documented.length > 0 && !documented.includes(answered)) {
        wrong.push(`GET ${path}: answered ${answered}, documented ${documented.join(', ')}`);
      }
    }
    expect(wrong).toEqual([]);
    const metrics = doc.paths['/metrics'].get.responses['200'].content ?? {};
    expect(Object.keys(metrics)).toEqual(['text/plain']);
  });
});
