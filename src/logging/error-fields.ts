import { redactSecrets } from './redact';

/** What an error's log line keeps of it (before secrets are masked). */
interface ErrorFields {
  type?: unknown;
  code?: unknown;
  message?: unknown;
  stack?: unknown;
}

/**
 * An Error's fields, or those of an error serialised already (a plain object with its type,
 * message, stack and own fields, as pino's standard serialiser makes it); null for anything else
 * thrown.
 */
function errorFields(error: unknown): ErrorFields | null {
  if (error instanceof Error) {
    const { code } = error as ErrorFields;
    return { type: error.constructor.name, code, message: error.message, stack: error.stack };
  }
  if (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as ErrorFields).message === 'string'
  ) {
    return error;
  }
  return null;
}

/**
 * Errors in logs: type, code, message and stack with secrets masked, nothing else. pino's default
 * copies every field, and a TypeORM QueryFailedError carries the statement's `parameters`
 * (subscription headers, event data).
 */
export function serializeError(error: unknown): Record<string, unknown> {
  const fields = errorFields(error);
  if (fields === null) return { message: redactSecrets(String(error)) };
  const { type, code, message, stack } = fields;
  return {
    type: typeof type === 'string' ? type : 'Error',
    ...(typeof code === 'string' ? { code } : {}),
    message: redactSecrets(String(message)),
    stack: typeof stack === 'string' ? redactSecrets(stack) : undefined,
  };
}
