import { type LoggerService, Logger } from '@nestjs/common';
import * as fc from 'fast-check';
import { Logger as PinoLogger } from 'nestjs-pino';
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { type IncomingHttpHeaders, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { format, inspect } from 'node:util';
import request from 'supertest';
import { DELIVERY_ENV } from '../support/delivery-harness';
import { TestReceiver } from '../support/receiver';
import { createTestApp, type TestApp } from '../support/test-app';
import type { HostResolver } from '../../src/webhooks/security/url-policy';

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
// The fuzzed requests go through node:http rather than supertest: superagent parses the target
// with WHATWG URL (which resolves `..`, `%2e%2e`, and re-encodes) and adds a form Content-Type to
// string bodies, and the fuzzer has to put exact bytes on the wire. Seeding uses supertest.
//
// Knobs: FUZZ_SEED (base seed, default below; each route uses seed + its index), FUZZ_RUNS (runs
// per route, default 30), FUZZ_TIME_MS (wall-clock budget for all routes together, default
// 25 s, shrinking included: a route whose share is used up stops generating once it made
// MIN_RUNS runs and passes with them; later routes get what earlier ones left).

const BASE_SEED = Number(process.env.FUZZ_SEED ?? 20_260_501);
const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 30);
const FUZZ_TIME_MS = Number(process.env.FUZZ_TIME_MS ?? 25_000);
/** Runs every route makes whatever the time. */
const MIN_RUNS = 4;
/** Extra time a route may take to shrink once it failed. */
const SHRINK_TIME_MS = 3_000;
const REQUEST_TIMEOUT_MS = 15_000;
/** Echo what the app writes to stdout / fd 1-2 (its log lines) instead of only recording it. */
const ECHO = Boolean(process.env.FUZZ_ECHO);

const MANAGE = 'system.webhooks.manage';
const PUBLISH = 'system.events.publish';
const HR = 'hr.manage';
const PERMISSIONS = [MANAGE, PUBLISH, HR];
const ACME = 'acme';
const GLOBEX = 'globex';

// ---------------------------------------------------------------------------------------------
// The secrets that must never show up.

const SUBSCRIPTION_KEY = randomBytes(32);
const SUBSCRIPTION_SECRET = `whsec_${SUBSCRIPTION_KEY.toString('base64')}`;
const JWT_SECRET = `fuzz-jwt-${randomBytes(24).toString('hex')}`;
const SECRET_KEY = `fuzz-at-rest-${randomBytes(24).toString('hex')}`;

const FIXED_SECRETS: readonly (readonly [string, string])[] = [
  ['the subscription secret', SUBSCRIPTION_SECRET],
  ['the subscription secret (base64 part)', SUBSCRIPTION_KEY.toString('base64')],
  ['the subscription key (hex)', SUBSCRIPTION_KEY.toString('hex')],
  ['the subscription key (base64url)', SUBSCRIPTION_KEY.toString('base64url')],
  ['AUTH_JWT_SECRET', JWT_SECRET],
  ['WEBHOOKS_SECRET_KEY', SECRET_KEY],
];
const SUBSCRIPTION_SECRET_NAMES = new Set(FIXED_SECRETS.slice(0, 4).map(([name]) => name));

function leaksIn(text: string, secrets: readonly (readonly [string, string])[]): string[] {
  return secrets.filter(([, value]) => value.length > 0 && text.includes(value)).map(([n]) => n);
}

/** The text with every secret and token replaced by its name (for failure messages). */
function redact(text: string, tokens: Iterable<string> = []): string {
  let out = text;
  for (const [name, value] of FIXED_SECRETS) out = out.split(value).join(`<${name}>`);
  for (const token of tokens) out = out.split(token).join('<bearer token>');
  return out;
}

function clip(text: string, max = 600): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}

// ---------------------------------------------------------------------------------------------
// Everything the process writes: stdout/stderr streams, fd 1/2 (pino's sonic-boom writes there
// directly), the console, and a Nest LoggerService that records every level.

class OutputCapture {
  private readonly chunks: string[] = [];
  private scanned = 0;
  private readonly restores: (() => void)[] = [];

  record(source: string, text: string): void {
    this.chunks.push(`[${source}] ${text}`);
  }

  /** What was recorded since the last call. */
  takeNew(): string {
    const fresh = this.chunks.slice(this.scanned).join('\n');
    this.scanned = this.chunks.length;
    return fresh;
  }

  all(): string {
    return this.chunks.join('\n');
  }

  start(): void {
    this.wrapStream(process.stdout, 'stdout', ECHO);
    this.wrapStream(process.stderr, 'stderr', true);
    this.wrapFs('writeSync');
    this.wrapFs('write');
    this.wrapConsole();
  }

  stop(): void {
    for (const restore of this.restores.reverse()) restore();
    this.restores.length = 0;
  }

  /**
   * Records what goes to stdout (the app's JSON log lines) without echoing it unless FUZZ_ECHO
   * is set; stderr is recorded and echoed (Jest reports through it).
   */
  private wrapStream(stream: NodeJS.WriteStream, name: string, echo: boolean): void {
    const original = stream.write;
    const record = (text: string) => this.record(name, text);
    const wrapped = function (this: NodeJS.WriteStream, ...args: unknown[]): boolean {
      record(chunkText(args[0]));
      if (echo) return (original as (...a: unknown[]) => boolean).apply(this, args);
      const callback = args.find((a): a is () => void => typeof a === 'function');
      if (callback) process.nextTick(callback);
      return true;
    };
    stream.write = wrapped;
    this.restores.push(() => {
      stream.write = original;
    });
  }

  /** fd 1 and 2 written directly (pino's sonic-boom): recorded, echoed only with FUZZ_ECHO. */
  private wrapFs(method: 'write' | 'writeSync'): void {
    const target = fs as unknown as Record<typeof method, (...args: unknown[]) => unknown>;
    const original = target[method];
    const record = (fd: number, chunk: unknown) => this.record(`fd${fd}`, chunkText(chunk));
    target[method] = function (this: unknown, ...args: unknown[]): unknown {
      const fd = args[0];
      if (fd !== 1 && fd !== 2) return original.apply(this, args);
      record(fd, args[1]);
      if (ECHO) return original.apply(this, args);
      const written =
        typeof args[1] === 'string' ? Buffer.byteLength(args[1]) : chunkBytes(args[1]);
      if (method === 'writeSync') return written;
      const callback = args.find((a): a is (e: null, n: number) => void => typeof a === 'function');
      if (callback) process.nextTick(() => callback(null, written));
      return undefined;
    };
    this.restores.push(() => {
      target[method] = original;
    });
  }

  private wrapConsole(): void {
    const target = console as unknown as Record<string, (...args: unknown[]) => void>;
    for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace']) {
      const original = target[level];
      target[level] = (...args: unknown[]) => {
        this.record(`console.${level}`, format(...args));
        original.apply(console, args);
      };
      this.restores.push(() => {
        target[level] = original;
      });
    }
  }
}

function chunkText(chunk: unknown): string {
  if (typeof chunk === 'string') return chunk;
  if (Buffer.isBuffer(chunk)) return chunk.toString('utf8');
  if (ArrayBuffer.isView(chunk)) {
    return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8');
  }
  return describeValue(chunk);
}

function chunkBytes(chunk: unknown): number {
  return ArrayBuffer.isView(chunk) ? chunk.byteLength : 0;
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return value;
  const inspected = inspect(value, {
    depth: 20,
    maxArrayLength: null,
    maxStringLength: null,
    breakLength: Infinity,
  });
  return value instanceof Error ? `${value.stack ?? value.message} ${inspected}` : inspected;
}

