import { DynamicModule, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DestinationStream } from 'pino';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../ormconfig';
import { AuthModule } from './auth/auth.module';
import { TokenSigner } from './auth/token-signer';
import { APP_CONFIG, type AppConfig } from './config/app-config';
import { runMigrationsLocked } from './database/run-migrations';
import { HealthModule } from './health/health.module';
import { HrModule } from './hr/hr.module';
import { LoggingModule } from './logging/logging.module';
import {
  type HostResolver,
  type PortalOptions,
  WebhooksModule,
  type WebhooksModuleOptions,
} from 'nest-webhooks';

export interface AppModuleOverrides {
  /** Replaces the system DNS resolver of the URL policy (tests: there is no DNS here). */
  resolveHost?: HostResolver;
  /** Module options to set beyond what the environment configures (tests, benchmarks). */
  webhooks?: Partial<WebhooksModuleOptions>;
  /** Where the JSON log lines go instead of stdout (tests read them). */
  logStream?: DestinationStream;
}

@Module({})
export class AppModule {
  /** The whole service, from a validated configuration and the database URL to use. */
  static forRoot(
    config: AppConfig,
    databaseUrl: string,
    overrides: AppModuleOverrides = {},
  ): DynamicModule {
    return {
      module: AppModule,
      global: true,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
      imports: [
        LoggingModule.forRoot(config.logLevel, overrides.logStream),
        TypeOrmModule.forRootAsync({
          useFactory: () => dataSourceOptions(databaseUrl),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            if (config.migrationsRun) await runMigrationsLocked(dataSource);
            return dataSource;
          },
        }),
        EventEmitterModule.forRoot(),
        AuthModule,
        HealthModule,
        WebhooksModule.forRoot({
          secretKey: config.secretKey,
          urlPolicy: { allowHttp: config.allowHttp, allowPrivateUrls: config.allowPrivateUrls },
          resolveHost: overrides.resolveHost,
          leaseSeconds: config.leaseSeconds,
          preparedStatements: config.preparedStatements,
          circuitBreaker: {
            failureThreshold: config.circuitFailures,
            cooldownMs: config.circuitCooldownSeconds * 1000,
          },
          publicUrl: config.publicUrl,
          portal: portalOptions(config),
          ...overrides.webhooks,
        }),
        HrModule,
      ],
    };
  }
}

/** Portal sessions: links under PUBLIC_URL, tokens signed as every bearer token of the service. */
function portalOptions(config: AppConfig): PortalOptions {
  const signer = new TokenSigner(config.jwtSecret);
  return {
    publicUrl: config.publicUrl,
    issueToken: (claims, expiresAt) => signer.signUntil(claims, expiresAt),
  };
}
