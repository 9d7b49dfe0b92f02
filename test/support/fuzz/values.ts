import * as fc from 'fast-check';
import type { EventTypeSchema } from './openapi';

// Generators. Values are generated as JSON text, so bodies can carry duplicate keys, `__proto__`
// as an own key, and nesting deeper than fast-check's printer would like as objects.

export interface Fixtures {
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

export interface Context {
  fixtures: Fixtures;
  receiverUrl: string;
  eventTypes: EventTypeSchema[];
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

export const nastyString: fc.Arbitrary<string> = fc.oneof(
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

export const deepNesting: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 10, max: 5000 }), fc.constantFrom('array', 'object', 'mixed'))
  .map(([depth, shape]) => {
    if (shape === 'array') return `${'['.repeat(depth)}${']'.repeat(depth)}`;
    if (shape === 'object') return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    return `${'[{"a":'.repeat(depth)}null${'}]'.repeat(depth)}`;
  });

export const POLLUTION = [
  '{"__proto__":{"polluted":"yes","isActive":false,"companyId":"globex"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"__proto__":{"__proto__":{"polluted":"yes"}}}',
  '{"prototype":{"polluted":"yes"}}',
  '{"__proto__":null}',
  '{"toString":"x","valueOf":1,"hasOwnProperty":"x","__defineGetter__":1}',
];

export const NUMBER_TEXTS = [
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
export const jsonText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.json({ maxDepth: 3 }) },
  { weight: 4, arbitrary: nastyString.map((s) => JSON.stringify(s)) },
  { weight: 2, arbitrary: fc.constantFrom(...NUMBER_TEXTS, 'null', 'true', 'false', '[]', '{}') },
  { weight: 1, arbitrary: fc.double().map((d) => JSON.stringify(d)) },
  { weight: 1, arbitrary: deepNesting },
  { weight: 1, arbitrary: fc.constantFrom(...POLLUTION) },
);

export function objectText(entries: readonly (readonly [string, string])[]): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
}

export const uuidish: fc.Arbitrary<string> = fc
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

export const dateText: fc.Arbitrary<string> = fc.oneof(
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

export const dateTimeText: fc.Arbitrary<string> = fc.oneof(
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

export const emailText: fc.Arbitrary<string> = fc.oneof(
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

const HEADER_CHAR = fc
  .oneof(
    { weight: 12, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
    { weight: 2, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
    { weight: 1, arbitrary: fc.constant(0x09) },
  )
  .map((c) => String.fromCharCode(c));

export const headerValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: HEADER_CHAR, maxLength: 64 }) },
  { weight: 1, arbitrary: fc.integer({ min: 256, max: 6000 }).map((n) => 'v'.repeat(n)) },
);