type Level = 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';

/**
 * Records every level, whatever the app's log level, as the app hands it to the logger (before
 * any redaction), then passes it on to the app's own logger (nestjs-pino), whose output the
 * stdout / fd capture records as written.
 */
class CapturingLogger implements LoggerService {
  constructor(
    private readonly capture: OutputCapture,
    private readonly next: LoggerService | null,
  ) {}
  private write(level: Level, message: unknown, params: unknown[]): void {
    this.capture.record(`nest.${level}`, [message, ...params].map(describeValue).join(' '));
    const forward = this.next?.[level];
    if (forward) forward.call(this.next, message, ...params);
  }
  log(message: unknown, ...params: unknown[]): void {
    this.write('log', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }
}

// ---------------------------------------------------------------------------------------------
// The OpenAPI document, as far as the fuzzer reads it.

interface SchemaObject {
  type?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  items?: SchemaObject;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  additionalProperties?: boolean | SchemaObject;
  $ref?: string;
}
interface ParameterObject {
  name: string;
  in: string;
  schema?: SchemaObject;
}
interface OperationObject {
  parameters?: ParameterObject[];
  requestBody?: { content?: Record<string, { schema?: SchemaObject }> };
}
interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, SchemaObject> };
}

interface Operation {
  method: string;
  template: string;
  query: ParameterObject[];
  body: SchemaObject | null;
}

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);

function operationsOf(doc: OpenApiDocument): Operation[] {
  const resolve = (schema: SchemaObject | undefined): SchemaObject | null => {
    if (!schema) return null;
    if (!schema.$ref) return schema;
    const name = schema.$ref.replace('#/components/schemas/', '');
    return doc.components?.schemas?.[name] ?? null;
  };
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!HTTP_METHODS.has(method)) continue;
      operations.push({
        method: method.toUpperCase(),
        template,
        query: (operation.parameters ?? []).filter((p) => p.in === 'query'),
        body: resolve(operation.requestBody?.content?.['application/json']?.schema),
      });
    }
  }
  return operations;
}

// ---------------------------------------------------------------------------------------------
// Generators. Values are generated as JSON text, so bodies can carry duplicate keys, `__proto__`
// as an own key, and nesting deeper than fast-check's printer would like as objects.

interface Fixtures {
  /** acme's subscription with the known secret, pointed at the receiver. */
  subscriptionId: string;
  candidateId: string;
  hiredCandidateId: string;
  contractId: string;
  employeeId: string;
  trainingId: string;
  deliveryId: string;
  /** globex's ids: another company's. */
  otherIds: string[];
  cursors: string[];
}

interface Context {
  fixtures: Fixtures;
  receiverUrl: string;
  eventTypes: { type: string; schema: SchemaObject }[];
}

const BINARY_CHAR = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 });
const NASTY_CHARS = [
  '\u0000',
  '\u0001',
  '\u001f',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\ufffd',
  '\ufffe',
  '\ud800',
  '\udfff',
  '\ud83d',
  '😀',
  '𝕏',
  'é',
  'ß',
  'İ',
  '%',
  '\\',
  '"',
  "'",
  '`',
  '<',
  '>',
  '&',
  '${',
  '{{',
  '../',
  '\r\n',
  '\t',
  '*',
  '?',
  '#',
  ';',
];
const NASTY_WORDS = [
  '',
  ' ',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  'true',
  '0',
  '-1',
  '__proto__',
  'constructor',
  'prototype',
  "' OR 1=1 --",
  '"; DROP TABLE webhook_subscriptions; --',
  '<script>alert(1)</script>',
  '${7*7}',
  '{{7*7}}',
  '%s%s%s%n',
  'a\u0000b',
  '\u0000',
  '../../../../etc/passwd',
  'http://127.0.0.1:1/',
  'whsec_',
  'Bearer ',
];

const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.string({ unit: fc.constantFrom(...NASTY_CHARS), maxLength: 12 }) },
  { weight: 4, arbitrary: fc.string({ unit: BINARY_CHAR, maxLength: 40 }) },
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.constantFrom(...NASTY_WORDS) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 500, max: 6000 }), fc.constantFrom('a', 'é', '😀', '\u0000', '%'))
      .map(([n, c]) => c.repeat(n)),
  },
);

const deepNesting: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 10, max: 5000 }), fc.constantFrom('array', 'object', 'mixed'))
  .map(([depth, shape]) => {
    if (shape === 'array') return `${'['.repeat(depth)}${']'.repeat(depth)}`;
    if (shape === 'object') return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    return `${'[{"a":'.repeat(depth)}null${'}]'.repeat(depth)}`;
  });

const POLLUTION = [
  '{"__proto__":{"polluted":"yes","isActive":false,"companyId":"globex"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"__proto__":{"__proto__":{"polluted":"yes"}}}',
  '{"prototype":{"polluted":"yes"}}',
  '{"__proto__":null}',
  '{"toString":"x","valueOf":1,"hasOwnProperty":"x","__defineGetter__":1}',
];

const NUMBER_TEXTS = [
  '0',
  '-0',
  '1',
  '-1',
  '0.5',
  '1.005',
  '1e308',
  '-1e308',
  '1e-320',
  '2147483648',
  '9007199254740993',
  '123456789012345678901234567890',
  '1E2',
];

/** Any JSON value, with a bias for the troublesome ones. */
const jsonText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.json({ maxDepth: 3 }) },
  { weight: 4, arbitrary: nastyString.map((s) => JSON.stringify(s)) },
  { weight: 2, arbitrary: fc.constantFrom(...NUMBER_TEXTS, 'null', 'true', 'false', '[]', '{}') },
  { weight: 1, arbitrary: fc.double().map((d) => JSON.stringify(d)) },
  { weight: 1, arbitrary: deepNesting },
  { weight: 1, arbitrary: fc.constantFrom(...POLLUTION) },
);

function objectText(entries: readonly (readonly [string, string])[]): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
}

const uuidish: fc.Arbitrary<string> = fc
  .uuid()
  .chain((u) =>
    fc.constantFrom(
      u,
      u.toUpperCase(),
      `{${u}}`,
      u.replace(/-/g, ''),
      `${u}x`,
      `${u} `,
      ` ${u}`,
      `${u}\u0000`,
      u.slice(0, 35),
    ),
  );

const dateText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 3000 }).map((d) => isoDay(2025, d)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '2026-02-30',
      '2026-13-01',
      '2026-00-10',
      '2026-1-1',
      '26-01-01',
      '99999-01-01',
      '0000-01-01',
      '2026-01-01T00:00:00Z',
      '2026-01-01\u0000',
      '20260101',
      '',
    ),
  },
);

function isoDay(fromYear: number, plusDays: number): string {
  return new Date(Date.UTC(fromYear, 0, 1) + plusDays * 86_400_000).toISOString().slice(0, 10);
}

const dateTimeText: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .integer({ min: -20 * 86_400_000, max: 86_400_000 })
      .map((offset) => new Date(Date.now() + offset).toISOString()),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '1970-01-01T00:00:00Z',
      '+275760-09-13T00:00:00.000Z',
      '-271821-04-20T00:00:00.000Z',
      '2026-13-45T99:99:99Z',
      'yesterday',
      '0',
      '1e20',
      'Invalid Date',
      '2026-01-01T00:00:00+99:99',
    ),
  },
);

const emailText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.emailAddress() },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'a@b',
      '@example.com',
      'a@@example.com',
      'A@EXAMPLE.COM',
      'a\u0000@example.com',
      `${'a'.repeat(250)}@example.com`,
      'lea.martin+tag@example.com',
      '"quoted"@example.com',
      'a@[127.0.0.1]',
    ),
  },
);

