import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { catchError, type Observable, throwError } from 'rxjs';
import { requestContext } from './json-logger';
import { redactSecrets } from './redact';

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

/** Requests never logged: probes and scrapes. */
const UNLOGGED = new Set(['/health', '/metrics']);

/**
 * The first middleware: gives the request its id (`X-Request-Id`), runs the rest of its handling
 * in `requestContext` (every line logged meanwhile carries the id), and logs one line when the
 * answer is finished: method, path (secrets masked), status and time, never headers or bodies; at
 * error with what the handler threw for a 5xx (`ServerErrorCauseInterceptor`), else at info.
 * Nothing is built for a line the level leaves out.
 */
export function logRequests(logger: Logger) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const id = requestId(req, res);
    const url = req.url ?? '';
    if (!UNLOGGED.has(url)) {
      const startedAt = Date.now();
      const finished = (): void => {
        res.removeListener('finish', finished);
        res.removeListener('close', finished);
        const failed = (res as ServerResponse & { err?: unknown }).err;
        const errored = failed !== undefined || res.statusCode >= 500;
        const level = errored ? 'error' : 'info';
        if (!logger.isLevelEnabled(level)) return;
        const line = {
          requestId: id,
          req: { method: req.method, url: redactSecrets(url) },
          res: { statusCode: res.statusCode },
          responseTime: Date.now() - startedAt,
        };
        if (errored) {
          const err = failed ?? new Error(`failed with status code ${res.statusCode}`);
          logger.error({ ...line, err }, 'request errored');
        } else {
          logger.info(line, 'request completed');
        }
      };
      res.on('finish', finished);
      res.on('close', finished);
    }
    requestContext.run({ requestId: id }, next);
  };
}

/**
 * Puts what a handler threw on the request's own log line when the answer is a 5xx: `logRequests`
 * logs `res.err` then, and without it a 500's line says only "failed with status code 500". Read
 * when the line is written, once an exception filter has chosen the status: a refusal answered
 * 4xx stays a completed request.
 */
@Injectable()
export class ServerErrorCauseInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        // Express hands the node response itself; Fastify its reply, which holds it as `raw`.
        const reply = context
          .switchToHttp()
          .getResponse<ServerResponse & { raw?: ServerResponse }>();
        const res = reply.raw ?? reply;
        Object.defineProperty(res, 'err', {
          configurable: true,
          get: () => (res.statusCode >= 500 ? error : undefined),
        });
        return throwError(() => error);
      }),
    );
  }
}
