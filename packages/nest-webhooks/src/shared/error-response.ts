import { HttpStatus } from '@nestjs/common';

/**
 * What an exception filter is handed as the response: Express's `Response` (`status(code)` then
 * `json(body)`) or Fastify's reply (`status(code)` then `send(body)`, an object sent as JSON); the
 * module works on either adapter.
 */
export interface HttpReply {
  status(code: number): { json?(body: unknown): unknown; send?(body: unknown): unknown };
}

/** Whether the answer has already begun (Express: `headersSent`; Fastify: `sent`, or its raw). */
export function isAnswered(response: object): boolean {
  const reply = response as {
    headersSent?: boolean;
    sent?: boolean;
    raw?: { headersSent?: boolean };
  };
  return Boolean(reply.headersSent ?? (reply.sent || reply.raw?.headersSent));
}

/**
 * A domain error in Nest's error shape, `{statusCode, message: [..], error, code}` plus the
 * `field` it is about when there is one (the first, when `messages` lists several problems):
 * what every exception filter of the app answers.
 */
export function sendDomainError(
  response: HttpReply,
  status: HttpStatus,
  error: { code: string; message: string; field?: string; messages?: readonly string[] },
): void {
  const body = {
    statusCode: status,
    message: error.messages ? [...error.messages] : [error.message],
    error: HttpStatus[status]
      .split('_')
      .map((word) => word[0] + word.slice(1).toLowerCase())
      .join(' '),
    code: error.code,
    ...(error.field ? { field: error.field } : {}),
  };
  const reply = response.status(status);
  if (reply.json) reply.json(body);
  else reply.send?.(body);
}