/** A JSON text for a value of `schema` (mostly valid-looking, sometimes not). */
function valueText(schema: SchemaObject, ctx: Context, name = '', depth = 0): fc.Arbitrary<string> {
  const plausible = plausibleText(schema, ctx, name, depth);
  return fc.oneof(
    { weight: 6, arbitrary: plausible },
    { weight: 2, arbitrary: jsonText },
    { weight: 1, arbitrary: nastyString.map((s) => JSON.stringify(s)) },
  );
}

function plausibleText(
  schema: SchemaObject,
  ctx: Context,
  name: string,
  depth: number,
): fc.Arbitrary<string> {
  const str = (arb: fc.Arbitrary<string>) => arb.map((s) => JSON.stringify(s));
  const ids = [
    ctx.fixtures.subscriptionId,
    ctx.fixtures.candidateId,
    ctx.fixtures.hiredCandidateId,
    ctx.fixtures.contractId,
    ctx.fixtures.employeeId,
    ctx.fixtures.trainingId,
    ctx.fixtures.deliveryId,
    ...ctx.fixtures.otherIds,
  ];
  // Fields the OpenAPI document types loosely, by name.
  switch (name) {
    case 'url':
      return str(
        fc.oneof(
          {
            weight: 4,
            arbitrary: fc
              .string({ maxLength: 20 })
              .map((p) => `${ctx.receiverUrl}/fuzz/${encodeURIComponent(p)}`),
          },
          {
            weight: 2,
            arbitrary: fc.constantFrom(
              'https://nowhere.invalid/x',
              'ftp://127.0.0.1/x',
              'http://user:pass@127.0.0.1/x',
              'javascript:alert(1)',
              '//127.0.0.1/x',
              'http://127.0.0.1:99999/x',
              `http://127.0.0.1/${'a'.repeat(2100)}`,
              'http://[::1',
              'http://%00/',
              'http:///x',
              'file:///etc/passwd',
              `${ctx.receiverUrl}/\u0000`,
              `${ctx.receiverUrl}/#frag`,
            ),
          },
          { weight: 1, arbitrary: nastyString },
        ),
      );
    case 'events': {
      const types = ctx.eventTypes.map((e) => e.type);
      const item = fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...types, '*', 'candidate.*', 'contract.*') },
        {
          weight: 1,
          arbitrary: fc.constantFrom('nothing.*', '*.created', 'candidate*', 'Candidate.Created'),
        },
        { weight: 1, arbitrary: nastyString },
      );
      return fc.oneof(
        { weight: 4, arbitrary: fc.array(item, { maxLength: 4 }).map((a) => JSON.stringify(a)) },
        {
          weight: 1,
          arbitrary: fc
            .integer({ min: 90, max: 400 })
            .map((n) => JSON.stringify(Array.from({ length: n }, () => '*'))),
        },
      );
    }
    case 'secret':
      // Never the known secret: a fresh valid one, or not a secret at all.
      return str(
        fc.oneof(
          {
            weight: 2,
            arbitrary: fc
              .uint8Array({ minLength: 16, maxLength: 80 })
              .map((b) => `whsec_${Buffer.from(b).toString('base64')}`),
          },
          { weight: 1, arbitrary: nastyString.map((s) => `whsec_${s}`) },
          { weight: 1, arbitrary: nastyString },
        ),
      );
    case 'headers': {
      const headerName = fc.oneof(
        { weight: 3, arbitrary: fc.stringMatching(/^X-[A-Za-z0-9-]{1,20}$/) },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            'Host',
            'Content-Type',
            'webhook-id',
            'X-Webhook-Signature',
            'Connection',
            'Authorization',
            'Cookie',
            'X Space',
            '',
            '__proto__',
          ),
        },
        { weight: 1, arbitrary: nastyString },
      );
      return fc
        .array(fc.tuple(headerName, fc.oneof(str(nastyString), jsonText)), { maxLength: 5 })
        .map((entries) => objectText(entries.map(([k, v]) => [k, v] as const)));
    }
    case 'type': {
      const types = ctx.eventTypes.map((e) => e.type);
      return str(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...types) }, nastyString));
    }
    case 'data':
      return fc.oneof(
        ...ctx.eventTypes.map((e) => plausibleText(e.schema, ctx, '', depth + 1)),
        deepNesting,
        fc.constantFrom(...POLLUTION),
      );
    case 'since':
      return str(dateTimeText);
    default:
      break;
  }
  if (schema.const !== undefined) return fc.constant(JSON.stringify(schema.const));
  if (schema.enum && schema.enum.length > 0) {
    return fc.constantFrom(...schema.enum.map((v) => JSON.stringify(v)));
  }
  switch (schema.format) {
    case 'uuid':
      return str(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...ids) }, uuidish));
    case 'date':
      return str(dateText);
    case 'date-time':
      return str(dateTimeText);
    case 'email':
      return str(emailText);
    default:
      break;
  }
  if (schema.pattern === '^\\d{4}-\\d{2}-\\d{2}$') return str(dateText);
  switch (schema.type) {
    case 'boolean':
      return fc.constantFrom('true', 'false', '"true"', '0', '1');
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? -1_000_000;
      const max = schema.maximum ?? 1_000_000;
      return fc.oneof(
        { weight: 4, arbitrary: fc.integer({ min, max }).map(String) },
        {
          weight: 2,
          arbitrary: fc.constantFrom(
            String(min),
            String(max),
            String(min - 1),
            String(max + 1),
            String(min + 0.5),
            String(max - 0.001),
            `"${min}"`,
          ),
        },
        { weight: 1, arbitrary: fc.constantFrom(...NUMBER_TEXTS) },
      );
    }
    case 'array': {
      const item = schema.items ?? {};
      return fc
        .array(depth > 3 ? jsonText : plausibleText(item, ctx, '', depth + 1), {
          maxLength: Math.min(schema.maxItems ?? 5, 5),
        })
        .map((a) => `[${a.join(',')}]`);
    }
    case 'object': {
      if (schema.properties && depth < 4) return objectOf(schema, ctx, depth + 1);
      return fc
        .array(fc.tuple(nastyString, jsonText), { maxLength: 4 })
        .map((entries) => objectText(entries));
    }
    case 'string':
    default: {
      const max = schema.maxLength;
      const lengths =
        max === undefined
          ? fc.constant('')
          : fc.constantFrom(max, max + 1, Math.max((schema.minLength ?? 1) - 1, 0)).map((n) => {
              return 'x'.repeat(n);
            });
      return str(
        fc.oneof(
          { weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) },
          { weight: 2, arbitrary: nastyString },
          { weight: 1, arbitrary: lengths },
        ),
      );
    }
  }
}

const EXTRA_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'companyId',
  'id',
  'createdAt',
  'updatedAt',
  'deletedAt',
  'secret',
  'isAdmin',
  '',
];

/** An object with the schema's field names (each present or not), maybe extra keys. */
function objectOf(schema: SchemaObject, ctx: Context, depth = 0): fc.Arbitrary<string> {
  const fields = Object.entries(schema.properties ?? {}).map(([name, prop]) =>
    fc.option(
      valueText(prop, ctx, name, depth).map((v) => [name, v] as const),
      { nil: null, freq: 6 },
    ),
  );
  const extra = fc.tuple(
    fc.oneof(fc.constantFrom(...EXTRA_KEYS), nastyString),
    fc.oneof(jsonText, fc.constantFrom(...POLLUTION)),
  );
  return fc
    .tuple(
      fc.tuple(...fields),
      fc.oneof(
        { weight: 5, arbitrary: fc.constant([] as [string, string][]) },
        { weight: 1, arbitrary: fc.array(extra, { minLength: 1, maxLength: 3 }) },
      ),
      fc.boolean(),
    )
    .map(([present, extras, duplicateFirst]) => {
      const entries: (readonly [string, string])[] = present.filter(
        (e): e is readonly [string, string] => e !== null,
      );
      if (duplicateFirst && entries.length > 0 && extras.length > 0) {
        entries.push([entries[0][0], extras[0][1]]);
      }
      return objectText([...entries, ...extras]);
    });
}

