import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, type LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { LogLevel } from '../config/app-config';
import { serializeError } from './error-fields';
import { REDACTED, redactSecrets, SECRET_KEYS } from './redact';

/** The request being handled, for every line logged while it is (see `logRequests`). */
export const requestContext = new AsyncLocalStorage<{ requestId: string }>();

/**
 * The app's pino logger: JSON lines at `level`; each line logged while a request is handled
 * carries its `requestId` (read from `requestContext` when the line is written, so a request costs
 * no child logger); errors reduced to type, code, message and stack; secrets masked in objects (by
 * key) and in messages (by pattern).
 */
export function createPinoLogger(level: LogLevel, stream?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    mixin: () => {
      const request = requestContext.getStore();
      return request ? { requestId: request.requestId } : {};
    },
    serializers: { err: serializeError },
    redact: {
      paths: SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
      censor: REDACTED,
    },
    hooks: {
      logMethod(args, method) {
        method.apply(
          this,
          args.map((arg) => (typeof arg === 'string' ? redactSecrets(arg) : arg)) as Parameters<
            typeof method
          >,
        );
      },
    },
  };
  return stream ? pino(options, stream) : pino(options);
}

type PinoLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * Nest's logger on pino: `logger.log(message, context)` writes `{context, msg}` at info, an Error
 * as `err`, an object merged into the line, and Nest's exception handlers' `(message, stack,
 * context)` as an `err` with that stack.
 */
@Injectable()
export class JsonLogger implements LoggerService {
  constructor(readonly pino: Logger) {}

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: PinoLevel, message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    // Nest passes the context last.
    const rest = params.length > 0 ? params.slice(0, -1) : [];
    if (params.length > 0) fields.context = params[params.length - 1];
    if (message instanceof Error) {
      fields.err = message;
      this.pino[level](fields, ...(rest as []));
    } else if (typeof message === 'object' && message !== null) {
      this.pino[level](Object.assign(fields, message), ...(rest as []));
    } else if (level === 'error' && isExceptionHandlerCall(message, rest)) {
      const error = new Error(String(message));
      error.stack = rest[0] as string;
      this.pino[level]({ ...fields, err: error });
    } else {
      this.pino[level](fields, String(message), ...(rest as []));
    }
  }
}

/** Nest's exception handlers call `error(message, stack, context)`. */
function isExceptionHandlerCall(message: unknown, rest: unknown[]): boolean {
  return (
    typeof message === 'string' &&
    rest.length === 1 &&
    typeof rest[0] === 'string' &&
    /\n\s*at /.test(rest[0])
  );
}
