import type { INestApplication } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AppModule, type AppModuleOverrides } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { createHttpAdapter } from '../../src/http/http-adapter';
import { type AppConfig, loadConfig } from '../../src/config/app-config';
import type { HostResolver } from '../../packages/nest-webhooks/src/security/url-policy';
import { createTestDatabase } from './database';

/**
 * Test DNS: there is no network here, so names under example.com/.org/.net resolve to documentation
 * or public addresses, `private.example.com` to a private one, `*.invalid` fails, and IP literals are
 * never passed to a resolver.
 */
export const testResolver: HostResolver = async (hostname) => {
  const known: Record<string, string[]> = {
    'hooks.example.com': ['93.184.215.14'],
    'ats.example.com': ['93.184.215.15'],
    'payroll.example.org': ['93.184.215.16', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
    'private.example.com': ['10.0.0.7'],
    'mixed.example.com': ['93.184.215.14', '192.168.1.10'],
    'metadata.example.com': ['169.254.169.254'],
    localhost: ['127.0.0.1', '::1'],
  };
  const addresses = known[hostname.toLowerCase()];
  if (!addresses) {
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  }
  return addresses;
};

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  dataSource: DataSource;
  databaseUrl: string;
  /** A bearer token for a company with the given permissions. */
  token(
    companyId: string,
    permissions: string[],
    options?: { expiresIn?: number; secret?: string; sub?: string },
  ): string;
  close(): Promise<void>;
}

/** The whole app (AppModule, as main.ts builds it) on its own new database. */
export async function createTestApp(
  env: Record<string, string> = {},
  overrides: AppModuleOverrides = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'error', ...env });
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot(config, database.url, { resolveHost: testResolver, ...overrides })],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(), {
    bodyParser: false,
    logger: ['error'],
  });
  configureApp(app);
  await app.init();
  // Fastify registers its routes when it is ready: before that, supertest would get 404s.
  await app.getHttpAdapter().getInstance().ready();
  const jwt = new JwtService({ secret: config.jwtSecret });
  return {
    app,
    config,
    databaseUrl: database.url,
    dataSource: app.get(DataSource),
    token: (companyId, permissions, options = {}) =>
      jwt.sign(
        { sub: options.sub ?? 'test-user', companyId, permissions },
        {
          algorithm: 'HS256',
          expiresIn: options.expiresIn ?? 3600,
          secret: options.secret ?? config.jwtSecret,
        },
      ),
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}
