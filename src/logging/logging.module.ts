import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import type { LogLevel } from '../config/app-config';
import { createPinoLogger, JsonLogger } from './json-logger';

/**
 * JSON logs with pino: `JsonLogger` is Nest's logger (`app.useLogger`) and the request log's
 * (`logRequests`, the app's first middleware): every line logged while a request is handled
 * carries its `requestId` (also answered as `X-Request-Id`); one line per finished request
 * (method, path, status, time; never headers or bodies); signing secrets, tokens and credentials
 * redacted from every line, in objects (by key) and in messages (by pattern).
 */
@Global()
@Module({})
export class LoggingModule {
  static forRoot(level: LogLevel, stream?: DestinationStream): DynamicModule {
    const logger = new JsonLogger(createPinoLogger(level, stream));
    return {
      module: LoggingModule,
      providers: [{ provide: JsonLogger, useValue: logger }],
      exports: [JsonLogger],
    };
  }
}
