import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type CallHandler,
  type DynamicModule,
  type ExecutionContext,
  Injectable,
  RequestMethod,
  type NestInterceptor,
} from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import { catchError, type Observable, throwError } from 'rxjs';
import type { LogLevel } from '../config/app-config';
import { REDACTED, redactSecrets, SECRET_KEYS } from './redact';

/** A caller's `X-Request-Id` is kept when it is a plain token; otherwise a new UUID. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * The request id of `req`: the caller's `X-Request-Id` when usable, else a new one; echoed in the
 * answer. Set once (configureApp assigns it before any other middleware, so early refusals carry it too).
 */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const assigned = (req as IncomingMessage & { id?: unknown }).id;
  if (typeof assigned === 'string') return assigned;
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader(REQUEST_ID_HEADER, id);
  (req as IncomingMessage & { id?: string }).id = id;
  return id;
}

/** What an error's log line keeps of it (before secrets are masked). */
interface ErrorFields {
  type?: unknown;
  code?: unknown;
  message?: unknown;
  stack?: unknown;
}

/**
 * An Error's fields, or those of one pino has serialised already: pino-http hands a custom `err`
 * serialiser the plain object its standard one made (type, message, stack and every own field of
 * the error); null for anything else thrown.
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

/**
 * Puts what a handler threw on the request's own log line when the answer is a 5xx: pino-http logs
 * `res.err` then, and without it a 500's line said only "failed with status code 500". Read when
 * the line is written, once an exception filter has chosen the status: a refusal answered 4xx
 * stays a completed request (nestjs-pino's LoggerErrorInterceptor sets it for every error, and
 * would log a 404 as an errored request).
 */
@Injectable()
export class ServerErrorCauseInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        const res = context.switchToHttp().getResponse<ServerResponse>();
        Object.defineProperty(res, 'err', {
          configurable: true,
          get: () => (res.statusCode >= 500 ? error : undefined),
        });
        return throwError(() => error);
      }),
    );
  }
}

/**
 * JSON logs with pino (nestjs-pino): every line logged while a request is handled carries its
 * `requestId` (also answered as `X-Request-Id`); one line per finished request (method, path,
 * status, time; never headers or bodies); signing secrets, tokens and credentials redacted from
 * every line, in objects (by key) and in messages (by pattern).
 */
export function loggingModule(level: LogLevel, stream?: DestinationStream): DynamicModule {
  const options: Options = {
    level,
    genReqId: requestId,
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    serializers: {
      req: (req: { method?: string; url?: string }) => ({
        method: req.method,
        url: redactSecrets(String(req.url ?? '')),
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      err: serializeError,
    },
    autoLogging: {
      ignore: (req) => req.url === '/health' || req.url === '/metrics',
    },
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
  return LoggerModule.forRoot({
    pinoHttp: stream ? [options, stream] : options,
    // Probes and scrapes are never logged: they skip the per-request logger altogether.
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
}