/** A body: raw bytes or text, with its Content-Type and maybe a Content-Encoding. */
interface BodySpec {
  text: string | null;
  bytes: number[] | null;
  contentType: string | null;
  contentEncoding: string | null;
  chunked: boolean;
}

const HEADER_CHAR = fc
  .oneof(
    { weight: 12, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
    { weight: 2, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
    { weight: 1, arbitrary: fc.constant(0x09) },
  )
  .map((c) => String.fromCharCode(c));

const headerValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: HEADER_CHAR, maxLength: 64 }) },
  { weight: 1, arbitrary: fc.integer({ min: 256, max: 6000 }).map((n) => 'v'.repeat(n)) },
);

const CONTENT_TYPES = [
  'application/json; charset=utf-8',
  'application/json;charset=UTF-8',
  'APPLICATION/JSON',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/json; charset=nope',
  'application/vnd.api+json',
  'application/merge-patch+json',
  'application/cloudevents+json',
  'text/json',
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  '*/*',
  'application/',
  'json',
];

const contentType: fc.Arbitrary<string | null> = fc.oneof(
  { weight: 14, arbitrary: fc.constant('application/json') },
  { weight: 4, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: headerValue },
);

const contentEncoding: fc.Arbitrary<string | null> = fc.oneof(
  { weight: 20, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-nope', 'GZIP') },
);

function bodyOf(op: Operation, ctx: Context): fc.Arbitrary<BodySpec | null> {
  const texts: fc.WeightedArbitrary<string>[] = [
    { weight: 3, arbitrary: jsonText },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        '{',
        '{"a":',
        '{"url": "x",}',
        "{'a': 1}",
        'null',
        'undefined',
        '[1,2',
        '{"a":1}{"b":2}',
        '\u0000',
        '\ufeff{}',
        '{"a":"\\ud800"}',
        '{"a":"\\u0000"}',
        'url=x&events=y',
        '<a>1</a>',
      ),
    },
    { weight: 1, arbitrary: deepNesting },
    { weight: 1, arbitrary: fc.constantFrom(...POLLUTION) },
  ];
  if (op.body) texts.push({ weight: 12, arbitrary: objectOf(op.body, ctx) });
  const text = fc.oneof(...texts);
  const huge = fc
    .integer({ min: 256 * 1024 - 64, max: 300 * 1024 })
    .map((n) => `{"description":"${'x'.repeat(n)}"}`);
  const spec = fc.record({
    text: fc.oneof({ weight: 40, arbitrary: text }, { weight: 1, arbitrary: huge }),
    binary: fc.oneof(
      { weight: 15, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 64 }) },
    ),
    contentType,
    contentEncoding,
    chunked: fc.oneof({ weight: 10, arbitrary: fc.constant(false) }, fc.constant(true)),
  });
  const body = spec.map((s): BodySpec => ({
    text: s.binary ? null : s.text,
    bytes: s.binary,
    contentType: s.contentType,
    contentEncoding: s.contentEncoding,
    chunked: s.chunked,
  }));
  const withBody = op.method === 'POST' || op.method === 'PATCH' || op.method === 'PUT';
  return fc.oneof(
    { weight: withBody ? 1 : 8, arbitrary: fc.constant(null) },
    { weight: withBody ? 8 : 1, arbitrary: body },
  );
}

/** Percent-encodes the UTF-8 bytes of `s` (lone surrogates become U+FFFD, as on any client). */
function percentEncode(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Bytes a request target may carry as they are (node:http refuses controls, space and > 0xff). */
const RAW_TARGET_CHAR = fc
  .oneof(
    { weight: 10, arbitrary: fc.integer({ min: 0x21, max: 0x7e }) },
    { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
  )
  .map((c) => String.fromCharCode(c));

function idSegment(ctx: Context): fc.Arbitrary<string> {
  const f = ctx.fixtures;
  const own = [
    f.subscriptionId,
    f.candidateId,
    f.hiredCandidateId,
    f.contractId,
    f.employeeId,
    f.trainingId,
    f.deliveryId,
  ];
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...own) },
    { weight: 2, arbitrary: fc.constantFrom(...f.otherIds) },
    { weight: 2, arbitrary: uuidish.map(percentEncode) },
    { weight: 2, arbitrary: nastyString.map(percentEncode) },
    { weight: 1, arbitrary: fc.string({ unit: RAW_TARGET_CHAR, minLength: 1, maxLength: 30 }) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '..',
        '.',
        '%2e%2e',
        '..%2f..%2f..%2fetc%2fpasswd',
        '%00',
        '%zz',
        '%',
        '%ff%fe',
        '%C0%AE',
        '0',
        '-1',
        '1e309',
        'null',
        'undefined',
        '%27%20OR%201%3D1--',
        '00000000-0000-0000-0000-000000000000',
        'ffffffff-ffff-ffff-ffff-ffffffffffff',
        'g0000000-0000-0000-0000-000000000000',
      ),
    },
    { weight: 1, arbitrary: fc.integer({ min: 1000, max: 8000 }).map((n) => 'a'.repeat(n)) },
  );
}

function queryOf(op: Operation, ctx: Context): fc.Arbitrary<string> {
  const known = [...new Set([...op.query.map((p) => p.name), 'limit', 'cursor'])];
  const types = ctx.eventTypes.map((e) => e.type);
  const key = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...known) },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', '', 'status') },
    { weight: 1, arbitrary: nastyString },
  );
  const cursorLike = fc.oneof(
    fc.constantFrom(...(ctx.fixtures.cursors.length ? ctx.fixtures.cursors : ['x'])),
    fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('base64url')),
    jsonText.map((j) => Buffer.from(j).toString('base64url')),
    jsonText.map((j) => Buffer.from(j).toString('base64')),
    fc.constantFrom(...ctx.fixtures.cursors.map((c) => `${c}x`), 'eyJ9', '....', 'a.b.c'),
    fc.integer({ min: 513, max: 5000 }).map((n) => 'c'.repeat(n)),
  );
  const value = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom('1', '20', '100', 'failed', 'succeeded', ...types),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '0',
        '-1',
        '101',
        '1.5',
        '1e3',
        'NaN',
        'Infinity',
        '0x10',
        ' 5',
        '5 ',
        '',
        '99999999999999999999',
      ),
    },
    { weight: 3, arbitrary: cursorLike },
    { weight: 2, arbitrary: nastyString },
  );
  const encodedValue = fc.oneof(
    { weight: 6, arbitrary: value.map(percentEncode) },
    { weight: 1, arbitrary: fc.string({ unit: RAW_TARGET_CHAR, maxLength: 30 }) },
    { weight: 1, arbitrary: fc.constantFrom('%zz', '%', '%00', '%C0%80', '+', '%2B', '%26') },
  );
  const entry = fc
    .tuple(
      key,
      fc.constantFrom('plain', 'plain', 'plain', '[]', '[0]', '[a][b]', 'bare'),
      encodedValue,
    )
    .map(([k, form, v]) => {
      const name = percentEncode(k);
      if (form === 'bare') return name;
      if (form === 'plain') return `${name}=${v}`;
      return `${name}${form}=${v}`;
    });
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant('') },
    {
      weight: 6,
      arbitrary: fc.array(entry, { minLength: 1, maxLength: 5 }).map((e) => `?${e.join('&')}`),
    },
    { weight: 1, arbitrary: fc.constantFrom('?', '?&&', '?=', '?=&=', '?%zz', '?#', '?;') },
  );
}

