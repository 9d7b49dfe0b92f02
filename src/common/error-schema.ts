import type { OpenAPIObject } from '@nestjs/swagger';

/** The one error shape every 4xx and 5xx answer has (see `HttpErrorFilter`, `sendDomainError`). */
type SchemaObject = NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>[string];

export const ERROR_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['statusCode', 'error', 'message', 'code'],
  properties: {
    statusCode: { type: 'integer', example: 400 },
    error: { type: 'string', example: 'Bad Request' },
    message: {
      type: 'array',
      items: { type: 'string' },
      description: 'Every problem, each naming its field where there is one',
      example: ['url must be a URL address'],
    },
    code: { type: 'string', example: 'INVALID_FIELD' },
    field: {
      type: 'string',
      description: 'The field the (first) problem is about',
      example: 'url',
    },
  },
};

/** Gives every documented 4xx and 5xx answer of `document` the error shape as its JSON body. */
export function documentErrorShape(document: OpenAPIObject): OpenAPIObject {
  document.components = document.components ?? {};
  document.components.schemas = { ...document.components.schemas, ErrorResponse: ERROR_SCHEMA };
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item)) {
      const responses = (operation as { responses?: Record<string, { content?: unknown }> })
        .responses;
      for (const [status, response] of Object.entries(responses ?? {})) {
        if (Number(status) >= 400 && !response.content) {
          response.content = {
            'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } },
          };
        }
      }
    }
  }
  return document;
}
