import * as fc from 'fast-check';
import type { SchemaObject } from './openapi';
import {
  type Context,
  dateText,
  dateTimeText,
  deepNesting,
  emailText,
  jsonText,
  nastyString,
  NUMBER_TEXTS,
  objectText,
  POLLUTION,
  uuidish,
} from './values';

// Values for what the OpenAPI document describes: plausible ones for each field (by its name, then
// its format, pattern and type), mixed with any JSON value, and objects with the schema's fields.

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
export function objectOf(schema: SchemaObject, ctx: Context, depth = 0): fc.Arbitrary<string> {
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