type AuthSpec =
  | { kind: 'none' }
  | { kind: 'raw'; value: string }
  | {
      kind: 'jwt';
      scheme: string;
      company: string;
      permissions: string[];
      key: 'app' | 'wrong';
      expiry: 'valid' | 'expired' | 'none';
      alg: 'HS256' | 'HS512' | 'none';
    }
  | { kind: 'claims'; scheme: string; payload: string };

const scheme = fc.oneof(
  { weight: 10, arbitrary: fc.constant('Bearer ') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'bearer ',
      'BEARER ',
      'Bearer  ',
      'Bearer\t',
      'Token ',
      'Basic ',
      '',
      'Bearer',
    ),
  },
);

const authSpec: fc.Arbitrary<AuthSpec> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant('jwt' as const),
      scheme,
      company: fc.oneof(
        { weight: 10, arbitrary: fc.constant(ACME) },
        { weight: 3, arbitrary: fc.constant(GLOBEX) },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            '\u0000',
            'acme\u0000',
            'ACME',
            'acme ',
            '',
            'é',
            'c'.repeat(300),
          ),
        },
        { weight: 1, arbitrary: nastyString },
      ),
      permissions: fc.oneof(
        { weight: 5, arbitrary: fc.constant(PERMISSIONS) },
        { weight: 3, arbitrary: fc.subarray(PERMISSIONS) },
        {
          weight: 1,
          arbitrary: fc.array(
            fc.oneof(
              fc.constantFrom(...PERMISSIONS, '*', 'admin', 'SYSTEM.WEBHOOKS.MANAGE', 'hr.manage '),
              nastyString,
            ),
            { maxLength: 4 },
          ),
        },
      ),
      key: fc.oneof(
        { weight: 15, arbitrary: fc.constant('app' as const) },
        fc.constant('wrong' as const),
      ),
      expiry: fc.oneof(
        { weight: 15, arbitrary: fc.constant('valid' as const) },
        fc.constantFrom('expired' as const, 'none' as const),
      ),
      alg: fc.oneof(
        { weight: 20, arbitrary: fc.constant('HS256' as const) },
        fc.constantFrom('HS512' as const, 'none' as const),
      ),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('raw' as const), value: headerValue }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('claims' as const),
      scheme,
      payload: fc.oneof(
        jsonText,
        fc.tuple(jsonText, jsonText).map(([company, permissions]) =>
          objectText([
            ['sub', '"fuzz"'],
            ['companyId', company],
            ['permissions', permissions],
          ]),
        ),
      ),
    }),
  },
);

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function signJwt(payload: string, key: string, alg: 'HS256' | 'HS512' | 'none'): string {
  const input = `${base64url(JSON.stringify({ alg, typ: 'JWT' }))}.${base64url(payload)}`;
  if (alg === 'none') return `${input}.`;
  const hash = alg === 'HS256' ? 'sha256' : 'sha512';
  return `${input}.${createHmac(hash, key).update(input).digest('base64url')}`;
}

/** The Authorization header value for the spec, and the token in it (if any). */
function authorization(auth: AuthSpec): { header: string | null; token: string | null } {
  const now = Math.floor(Date.now() / 1000);
  switch (auth.kind) {
    case 'none':
      return { header: null, token: null };
    case 'raw':
      return { header: auth.value, token: null };
    case 'claims': {
      const token = signJwt(auth.payload, JWT_SECRET, 'HS256');
      return { header: `${auth.scheme}${token}`, token };
    }
    case 'jwt': {
      const claims: Record<string, unknown> = {
        sub: 'fuzz-user',
        companyId: auth.company,
        permissions: auth.permissions,
        iat: now,
      };
      if (auth.expiry === 'valid') claims.exp = now + 3600;
      if (auth.expiry === 'expired') claims.exp = now - 3600;
      const key = auth.key === 'app' ? JWT_SECRET : `${JWT_SECRET}-not`;
      const token = signJwt(JSON.stringify(claims), key, auth.alg);
      return { header: `${auth.scheme}${token}`, token };
    }
  }
}

/** Whether the token is one the app accepts for the company with every permission needed. */
function isValidAuth(auth: AuthSpec, company: string, permission: string): boolean {
  return (
    auth.kind === 'jwt' &&
    auth.key === 'app' &&
    auth.alg === 'HS256' &&
    auth.expiry !== 'expired' &&
    auth.company === company &&
    auth.permissions.includes(permission)
  );
}

/** Header names node:http would refuse or that would break the framing of the request. */
const TRANSPORT_HEADERS = new Set([
  'content-length',
  'transfer-encoding',
  'host',
  'connection',
  'expect',
  'upgrade',
  'te',
  'trailer',
  'keep-alive',
  'proxy-connection',
  'http2-settings',
  'authorization',
  'content-type',
  'content-encoding',
]);

const extraHeaders: fc.Arbitrary<[string, string][]> = fc.array(
  fc.tuple(
    fc.oneof(
      {
        weight: 3,
        arbitrary: fc.constantFrom(
          'Idempotency-Key',
          'idempotency-key',
          'X-Forwarded-For',
          'X-Forwarded-Proto',
          'X-Forwarded-Host',
          'X-Real-IP',
          'X-HTTP-Method-Override',
          'Accept',
          'Accept-Encoding',
          'Accept-Charset',
          'Accept-Language',
          'If-None-Match',
          'If-Modified-Since',
          'Range',
          'Origin',
          'Cookie',
          'X-Request-Id',
          'traceparent',
        ),
      },
      {
        weight: 1,
        arbitrary: fc
          .stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,32}$/)
          .filter((n) => !TRANSPORT_HEADERS.has(n.toLowerCase())),
      },
    ),
    headerValue,
  ),
  { maxLength: 4 },
);

const idempotencyKey: fc.Arbitrary<string | null> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.constantFrom('fuzz-key-1', 'fuzz-key-2') },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'k'.repeat(255), 'k'.repeat(256)) },
  { weight: 2, arbitrary: headerValue },
);

interface FuzzRequest {
  method: string;
  target: string;
  auth: AuthSpec;
  idempotencyKey: string | null;
  headers: [string, string][];
  body: BodySpec | null;
}

function requestOf(op: Operation, ctx: Context): fc.Arbitrary<FuzzRequest> {
  const path = op.template.includes('{id}')
    ? idSegment(ctx).map((id) => op.template.replace('{id}', id))
    : fc.oneof(
        { weight: 8, arbitrary: fc.constant(op.template) },
        fc.constantFrom(`${op.template}/`, op.template.toUpperCase(), `${op.template}//`),
      );
  return fc.record({
    method: fc.constant(op.method),
    target: fc.tuple(path, queryOf(op, ctx)).map(([p, q]) => `${p}${q}`),
    auth: authSpec,
    idempotencyKey,
    headers: extraHeaders,
    body: bodyOf(op, ctx),
  });
}

