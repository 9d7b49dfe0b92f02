import { type LoggerService, Logger } from '@nestjs/common';
import { JsonLogger } from '../../src/logging/json-logger';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { DELIVERY_ENV, MANAGE } from '../support/constants';
import {
  type EventTypeSchema,
  type OpenApiDocument,
  type Operation,
  operationsOf,
} from '../support/fuzz/openapi';
import { CapturingLogger, OutputCapture } from '../support/fuzz/output-capture';
import { requestOf, strayRequest } from '../support/fuzz/requests';
import { differences } from '../support/fuzz/rows';
import { RouteFuzzer } from '../support/fuzz/runner';
import {
  FIXED_SECRETS,
  JWT_SECRET,
  leaksIn,
  SECRET_KEY,
  SUBSCRIPTION_SECRET,
} from '../support/fuzz/secrets';
import { Seeder } from '../support/fuzz/seed';
import { ACME, BASE_SEED } from '../support/fuzz/settings';
import { TestReceiver } from '../support/receiver';
import { createTestApp, type TestApp } from '../support/test-app';
import { sleep } from '../support/time';
import type { HostResolver } from '../../packages/nest-webhooks/src/security/url-policy';

// Input fuzzing of every route in the OpenAPI document (plus unknown routes and methods): random
// JSON bodies, query strings, headers, tokens and path ids. For every request:
//   - the answer is never a 5xx (nor a dropped connection or a hang);
//   - neither the answer (status, headers, body) nor anything written to stdout, stderr, the
//     console, file descriptors 1/2 or the Nest logger contains a secret: the seeded subscription's
//     signing secret (whole, its base64 part, its key bytes in hex/base64url), AUTH_JWT_SECRET,
//     WEBHOOKS_SECRET_KEY, or a bearer token that was sent;
//   - Object.prototype is not polluted;
// and for every run whose requests were all refused (4xx), no row of any application table was
// added, removed or changed (count and an md5 of every row, per table, before and after).
//
// The generators, the requests on the wire and the checks are in test/support/fuzz/; the knobs
// (FUZZ_SEED, FUZZ_RUNS, FUZZ_TIME_MS, FUZZ_ECHO) in test/support/fuzz/settings.ts.

/** Resolves `localhost` only: no fuzzed subscription can point anywhere but this machine. */
const loopbackOnly: HostResolver = async (hostname) => {
  if (hostname.toLowerCase() === 'localhost') return ['127.0.0.1'];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
};

