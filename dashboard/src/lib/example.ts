/**
 * An example of a JSON Schema's instance, for the event catalog: the schema's own `examples`,
 * `example`, `default`, `const` or first `enum` value where it gives one, else a plausible value
 * of its type and format. Pure.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

type Schema = Record<string, unknown>;

const FORMAT_EXAMPLES: Record<string, string> = {
  'date-time': '2026-11-20T09:30:00Z',
  date: '2026-11-20',
  time: '09:30:00',
  email: 'jane.doe@example.com',
  uuid: '3f1c2b9e-8d4a-4c6e-9b1f-2a7d5e6c8b90',
  uri: 'https://example.com/',
  url: 'https://example.com/',
};

export function exampleOf(schema: unknown, depth = 0): Json {
  if (typeof schema !== 'object' || schema === null || depth > 8) return null;
  const s = schema as Schema;
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0] as Json;
  if ('example' in s) return s.example as Json;
  if ('default' in s) return s.default as Json;
  if ('const' in s) return s.const as Json;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0] as Json;
  for (const key of ['oneOf', 'anyOf', 'allOf'] as const) {
    const options = s[key];
    if (Array.isArray(options) && options.length) {
      if (key !== 'allOf') return exampleOf(options[0], depth + 1);
      return Object.assign({}, ...options.map((o) => exampleOf(o, depth + 1))) as Json;
    }
  }
  const type = Array.isArray(s.type) ? (s.type.find((t) => t !== 'null') as unknown) : s.type;
  switch (type) {
    case 'object':
    case undefined: {
      const properties = (s.properties ?? {}) as Record<string, unknown>;
      if (type === undefined && !s.properties) return null;
      const result: Record<string, Json> = {};
      for (const [name, property] of Object.entries(properties)) {
        result[name] = exampleOf(property, depth + 1);
      }
      return result;
    }
    case 'array':
      return s.items ? [exampleOf(s.items, depth + 1)] : [];
    case 'string':
      if (typeof s.format === 'string' && FORMAT_EXAMPLES[s.format]) {
        return FORMAT_EXAMPLES[s.format];
      }
      // A date written as a pattern (`^\d{4}-\d{2}-\d{2}$`) rather than a format.
      if (typeof s.pattern === 'string' && s.pattern.includes('\\d{4}-\\d{2}-\\d{2}')) {
        return FORMAT_EXAMPLES.date;
      }
      return 'string';
    case 'integer':
      return typeof s.minimum === 'number' ? Math.ceil(s.minimum) : 1;
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : 1.5;
    case 'boolean':
      return true;
    default:
      return null;
  }
}

/** The `json` body a receiver gets for an event of this type with this data. */
export function examplePayload(type: string, data: Json, companyId: string | null): Json {
  return {
    id: '0f8c2d0e-5b7a-4d51-9a43-6c1e2f3a4b5c',
    event: type,
    timestamp: '2026-11-20T09:30:00.000Z',
    companyId: companyId ?? 'acme',
    data,
  };
}