/** Any method on any path: unknown routes, known ones with the wrong method, the docs. */
function strayRequest(ctx: Context, templates: string[]): fc.Arbitrary<FuzzRequest> {
  const segment = fc.oneof(
    fc.constantFrom('api', 'webhooks', 'deliveries', 'events', 'secret', 'docs', '..', '.', ''),
    idSegment(ctx),
  );
  const path = fc.oneof(
    fc.tuple(fc.constantFrom(...templates), idSegment(ctx)).map(([t, id]) => t.replace('{id}', id)),
    fc.array(segment, { minLength: 1, maxLength: 6 }).map((s) => `/${s.join('/')}`),
    fc.constantFrom('/docs', '/docs-json', '/docs/', '/metrics', '/health', '/', '*', '/api'),
  );
  return fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'),
    target: fc.tuple(path, fc.constantFrom('', '?limit=1', '?x=%zz')).map(([p, q]) => p + q),
    auth: authSpec,
    idempotencyKey,
    headers: extraHeaders,
    body: bodyOf({ method: 'POST', template: '/', query: [], body: null }, ctx),
  });
}

// ---------------------------------------------------------------------------------------------
// The wire.

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

function send(port: number, req: FuzzRequest, authHeader: string | null): Promise<Answer> {
  const headers: Record<string, string> = {};
  for (const [name, value] of req.headers) headers[name] = value;
  if (req.idempotencyKey !== null) headers['Idempotency-Key'] = req.idempotencyKey;
  if (authHeader !== null) headers.Authorization = authHeader;
  let payload: Buffer | null = null;
  if (req.body) {
    payload =
      req.body.bytes !== null
        ? Buffer.from(req.body.bytes)
        : Buffer.from(req.body.text ?? '', 'utf8');
    if (req.body.contentType !== null) headers['Content-Type'] = req.body.contentType;
    if (req.body.contentEncoding !== null) headers['Content-Encoding'] = req.body.contentEncoding;
    if (!req.body.chunked) headers['Content-Length'] = String(payload.length);
  }
  return new Promise<Answer>((resolve, reject) => {
    const outgoing = httpRequest(
      { host: '127.0.0.1', port, method: req.method, path: req.target, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    outgoing.setTimeout(REQUEST_TIMEOUT_MS, () =>
      outgoing.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)),
    );
    outgoing.on('error', reject);
    if (payload && req.body?.chunked) {
      const half = Math.floor(payload.length / 2);
      outgoing.write(payload.subarray(0, half));
      outgoing.end(payload.subarray(half));
    } else if (payload) {
      outgoing.end(payload);
    } else {
      outgoing.end();
    }
  });
}

/** How deep the JSON text nests (brackets outside strings), for reports of clipped bodies. */
function nestingOf(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') max = Math.max(max, ++depth);
    else if (c === ']' || c === '}') depth--;
  }
  return max;
}

function describeRequest(req: FuzzRequest, tokens: string[] = []): string {
  const body = req.body
    ? `${req.body.contentType ?? '(no Content-Type)'}${req.body.contentEncoding ? ` +${req.body.contentEncoding}` : ''}${req.body.chunked ? ' chunked' : ''}: ${
        req.body.bytes !== null
          ? `bytes ${Buffer.from(req.body.bytes).toString('hex')}`
          : `${(req.body.text ?? '').length} chars, nesting ${nestingOf(req.body.text ?? '')}: ${JSON.stringify(clip(req.body.text ?? '', 400))}`
      }`
    : '(no body)';
  return redact(
    `${req.method} ${clip(req.target, 300)} auth=${JSON.stringify(req.auth)} idempotency-key=${JSON.stringify(
      req.idempotencyKey === null ? null : clip(req.idempotencyKey, 80),
    )} headers=${clip(JSON.stringify(req.headers), 300)} body=${body}`,
    tokens,
  );
}

function describeAnswer(answer: Answer, tokens: string[] = []): string {
  return redact(`${answer.status} ${clip(answer.text, 500)}`, tokens);
}

// ---------------------------------------------------------------------------------------------

/** Resolves `localhost` only: no fuzzed subscription can point anywhere but this machine. */
const loopbackOnly: HostResolver = async (hostname) => {
  if (hostname.toLowerCase() === 'localhost') return ['127.0.0.1'];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
};

interface RouteStats {
  runs: number;
  requests: number;
  statuses: Record<string, number>;
  /** Runs whose requests were all refused, so the stored rows were compared. */
  checked: number;
  /** Wall-clock time of the route, seeding included. */
  ms: number;
  seedMs: number;
}

type Snapshot = Map<string, { rows: number; hash: string }>;