describe('input fuzzing: every route, random bodies, queries, headers, tokens and ids', () => {
  let t: TestApp;
  let receiver: TestReceiver;
  let base: string;
  let seeder: Seeder;
  let operations: Operation[];
  const capture = new OutputCapture();
  const fuzzer = new RouteFuzzer(capture);
  /** The app's own logger (JsonLogger) the capturing logger passes everything on to. */
  let appLogger: LoggerService | null = null;

  beforeAll(async () => {
    capture.start();
    t = await createTestApp(
      {
        ...DELIVERY_ENV,
        AUTH_JWT_SECRET: JWT_SECRET,
        WEBHOOKS_SECRET_KEY: SECRET_KEY,
        API_RATE_LIMIT: '0',
        LOG_LEVEL: 'debug',
      },
      { resolveHost: loopbackOnly },
    );
    try {
      appLogger = t.app.get(JsonLogger, { strict: false });
    } catch {
      appLogger = null; // the app's logger is Nest's own: nothing to pass on to
    }
    t.app.useLogger(new CapturingLogger(capture, appLogger));
    await t.app.listen(0, '127.0.0.1');
    const port = (t.app.getHttpServer() as { address(): AddressInfo }).address().port;
    base = `http://127.0.0.1:${port}`;
    receiver = await TestReceiver.start();
    seeder = new Seeder(t, base, receiver);

    const doc = (await request(base).get('/docs-json').expect(200)).body as OpenApiDocument;
    operations = operationsOf(doc).filter(
      (op) =>
        op.template.startsWith('/api/') || op.template === '/health' || op.template === '/metrics',
    );
    const types = await request(base).get('/api/event-types').set(seeder.auth(ACME)).expect(200);
    await fuzzer.start({
      t,
      receiver,
      port,
      seeder,
      eventTypes: types.body as EventTypeSchema[],
      routeNames: [...operations.map((op) => `${op.method} ${op.template}`), 'stray'],
    });
  }, 120_000);

  afterAll(async () => {
    capture.stop();
    const lines = fuzzer.summary();
    if (lines.length > 0) console.log(`fuzz summary (seed ${BASE_SEED}):\n${lines.join('\n')}`);
    (t?.app.getHttpServer() as Server | undefined)?.closeAllConnections();
    await t?.close();
    await receiver?.close();
  });

  describe('controls: the checks see what they look for', () => {
    it('the row check sees a stored row, and the scanners see the secret where it belongs', async () => {
      await fuzzer.quiesce();
      const before = await fuzzer.snapshot();
      await seeder.post('/api/candidates', ACME, {
        firstName: 'Control',
        lastName: 'Row',
        email: `control.${process.pid}@example.com`,
      });
      await fuzzer.quiesce();
      expect(differences(before, await fuzzer.snapshot())).toEqual(
        expect.arrayContaining([expect.stringMatching(/^hr_candidates: \d+ -> \d+ rows/)]),
      );

      const subscription = await seeder.post<{ id: string }>('/api/webhooks', ACME, {
        url: receiver.url('/control'),
        events: ['*'],
        secret: SUBSCRIPTION_SECRET,
      });
      const res = await request(base)
        .get(`/api/webhooks/${subscription.id}/secret`)
        .set(seeder.auth(ACME, [MANAGE]))
        .expect(200);
      expect(leaksIn(res.text, FIXED_SECRETS)).toContain('the subscription secret');

      // Every channel a logger may write through is captured.
      capture.takeNew();
      const marker = `fuzz-capture-marker-${randomBytes(8).toString('hex')}`;
      new Logger('FuzzControl').debug(`${marker} nest`);
      process.stdout.write(`${marker} stdout\n`);
      fs.writeSync(2, `${marker} fd2\n`);
      console.info(`${marker} console`);
      const seen = capture.takeNew();
      for (const channel of ['nest', 'stdout', 'fd2', 'console']) {
        expect(seen).toContain(`${marker} ${channel}`);
      }
      // What goes through Nest's Logger reaches the app's own logger, whose output is captured
      // as written (pino writes it to fd 1, maybe a moment later).
      if (appLogger) {
        new Logger('FuzzControl').warn(`${marker} forwarded`);
        const written = async () => {
          await sleep(20);
          return capture
            .takeNew()
            .split('\n')
            .some(
              (line) =>
                /^\[(stdout|fd1|fd2|stderr)\]/.test(line) && line.includes(`${marker} forwarded`),
            );
        };
        let found = false;
        for (let i = 0; i < 50 && !found; i++) found = await written();
        expect(found).toBe(true);
      }
      fuzzer.markUnsettled();
    });
  });

  describe('every operation of the OpenAPI document', () => {
    it('lists the routes under /api, /health and /metrics', () => {
      const names = operations.map((op) => `${op.method} ${op.template}`);
      expect(names).toEqual(
        expect.arrayContaining([
          'GET /health',
          'POST /api/webhooks',
          'GET /api/webhooks/{id}/secret',
          'POST /api/events',
          'POST /api/employees/{id}/termination',
        ]),
      );
      expect(operations.length).toBeGreaterThanOrEqual(25);
    });

    // One property per operation, generated from the document once the app is up.
    it('never answers 5xx, stores nothing when refusing, leaks no secret: each operation', async () => {
      const failures: string[] = [];
      for (const [index, op] of operations.entries()) {
        const route = `${op.method} ${op.template}`;
        try {
          await fuzzer.fuzz(route, index, (ctx) => requestOf(op, ctx));
        } catch (error) {
          failures.push(`${route}:\n${error instanceof Error ? error.message : String(error)}`);
          fuzzer.done.add(route);
        }
      }
      if (failures.length > 0) throw new Error(failures.join('\n\n'));
    }, 300_000);

    it('never answers 5xx, stores nothing when refusing, leaks no secret: unknown routes and methods', async () => {
      const templates = [...new Set(operations.map((op) => op.template))];
      await fuzzer.fuzz('stray', operations.length, (ctx) => strayRequest(ctx, templates));
    }, 120_000);
  });

  describe('afterwards', () => {
    it('no token sent and no secret appears anywhere in everything logged during the run', () => {
      const text = capture.all();
      const secrets = [
        ...FIXED_SECRETS,
        ...[...fuzzer.tokensSent].map((tk) => ['a bearer token sent', tk] as const),
      ];
      const found = leaksIn(text, secrets);
      expect(found).toEqual([]);
    });
  });
});
