import { type INestApplication, ValidationPipe } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { JsonLogger } from './logging/json-logger';
import { logRequests, ServerErrorCauseInterceptor } from './logging/request-logging';
import { json, type NextFunction, type Request, type Response } from 'express';
import { DatabaseUnavailableInterceptor } from './webhooks';
import { sendDomainError } from './common/error-response';
import { documentErrorShape } from './common/error-schema';
import { HttpErrorFilter } from './common/http-error.filter';
import { hasLoneSurrogate } from './common/storable-text';
import { validationException } from './common/validation-errors';

export const JSON_BODY_LIMIT = '256kb';
/** `POST /api/events/batch` takes up to 500 events: its own, larger limit. */
export const BATCH_BODY_LIMIT = '5mb';
const BATCH_ROUTE = '/api/events/batch';
/** Deepest nesting of arrays and objects a JSON body may have (validation recurses through it). */
export const JSON_MAX_DEPTH = 32;

/**
 * Logging, security headers, body parsing, validation, error shape and Swagger: shared by main.ts
 * and the tests.
 */
export function configureApp(
  app: NestExpressApplication,
  options: { shutdownHooks?: boolean } = {},
): INestApplication {
  const logger = app.get(JsonLogger);
  app.useLogger(logger);
  app.useGlobalInterceptors(new ServerErrorCauseInterceptor());
  // The request id and the request log first, so that refusals by the body guards below carry
  // an id and are logged as well.
  app.use(logRequests(logger.pino));
  // Off when the caller handles SIGTERM itself (main.ts with the embedded server): two handlers
  // would close the app twice, concurrently, and Nest's exits with 1 when the second one fails.
  if (options.shutdownHooks ?? true) app.enableShutdownHooks();
  // Security headers (CSP, HSTS, nosniff, frame-ancestors none, ...); Swagger UI works under them.
  // `upgrade-insecure-requests` is left out: it would break Swagger UI served over plain http on
  // any host but localhost (TLS is expected at a proxy, which can add it).
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  app.set('trust proxy', 'loopback');
  // No ETag: hashing every answer (a SHA-1 of each list) costs more than any client saves with it;
  // the API answers no conditional requests.
  app.set('etag', false);
  // The batch route's parser first: a body it parsed is left alone by the general one.
  app.use(BATCH_ROUTE, json({ limit: BATCH_BODY_LIMIT }));
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT });
  app.use(bodyParserErrors);
  app.use(guardBodies);
  app.useGlobalInterceptors(new DatabaseUnavailableInterceptor());
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      exceptionFactory: validationException,
    }),
  );
  app.useGlobalFilters(new HttpErrorFilter());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Webhooks')
      .setDescription(
        'Signed, retried, logged webhook deliveries for HR events. Every /api route takes a bearer JWT (HS256) with sub, companyId and permissions.',
      )
      .setVersion(process.env.npm_package_version ?? '0.1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  SwaggerModule.setup('docs', app, documentErrorShape(document), { jsonDocumentUrl: 'docs-json' });
  return app;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** The body guards below, in one middleware (each layer costs every request a little). */
function guardBodies(req: Request, res: Response, next: NextFunction): void {
  rejectNonJsonBodies(req, res, () => rejectUnsafeBodies(req, res, next));
}

/** A body that is not JSON is refused with 400 instead of reaching validation as `{}`. */
function rejectNonJsonBodies(req: Request, res: Response, next: NextFunction): void {
  const length = Number(req.headers['content-length'] ?? 0);
  const hasBody = length > 0 || req.headers['transfer-encoding'] !== undefined;
  if (BODY_METHODS.has(req.method) && hasBody && req.path.startsWith('/api/') && !req.is('json')) {
    sendDomainError(res, 400, {
      code: 'INVALID_BODY',
      message: 'body must be JSON (Content-Type: application/json)',
    });
    return;
  }
  next();
}

/**
 * Refuses with 400, before validation, a body nested deeper than JSON_MAX_DEPTH (a few KB of
 * `[[[[...]]]]` would exhaust the stack of validation and transformation) or holding a string
 * that is not well-formed Unicode (a lone surrogate such as `"\udfff"` makes validators throw) or
 * holds a NUL character (PostgreSQL cannot store one).
 */
function rejectUnsafeBodies(req: Request, res: Response, next: NextFunction): void {
  if (req.url.includes('%00') || req.url.includes('\u0000')) {
    sendDomainError(res, 400, {
      code: 'INVALID_URL',
      message: 'URL must not contain NUL characters (%00)',
    });
    return;
  }
  const body: unknown = req.body;
  const problem =
    body !== null && typeof body === 'object' ? unsafeJson(body, JSON_MAX_DEPTH) : null;
  if (problem) {
    sendDomainError(res, 400, { code: 'INVALID_BODY', message: problem });
    return;
  }
  next();
}

/**
 * What makes a parsed JSON value unsafe to validate: nesting deeper than `maxDepth`, or a key or
 * string that is not well-formed Unicode; null when neither. Iterative: no recursion.
 */

/** PostgreSQL text and jsonb cannot hold NUL, and validators throw on lone surrogates. */
function unsafeString(text: string): string | null {
  if (text.includes('\u0000')) return 'body must not contain NUL characters (\\u0000)';
  if (hasLoneSurrogate(text)) return 'body must be well-formed Unicode (a lone surrogate)';
  return null;
}

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

/** body-parser's errors (malformed JSON, too large) in the API's JSON error shape. */
function bodyParserErrors(
  error: { status?: number; type?: string; message?: string; limit?: number } | undefined,
  _req: Request,
  res: Response,
  next: NextFunction,
): void {
  if (!error) return next();
  if (error.type === 'entity.too.large') {
    sendDomainError(res, 413, {
      code: 'PAYLOAD_TOO_LARGE',
      message: `body must be at most ${sizeInWords(error.limit)}`,
    });
    return;
  }
  if (error.type === 'entity.parse.failed') {
    sendDomainError(res, 400, {
      code: 'INVALID_BODY',
      message: `body is not valid JSON: ${error.message ?? 'parse error'}`,
    });
    return;
  }
  const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 400;
  sendDomainError(res, status, {
    code: 'INVALID_BODY',
    message: error.message ?? 'bad request body',
  });
}

/** A body limit in bytes as people write it: 262144 is "256 KiB", 5242880 "5 MiB". */
function sizeInWords(bytes: number | undefined): string {
  if (bytes === undefined) return JSON_BODY_LIMIT.replace('kb', ' KiB');
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  return `${Math.round(bytes / 1024)} KiB`;
}
