import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { ConfigError, loadConfig } from './config/app-config';
import { EmbeddedDatabase } from './database/embedded-database';
import { createHttpAdapter } from './http/http-adapter';
import { createPinoLogger, JsonLogger } from './logging/json-logger';

async function bootstrap(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // JSON lines from the first one: Nest's own logger is pino's until the app hands over its own.
  Logger.overrideLogger(new JsonLogger(createPinoLogger(config.logLevel)));
  const logger = new Logger('Bootstrap');
  config.warnings.forEach((w) => logger.warn(w));

  let embedded: EmbeddedDatabase | null = null;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await EmbeddedDatabase.start(config.dataDir, { ownSignals: true });
    databaseUrl = embedded.url();
    logger.log(
      `Embedded PostgreSQL running on 127.0.0.1:${embedded.port} (${embedded.databaseDir})`,
    );
  }

  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, databaseUrl),
    createHttpAdapter(),
    // Logs are buffered until configureApp hands them to the JSON logger (JsonLogger, pino).
    { bufferLogs: true, bodyParser: false },
  );
  configureApp(app, { shutdownHooks: embedded === null });
  // Nest's shutdown hooks close the app on SIGTERM/SIGINT. With the embedded server, this one
  // handler does it instead: the app first (its leases released), then the server, then exit 0.
  if (embedded) {
    const server = embedded;
    const stop = (): void =>
      void app.close().finally(() => server.stop().finally(() => process.exit(0)));
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(signal, stop);
  }
  if (config.host) await app.listen(config.port, config.host);
  else await app.listen(config.port);
  logger.log(`Listening on ${await app.getUrl()} (Swagger UI at /docs)`);
}

void bootstrap().catch((error: unknown) => {
  process.stderr.write(
    `Startup failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
