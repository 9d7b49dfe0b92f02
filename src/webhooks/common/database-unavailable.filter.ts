import { ArgumentsHost, Catch, HttpStatus, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';
import { sendDomainError } from './error-response';

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

/** PostgreSQL SQLSTATEs meaning "not now": shutting down, starting up, too many connections. */
const SERVER_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '53300', '53400']);

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
 * Answers `503` with `Retry-After` when a request failed because the database is unreachable
 * (outage, restart, failover), instead of a bare 500: clients retry, and with the same
 * Idempotency-Key a retried publish creates nothing twice. Anything else goes to Nest's default
 * handling.
 */
@Catch()
export class DatabaseUnavailableFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('Database');

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http' || !isDatabaseUnavailable(exception)) {
      super.catch(exception, host);
      return;
    }
    this.logger.warn(
      `Request refused with 503: database unavailable (${exception instanceof Error ? exception.message : 'unknown error'})`,
    );
    const response = host.switchToHttp().getResponse<Response>();
    response.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
    sendDomainError(response, HttpStatus.SERVICE_UNAVAILABLE, {
      code: 'database_unavailable',
      message: `the database is unavailable; try again in ${DATABASE_RETRY_AFTER_SECONDS} s (a publish retried with the same Idempotency-Key is stored once)`,
    });
  }
}
