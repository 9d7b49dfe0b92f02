import {
  type CallHandler,
  type ExecutionContext,
  HttpException,
  HttpStatus,
  Injectable,
  Logger,
  type NestInterceptor,
  ServiceUnavailableException,
} from '@nestjs/common';
import { catchError, type Observable, throwError } from 'rxjs';
import { errorMessage } from './error-message';

/** Seconds a client is told to wait before trying again while the database is away. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Socket-level failures: the server is not reachable, or the connection broke. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL SQLSTATEs meaning "not now": shutting down, starting up, too many connections, and a
 * read-only server (a standby right after a failover).
 */
const SERVER_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '53300', '25006']);

const MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection is not established',
  'the database system is',
];

/**
 * Whether `error` (or the driver error it wraps) means the database cannot be reached right now,
 * as opposed to a statement the database refused.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof HttpException) return false;
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string') {
      if (NETWORK_CODES.has(code) || SERVER_UNAVAILABLE.has(code) || code.startsWith('08')) {
        return true;
      }
    }
    if (typeof message === 'string' && MESSAGES.some((m) => message.includes(m))) return true;
    const next = current as { driverError?: unknown; cause?: unknown };
    current = next.driverError ?? next.cause;
  }
  return false;
}

/**
 * Turns a failure to reach the database (outage, restart, failover) into `503` with
 * `Retry-After`, instead of a bare 500: clients retry, and with the same Idempotency-Key a retried
 * publish creates nothing twice. An interceptor rather than a catch-all filter, so that a host
 * app's own exception filters still see every error (as an HttpException for this one).
 */
@Injectable()
export class DatabaseUnavailableInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Database');

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (context.getType() !== 'http' || !isDatabaseUnavailable(error)) {
          return throwError(() => error);
        }
        this.logger.warn(`Request refused with 503: database unavailable (${errorMessage(error)})`);
        context
          .switchToHttp()
          .getResponse<{ header(name: string, value: string): unknown }>()
          .header('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
        return throwError(
          () =>
            new ServiceUnavailableException({
              statusCode: HttpStatus.SERVICE_UNAVAILABLE,
              message: [
                `the database is unavailable; try again in ${DATABASE_RETRY_AFTER_SECONDS} s (a publish retried with the same Idempotency-Key is stored once)`,
              ],
              error: 'Service Unavailable',
              code: 'database_unavailable',
            }),
        );
      }),
    );
  }
}
