import { HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hasLoneSurrogate } from 'nest-webhooks/shared';

/** The largest JSON body a route takes, in bytes (256 KiB). */
export const JSON_BODY_LIMIT = 256 * 1024;
/** `POST /api/events/batch` takes up to 500 events: its own, larger limit (5 MiB). */
export const BATCH_BODY_LIMIT = 5 * 1024 * 1024;
const BATCH_ROUTE = '/api/events/batch';
/** Deepest nesting of arrays and objects a JSON body may have (validation recurses through it). */
export const JSON_MAX_DEPTH = 32;

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
/** `application/json` and the `+json` types (`application/problem+json`...), any parameters. */
const JSON_TYPE = /^application\/(?:[\w!#$&^.-]+\+)?json\s*(?:;|$)/i;

/**
 * The app's one body parser, for every content type. A body that is not JSON is refused with 400
 * on `/api` routes (rather than reaching validation as nothing) and left unread elsewhere. A JSON
 * body over its route's limit is refused with 413: before it is read when `Content-Length` says
 * so, else as soon as the bytes read pass it; then it is parsed and checked safe to validate
 * (`unsafeJson`); an empty body is no body. Every refusal is an HttpException, answered in the
 * API's error shape by the global filter. Runs only for requests that carry a body.
 */
export function registerJsonBody(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (request, payload, done) => {
    if (!JSON_TYPE.test(request.headers['content-type'] ?? '')) {
      const refused = BODY_METHODS.has(request.method) && isApiRoute(request);
      return done(
        refused ? invalidBody('body must be JSON (Content-Type: application/json)') : null,
      );
    }
    const limit = bodyLimit(request);
    if (Number(request.headers['content-length'] ?? 0) > limit) return done(tooLarge(limit));
    readBody(payload, limit, (error, text) => {
      if (error) return done(error);
      let body: unknown;
      try {
        body = parseJson(text!);
      } catch (refusal) {
        return done(refusal as HttpException);
      }
      done(null, body);
    });
  });
}

/**
 * Reads `payload` whole, refusing with 413 as soon as it passes `limit` bytes, whether or not a
 * `Content-Length` announced it (a chunked body is counted as it arrives).
 */
function readBody(
  payload: NodeJS.ReadableStream,
  limit: number,
  done: (error: Error | null, text?: string) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  const finish = (error: Error | null, text?: string): void => {
    payload.removeListener('data', onData);
    payload.removeListener('end', onEnd);
    payload.removeListener('error', onError);
    done(error, text);
  };
  const onData = (chunk: Buffer | string): void => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += bytes.length;
    if (size > limit) return finish(tooLarge(limit));
    chunks.push(bytes);
  };
  const onEnd = (): void => finish(null, Buffer.concat(chunks, size).toString('utf8'));
  const onError = (error: Error): void => finish(Object.assign(error, { statusCode: 400 }));
  payload.on('data', onData);
  payload.on('end', onEnd);
  payload.on('error', onError);
  payload.resume();
}

/** The parsed body (undefined when empty), or the HttpException saying why it cannot be taken. */
function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalidBody(`body is not valid JSON: ${(error as Error).message}`);
  }
  const problem =
    parsed !== null && typeof parsed === 'object' ? unsafeJson(parsed, JSON_MAX_DEPTH) : null;
  if (problem) throw invalidBody(problem);
  return parsed;
}

function isApiRoute(request: FastifyRequest): boolean {
  return request.url.toLowerCase().startsWith('/api/');
}

function bodyLimit(request: FastifyRequest): number {
  const path = request.url.split('?', 1)[0].toLowerCase().replace(/\/+$/, '');
  return path === BATCH_ROUTE ? BATCH_BODY_LIMIT : JSON_BODY_LIMIT;
}

function invalidBody(message: string): HttpException {
  return new HttpException({ message: [message], code: 'INVALID_BODY' }, HttpStatus.BAD_REQUEST);
}

function tooLarge(limit: number): HttpException {
  return new HttpException(
    { message: [`body must be at most ${sizeInWords(limit)}`], code: 'PAYLOAD_TOO_LARGE' },
    HttpStatus.PAYLOAD_TOO_LARGE,
  );
}

/** A body limit in bytes as people write it: 262144 is "256 KiB", 5242880 "5 MiB". */
function sizeInWords(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  return `${Math.round(bytes / 1024)} KiB`;
}

/** PostgreSQL text and jsonb cannot hold NUL, and validators throw on lone surrogates. */
function unsafeString(text: string): string | null {
  if (text.includes('\u0000')) return 'body must not contain NUL characters (\\u0000)';
  if (hasLoneSurrogate(text)) return 'body must be well-formed Unicode (a lone surrogate)';
  return null;
}

/**
 * What makes a parsed JSON value unsafe to validate: nesting deeper than `maxDepth` (a few KB of
 * `[[[[...]]]]` would exhaust the stack of validation and transformation), or a key or string
 * that is not well-formed Unicode or holds NUL; null when none. Iterative: no recursion.
 */
export function unsafeJson(value: object, maxDepth: number): string | null {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current === 'string') {
      const problem = unsafeString(current);
      if (problem) return problem;
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth > maxDepth) return `body must not be nested more than ${maxDepth} levels deep`;
    for (const [key, child] of Object.entries(current as Record<string, unknown>)) {
      const problem = unsafeString(key);
      if (problem) return problem;
      stack.push([child, depth + 1]);
    }
  }
  return null;
}
