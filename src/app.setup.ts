import { HttpException, HttpStatus, type INestApplication, ValidationPipe } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet from 'helmet';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { JsonLogger } from './logging/json-logger';
import { logRequests, requestId, ServerErrorCauseInterceptor } from './logging/request-logging';
import { DatabaseUnavailableInterceptor, WEBHOOKS_CONSOLE_DIR } from 'nest-webhooks';
import { serveConsole } from './console/serve-console';
import { documentErrorShape } from './common/error-schema';
import { HttpErrorFilter } from './common/http-error.filter';
import { validationException } from 'nest-webhooks/shared';
import { registerJsonBody } from './http/json-body';
import { requestContext } from './logging/json-logger';

/**
 * Logging, security headers, body parsing, validation, error shape and Swagger: shared by main.ts
 * and the tests.
 */
export function configureApp(
  app: NestFastifyApplication,
  options: { shutdownHooks?: boolean } = {},
): INestApplication {
  const logger = app.get(JsonLogger);
  app.useLogger(logger);
  app.useGlobalInterceptors(new ServerErrorCauseInterceptor());
  const fastify = app.getHttpAdapter().getInstance();
  // The request id and the request log first, so that refusals before any route (body limits,
  // malformed JSON, NUL in the URL) carry an id and are logged as well.
  const logRequest = logRequests(logger.pino);
  fastify.addHook('onRequest', (request, reply, done) => logRequest(request.raw, reply.raw, done));
  // Body parsing reads the stream outside the request's log context: the handler runs in it again.
  fastify.addHook('preHandler', (request, reply, done) => {
    requestContext.run({ requestId: requestId(request.raw, reply.raw) }, done);
  });
  // Off when the caller handles SIGTERM itself (main.ts with the embedded server): two handlers
  // would close the app twice, concurrently, and Nest's exits with 1 when the second one fails.
  if (options.shutdownHooks ?? true) app.enableShutdownHooks();
  // Security headers (CSP, HSTS, nosniff, frame-ancestors none, ...); Swagger UI works under them.
  // `upgrade-insecure-requests` is left out: it would break Swagger UI served over plain http on
  // any host but localhost (TLS is expected at a proxy, which can add it).
  const securityHeaders = helmet({
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    securityHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined));
  });
  fastify.addHook('onRequest', (request, _reply, done) => {
    done(request.url.includes('%00') || request.url.includes('\u0000') ? nulInUrl() : undefined);
  });
  registerJsonBody(fastify);
  // The operator console and tenant portal (a single-page app shipped in the module's package).
  serveConsole(fastify, { dir: WEBHOOKS_CONSOLE_DIR, path: '/dashboard' });
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

function nulInUrl(): HttpException {
  return new HttpException(
    { message: ['URL must not contain NUL characters (%00)'], code: 'INVALID_URL' },
    HttpStatus.BAD_REQUEST,
  );
}
