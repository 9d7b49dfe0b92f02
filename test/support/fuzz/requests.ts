import * as fc from 'fast-check';
import { type AuthSpec, authSpec } from './auth';
import type { Operation } from './openapi';
import { objectOf } from './schema-values';
import {
  type Context,
  deepNesting,
  headerValue,
  jsonText,
  nastyString,
  POLLUTION,
  uuidish,
} from './values';

// Whole requests: a method and target (path with ids, query string), a token, extra headers and
// a body, for one operation of the document (`requestOf`) or for any route at all (`strayRequest`).

/** A body: raw bytes or text, with its Content-Type and maybe a Content-Encoding. */
export interface BodySpec {
  text: string | null;
  bytes: number[] | null;
  contentType: string | null;
  contentEncoding: string | null;
  chunked: boolean;
}

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

export interface FuzzRequest {
  method: string;
  target: string;
  auth: AuthSpec;
  idempotencyKey: string | null;
  headers: [string, string][];
  body: BodySpec | null;
}

export function requestOf(op: Operation, ctx: Context): fc.Arbitrary<FuzzRequest> {
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
export function strayRequest(ctx: Context, templates: string[]): fc.Arbitrary<FuzzRequest> {
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
