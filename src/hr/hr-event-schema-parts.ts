import type { JsonSchema } from 'nest-webhooks';

// The JSON Schema pieces the HR event types share.

export const id = { type: 'string', format: 'uuid' };
/** YYYY-MM-DD. */
export const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' };
/** ISO-8601 with its offset. */
export const dateTime = { type: 'string', format: 'date-time' };
export const candidateStatus = {
  type: 'string',
  enum: ['new', 'screening', 'interview', 'offer', 'hired', 'rejected'],
};
export const contractType = {
  type: 'string',
  enum: ['CDI', 'CDD', 'INTERIM', 'APPRENTISSAGE', 'STAGE'],
};
export const skills = { type: 'array', items: { type: 'string', minLength: 1 } };

/** An object with exactly these properties, every one of them required. */
export function exactObject(properties: Record<string, JsonSchema>): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    required: Object.keys(properties),
    properties,
  };
}