describe('input fuzzing: every route, random bodies, queries, headers, tokens and ids', () => {
  let t: TestApp;
  let receiver: TestReceiver;
  let port: number;
  let base: string;
  let operations: Operation[];
  let eventTypes: { type: string; schema: SchemaObject }[];
  let snapshotSql: string;
  const capture = new OutputCapture();
  /** Every bearer token sent, for the final sweep of the logs. */
  const tokensSent = new Set<string>();
  const stats = new Map<string, RouteStats>();
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort().join(',');
  let sequence = 0;
  /** The app's own logger (nestjs-pino) the capturing logger passes everything on to. */
  let appLogger: LoggerService | null = null;
  let unsettled = true;
  let deadline = 0;

  const auth = (company: string, permissions = PERMISSIONS) => ({
    Authorization: `Bearer ${t.token(company, permissions)}`,
  });

  async function post<T>(path: string, company: string, body?: object): Promise<T> {
    const res = await request(base).post(path).set(auth(company)).send(body);
    if (res.status >= 300) throw new Error(`seeding: ${path} answered ${res.status} ${res.text}`);
    return res.body as T;
  }

  async function hiredCandidate(company: string): Promise<string> {
    const n = ++sequence;
    const { id } = await post<{ id: string }>('/api/candidates', company, {
      firstName: 'Fuzz',
      lastName: `Seed ${n}`,
      email: `fuzz.${n}.${process.pid}@example.com`,
    });
    for (const status of ['screening', 'interview', 'offer', 'hired']) {
      const res = await request(base)
        .patch(`/api/candidates/${id}/status`)
        .set(auth(company))
        .send({ status });
      if (res.status !== 200) throw new Error(`seeding: status ${status}: ${res.text}`);
    }
    return id;
  }

  /** Fresh records for a route: destructive runs of the previous route leave theirs behind. */
  async function seed(): Promise<Fixtures> {
    // Earlier routes' subscriptions (seeded and fuzzed) would multiply every event's deliveries.
    await t.dataSource.query(
      `UPDATE webhook_subscriptions SET is_active = false, updated_at = now() WHERE is_active`,
    );
    const n = ++sequence;
    const subscription = await post<{ id: string }>('/api/webhooks', ACME, {
      url: receiver.url(`/seed/${n}`),
      events: ['*'],
      secret: SUBSCRIPTION_SECRET,
    });
    const candidate = await post<{ id: string }>('/api/candidates', ACME, {
      firstName: 'Fuzz',
      lastName: 'New',
      email: `fuzz.new.${n}.${process.pid}@example.com`,
    });
    const contracted = await hiredCandidate(ACME);
    const contract = await post<{ id: string }>('/api/contracts', ACME, {
      candidateId: contracted,
      contractType: 'CDI',
      startDate: '2026-03-01',
    });
    const employed = await hiredCandidate(ACME);
    const employment = await post<{ id: string; employeeId: string }>('/api/contracts', ACME, {
      candidateId: employed,
      contractType: 'CDD',
      startDate: '2026-03-01',
      endDate: '2026-12-31',
    });
    await post(`/api/contracts/${employment.id}/sign`, ACME);
    const training = await post<{ id: string }>('/api/trainings', ACME, {
      title: `Training ${n}`,
      cpfEligible: true,
    });
    const hired = await hiredCandidate(ACME);
    const other = await post<{ id: string }>('/api/webhooks', GLOBEX, {
      url: receiver.url(`/seed/globex/${n}`),
      events: ['*'],
    });
    const otherCandidate = await post<{ id: string }>('/api/candidates', GLOBEX, {
      firstName: 'Other',
      lastName: 'Company',
      email: `fuzz.other.${n}.${process.pid}@example.com`,
    });
    const deliveries = await t.dataSource.query<{ id: string; company_id: string }[]>(
      `SELECT DISTINCT ON (company_id) id, company_id FROM webhook_deliveries
       WHERE company_id IN ($1, $2) ORDER BY company_id, created_at DESC`,
      [ACME, GLOBEX],
    );
    const deliveryOf = (company: string) => deliveries.find((d) => d.company_id === company)?.id;
    const page = await request(base).get('/api/webhooks?limit=1').set(auth(ACME));
    const candidates = await request(base).get('/api/candidates?limit=1').set(auth(ACME));
    const cursors = [page.body, candidates.body]
      .map((b) => (b as { nextCursor?: string | null }).nextCursor)
      .filter((c): c is string => typeof c === 'string');
    return {
      subscriptionId: subscription.id,
      candidateId: candidate.id,
      hiredCandidateId: hired,
      contractId: contract.id,
      employeeId: employment.employeeId,
      trainingId: training.id,
      deliveryId: deliveryOf(ACME) ?? subscription.id,
      otherIds: [other.id, otherCandidate.id, deliveryOf(GLOBEX) ?? other.id],
      cursors,
    };
  }

  async function snapshot(): Promise<Snapshot> {
    const rows = await t.dataSource.query<{ t: string; n: number; h: string }[]>(snapshotSql);
    return new Map(rows.map((r) => [r.t, { rows: r.n, hash: r.h }]));
  }

  function differences(before: Snapshot, after: Snapshot): string[] {
    const out: string[] = [];
    for (const [table, was] of before) {
      const now = after.get(table);
      if (!now || now.rows !== was.rows || now.hash !== was.hash) {
        out.push(
          `${table}: ${was.rows} -> ${now?.rows ?? '?'} rows${now && now.rows === was.rows ? ' (a row changed)' : ''}`,
        );
      }
    }
    return out;
  }

  /**
   * Waits until no delivery is being sent or due within a minute, so the dispatcher cannot write
   * while a run is measured. Deliveries still due after a while (a fuzzed subscription that
   * fails and retries fast) are cancelled: they belong to earlier, accepted requests.
   */
  async function quiesce(): Promise<void> {
    const busySql = `SELECT count(*)::int AS n FROM webhook_deliveries
      WHERE status = 'sending'
         OR (status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= now() + interval '60 seconds'))`;
    const until = Date.now() + 3000;
    for (;;) {
      const [{ n }] = await t.dataSource.query<{ n: number }[]>(busySql);
      if (n === 0) return;
      if (Date.now() > until) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    await t.dataSource.query(
      `UPDATE webhook_deliveries SET status = 'cancelled', next_attempt_at = NULL, updated_at = now()
       WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= now() + interval '60 seconds')`,
    );
    const stuckUntil = Date.now() + 10_000;
    for (;;) {
      const [{ n }] = await t.dataSource.query<{ n: number }[]>(busySql);
      if (n === 0) return;
      if (Date.now() > stuckUntil) {
        throw new Error(`${n} deliveries stayed 'sending' for more than 10 s`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** A stable snapshot: after accepted requests, until two in a row agree. */
  async function settledSnapshot(): Promise<Snapshot> {
    await quiesce();
    let last = await snapshot();
    if (!unsettled) return last;
    for (let i = 0; i < 40; i++) {
      await new Promise((r) => setTimeout(r, 25));
      await quiesce();
      const next = await snapshot();
      if (differences(last, next).length === 0) {
        unsettled = false;
        return next;
      }
      last = next;
    }
    throw new Error('the database did not settle within 1 s after accepted requests');
  }

  /** The secrets the answer and the logs written since the last check hold (none, hopefully). */
  function leaksOf(
    req: FuzzRequest,
    answer: Answer,
    token: string | null,
    logged: string,
  ): string | null {
    const secrets = [
      ...FIXED_SECRETS,
      ...(token ? [['the bearer token sent', token] as const] : []),
    ];
    const problems: string[] = [];
    let inAnswer = leaksIn(`${JSON.stringify(answer.headers)}\n${answer.text}`, secrets);
    // The one place the seeded secret belongs: GET .../secret, 200, acme with the permission.
    if (isOwnSecretAnswer(req, answer)) {
      inAnswer = inAnswer.filter((n) => !SUBSCRIPTION_SECRET_NAMES.has(n));
    }
    if (inAnswer.length > 0) problems.push(`secret in the answer (${inAnswer.join(', ')})`);
    const inLogs = leaksIn(logged, secrets);
    if (inLogs.length > 0) {
      const value = secrets.find(([n]) => n === inLogs[0])?.[1] ?? '';
      const at = logged.indexOf(value);
      const excerpt = logged.slice(Math.max(0, at - 300), at + value.length + 300);
      problems.push(
        `secret in the logs (${inLogs.join(', ')}): ${clip(redact(excerpt, tokenList(token)), 800)}`,
      );
    }
    return problems.length > 0 ? problems.join('\n  ') : null;
  }

  function isOwnSecretAnswer(req: FuzzRequest, answer: Answer): boolean {
    if (answer.status !== 200 || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    if (!isValidAuth(req.auth, ACME, MANAGE)) return false;
    try {
      const body = JSON.parse(answer.text) as unknown;
      return (
        typeof body === 'object' &&
        body !== null &&
        Object.keys(body).length === 1 &&
        (body as { secret?: unknown }).secret === SUBSCRIPTION_SECRET
      );
    } catch {
      return req.method === 'HEAD' && answer.text === '';
    }
  }

  function tokenList(token: string | null): string[] {
    return token ? [token] : [];
  }

  /** One run: the requests in order, then the stored rows if every one was refused. */
  async function runBatch(route: string, requests: FuzzRequest[]): Promise<void> {
    const routeStats = stats.get(route)!;
    const before = await settledSnapshot();
    routeStats.runs++;
    const answers: { req: FuzzRequest; answer: Answer; token: string | null }[] = [];
    for (const req of requests) {
      const { header, token } = authorization(req.auth);
      if (token) tokensSent.add(token);
      let answer: Answer;
      try {
        answer = await send(port, req, header);
      } catch (error) {
        unsettled = true;
        throw new Error(
          `no answer (${error instanceof Error ? error.message : String(error)})\n  request: ${describeRequest(req, tokenList(token))}`,
        );
      }
      routeStats.requests++;
      const bucket = `${answer.status}`;
      routeStats.statuses[bucket] = (routeStats.statuses[bucket] ?? 0) + 1;
      answers.push({ req, answer, token });
      const write = !['GET', 'HEAD', 'OPTIONS'].includes(req.method);
      if (write && (answer.status < 400 || answer.status >= 500)) dirty = true;
      if (answer.status < 400 || answer.status >= 500) unsettled = true;
      const logged = capture.takeNew();
      const leaks = leaksOf(req, answer, token, logged);
      if (answer.status >= 500 || leaks) {
        const tokens = tokenList(token);
        const problem = answer.status >= 500 ? `${answer.status} answer` : (leaks ?? '');
        throw new Error(
          `${problem}\n  request: ${describeRequest(req, tokens)}\n  answer: ${describeAnswer(answer, tokens)}${
            answer.status >= 500
              ? `${leaks ? `\n  ${leaks}` : ''}\n  logged: ${clip(redact(logged, tokens), 900)}`
              : ''
          }`,
        );
      }
      const keys = Object.getOwnPropertyNames(Object.prototype).sort().join(',');
      if (keys !== prototypeKeys || ({} as Record<string, unknown>).polluted !== undefined) {
        throw new Error(
          `Object.prototype polluted (${keys})\n  request: ${describeRequest(req, tokenList(token))}`,
        );
      }
    }
    if (answers.every(({ answer }) => answer.status >= 400 && answer.status < 500)) {
      const after = await snapshot();
      const changed = differences(before, after);
      if (changed.length > 0) {
        unsettled = true;
        throw new Error(
          `stored rows after refused requests: ${changed.join('; ')}\n${answers
            .map(
              ({ req, answer, token }) =>
                `  request: ${describeRequest(req, tokenList(token))}\n  answer: ${describeAnswer(answer, tokenList(token))}`,
            )
            .join('\n')}`,
        );
      }
      routeStats.checked++;
    }
  }

  async function fuzz(
    route: string,
    index: number,
    build: (ctx: Context) => fc.Arbitrary<FuzzRequest>,
  ): Promise<void> {
    const started = Date.now();
    const share = Math.max(600, (deadline - started) / Math.max(1, routesLeft()));
    // Fresh records when an earlier route may have changed them (deleted, rotated, signed,
    // terminated, ...): a write that was not refused. Refused ones change nothing (checked).
    if (!fixtures || dirty) fixtures = await seed();
    dirty = false;
    const ctx: Context = { fixtures, receiverUrl: `http://127.0.0.1:${receiver.port}`, eventTypes };
    stats.set(route, {
      runs: 0,
      requests: 0,
      statuses: {},
      checked: 0,
      ms: 0,
      seedMs: Date.now() - started,
    });
    let stopAt = started + share;
    let failedOnce = false;
    let lastFailure = '';
    const property = fc.asyncProperty(
      fc.array(build(ctx), { minLength: 1, maxLength: 3 }),
      async (requests) => {
        // Time budget used up (each route still makes MIN_RUNS): the run passes, unchecked.
        if (Date.now() > stopAt && stats.get(route)!.runs >= MIN_RUNS) return;
        try {
          await runBatch(route, requests);
        } catch (error) {
          // Shrinking re-runs the property: it gets a bounded budget of its own.
          if (!failedOnce) stopAt = Date.now() + SHRINK_TIME_MS;
          failedOnce = true;
          lastFailure = error instanceof Error ? error.message : String(error);
          throw error;
        }
      },
    );
    try {
      await fc.assert(property, { numRuns: RUNS_PER_ROUTE, seed: BASE_SEED + index });
    } catch (error) {
      // fast-check's report prints the counterexample (bodies up to 300 KiB); the last failure
      // seen is the shrunk counterexample's, described and clipped.
      const report = error instanceof Error ? error.message : String(error);
      const replay = report.split('\n').slice(0, 2).join(' ');
      throw new Error(`${replay}\n  ${lastFailure}`);
    } finally {
      done.add(route);
      stats.get(route)!.ms = Date.now() - started;
    }
    const s = stats.get(route)!;
    // The row check must have been exercised wherever refusals are the rule (not /health).
    const refused = Object.entries(s.statuses)
      .filter(([status]) => status.startsWith('4'))
      .reduce((sum, [, n]) => sum + n, 0);
    if (s.runs >= 5 && refused * 2 >= s.requests) expect(s.checked).toBeGreaterThan(0);
  }

  const done = new Set<string>();
  let fixtures: Fixtures | null = null;
  /** A write was accepted (or failed with 5xx) since the records were seeded. */
  let dirty = false;
  let routeNames: string[] = [];
  const routesLeft = () => routeNames.filter((r) => !done.has(r)).length;

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
      appLogger = t.app.get(PinoLogger, { strict: false });
    } catch {
      appLogger = null; // the app's logger is Nest's own: nothing to pass on to
    }
    t.app.useLogger(new CapturingLogger(capture, appLogger));
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer() as { address(): AddressInfo }).address().port;
    base = `http://127.0.0.1:${port}`;
    receiver = await TestReceiver.start();

    const doc = (await request(base).get('/docs-json').expect(200)).body as OpenApiDocument;
    operations = operationsOf(doc).filter(
      (op) =>
        op.template.startsWith('/api/') || op.template === '/health' || op.template === '/metrics',
    );
    const types = await request(base).get('/api/event-types').set(auth(ACME)).expect(200);
    eventTypes = types.body as { type: string; schema: SchemaObject }[];

    const tables = await t.dataSource.query<{ table_name: string }[]>(
      `SELECT table_name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'migrations'
       ORDER BY table_name`,
    );
    snapshotSql = tables
      .map(
        ({ table_name: name }) =>
          `SELECT '${name}' AS t, count(*)::int AS n,
                  md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h
           FROM "${name}" x`,
      )
      .join(' UNION ALL ');
    routeNames = [...operations.map((op) => `${op.method} ${op.template}`), 'stray'];
    deadline = Date.now() + FUZZ_TIME_MS;
  }, 120_000);

  afterAll(async () => {
    capture.stop();
    const lines = [...stats].map(
      ([route, s]) =>
        `${route.padEnd(45)} runs=${String(s.runs).padStart(3)} requests=${String(s.requests).padStart(4)} checked=${String(s.checked).padStart(3)} ${String(s.ms).padStart(5)}ms (seed ${s.seedMs}) ${JSON.stringify(s.statuses)}`,
    );
    if (lines.length > 0) console.log(`fuzz summary (seed ${BASE_SEED}):\n${lines.join('\n')}`);
    (t?.app.getHttpServer() as Server | undefined)?.closeAllConnections();
    await t?.close();
    await receiver?.close();
  });

  describe('controls: the checks see what they look for', () => {
    it('the row check sees a stored row, and the scanners see the secret where it belongs', async () => {
      await quiesce();
      const before = await snapshot();
      await post('/api/candidates', ACME, {
        firstName: 'Control',
        lastName: 'Row',
        email: `control.${process.pid}@example.com`,
      });
      await quiesce();
      expect(differences(before, await snapshot())).toEqual(
        expect.arrayContaining([expect.stringMatching(/^hr_candidates: \d+ -> \d+ rows/)]),
      );

      const subscription = await post<{ id: string }>('/api/webhooks', ACME, {
        url: receiver.url('/control'),
        events: ['*'],
        secret: SUBSCRIPTION_SECRET,
      });
      const res = await request(base)
        .get(`/api/webhooks/${subscription.id}/secret`)
        .set(auth(ACME, [MANAGE]))
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
          await new Promise((r) => setTimeout(r, 20));
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
      unsettled = true;
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
          await fuzz(route, index, (ctx) => requestOf(op, ctx));
        } catch (error) {
          failures.push(`${route}:\n${error instanceof Error ? error.message : String(error)}`);
          done.add(route);
        }
      }
      if (failures.length > 0) throw new Error(failures.join('\n\n'));
    }, 300_000);

    it('never answers 5xx, stores nothing when refusing, leaks no secret: unknown routes and methods', async () => {
      const templates = [...new Set(operations.map((op) => op.template))];
      await fuzz('stray', operations.length, (ctx) => strayRequest(ctx, templates));
    }, 120_000);
  });

  describe('afterwards', () => {
    it('no token sent and no secret appears anywhere in everything logged during the run', () => {
      const text = capture.all();
      const secrets = [
        ...FIXED_SECRETS,
        ...[...tokensSent].map((tk) => ['a bearer token sent', tk] as const),
      ];
      const found = leaksIn(text, secrets);
      expect(found).toEqual([]);
    });
  });
});
