import { HttpStatus } from '@nestjs/common';
import type { Response } from 'express';

/**
 * A domain error in Nest's error shape, `{statusCode, message: [..], error, code}` plus the
 * `field` it is about when there is one (the first, when `messages` lists several problems):
 * what every exception filter of the app answers.
 */
export function sendDomainError(
  response: Response,
  status: HttpStatus,
  error: { code: string; message: string; field?: string; messages?: readonly string[] },
): void {
  response.status(status).json({
    statusCode: status,
    message: error.messages ? [...error.messages] : [error.message],
    error: HttpStatus[status]
      .split('_')
      .map((word) => word[0] + word.slice(1).toLowerCase())
      .join(' '),
    code: error.code,
    ...(error.field ? { field: error.field } : {}),
  });
}
