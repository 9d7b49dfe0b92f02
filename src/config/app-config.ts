import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';
import { createHash } from 'node:crypto';
import * as path from 'node:path';

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me';
const DEV_SECRET_KEY_SEED = 'dev-only-webhooks-secret-key';

const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(v)) return true;
  if (['false', '0', 'no', ''].includes(v)) return false;
  return value;
};
const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

/** The environment as the process receives it, validated. Names are the variables' own. */
export class EnvironmentVariables {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /** The interface to listen on; by default 127.0.0.1 in development and test, every one in production. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  HOST?: string;

  @IsOptional()
  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false, require_protocol: true })
  DATABASE_URL?: string;

  /** The service's own address as others reach it (portal links); default http://localhost:<PORT>. */
  @IsOptional()
  @IsUrl(
    {
      protocols: ['http', 'https'],
      require_tld: false,
      require_protocol: true,
      disallow_auth: true,
      allow_query_components: false,
      allow_fragments: false,
    },
    { message: 'PUBLIC_URL must be an http(s) URL without credentials, query or fragment' },
  )
  PUBLIC_URL?: string;

  @IsString()
  @MinLength(1)
  DATA_DIR = './data';

  @Transform(toBoolean)
  @IsBoolean()
  MIGRATIONS_RUN = true;

  @IsOptional()
  @IsString()
  @MinLength(16)
  AUTH_JWT_SECRET?: string;

  @IsOptional()
  @IsString()
  @MinLength(16)
  WEBHOOKS_SECRET_KEY?: string;

  @Transform(toBoolean)
  @IsBoolean()
  WEBHOOKS_ALLOW_PRIVATE_URLS = false;

  @Transform(toBoolean)
  @IsBoolean()
  WEBHOOKS_ALLOW_HTTP = false;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  API_RATE_LIMIT = 1000;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  @Transform(toInt)
  @IsInt()
  @Min(5)
  @Max(3600)
  WEBHOOKS_LEASE_SECONDS = 30;

  @Transform(toBoolean)
  @IsBoolean()
  WEBHOOKS_PREPARED_STATEMENTS = true;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1000)
  WEBHOOKS_CIRCUIT_FAILURES = 5;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(600)
  WEBHOOKS_CIRCUIT_COOLDOWN_SECONDS = 30;
}

export interface AppConfig {
  env: 'development' | 'test' | 'production';
  port: number;
  /** The service's own address as others reach it, without a trailing slash (portal links). */
  publicUrl: string;
  /** The interface to listen on (undefined: every one). */
  host: string | undefined;
  /** null: run an embedded PostgreSQL under dataDir. */
  databaseUrl: string | null;
  dataDir: string;
  migrationsRun: boolean;
  jwtSecret: string;
  secretKey: string;
  allowPrivateUrls: boolean;
  allowHttp: boolean;
  apiRateLimit: number;
  logLevel: LogLevel;
  leaseSeconds: number;
  /** Hot statements as named prepared statements (off behind PgBouncer in transaction mode). */
  preparedStatements: boolean;
  /** Consecutive failed attempts that pause an endpoint (0: never). */
  circuitFailures: number;
  circuitCooldownSeconds: number;
  /** Messages to log once the logger is up (dev defaults in use, ...). */
  warnings: string[];
}

export class ConfigError extends Error {}

/**
 * Reads and validates the environment. Throws a ConfigError whose message names every bad
 * variable; the caller prints it and stops the process.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(new EnvironmentVariables())) {
    if (env[key] !== undefined) raw[key] = env[key];
  }
  // An empty optional value (`DATABASE_URL=` in a .env file) counts as unset.
  for (const key of ['DATABASE_URL', 'AUTH_JWT_SECRET', 'WEBHOOKS_SECRET_KEY', 'PUBLIC_URL']) {
    if (env[key] === '') delete raw[key];
  }
  const vars = plainToInstance(EnvironmentVariables, raw);
  const errors = validateSync(vars, { whitelist: true });
  const problems = errors.map(
    (e) =>
      `${e.property}=${JSON.stringify(e.value)}: ${Object.values(e.constraints ?? {}).join('; ')}`,
  );
  const production = vars.NODE_ENV === 'production';
  if (production && !vars.AUTH_JWT_SECRET) {
    problems.push('AUTH_JWT_SECRET: required when NODE_ENV is production');
  }
  if (production && !vars.WEBHOOKS_SECRET_KEY) {
    problems.push('WEBHOOKS_SECRET_KEY: required when NODE_ENV is production');
  }
  if (problems.length) {
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const warnings: string[] = [];
  if (!vars.AUTH_JWT_SECRET) {
    warnings.push(
      `AUTH_JWT_SECRET is not set: using the fixed ${vars.NODE_ENV} key (never in production)`,
    );
  }
  if (!vars.WEBHOOKS_SECRET_KEY) {
    warnings.push(
      `WEBHOOKS_SECRET_KEY is not set: using a derived ${vars.NODE_ENV} key (never in production)`,
    );
  }
  return {
    env: vars.NODE_ENV,
    port: vars.PORT,
    publicUrl: (vars.PUBLIC_URL ?? `http://localhost:${vars.PORT}`).replace(/\/+$/, ''),
    // Outside production the signing keys are fixed, public ones: nothing but this machine may call.
    host: vars.HOST ?? (production ? undefined : '127.0.0.1'),
    databaseUrl: vars.DATABASE_URL ?? null,
    dataDir: path.resolve(vars.DATA_DIR),
    migrationsRun: vars.MIGRATIONS_RUN,
    jwtSecret: vars.AUTH_JWT_SECRET ?? DEV_JWT_SECRET,
    secretKey:
      vars.WEBHOOKS_SECRET_KEY ?? createHash('sha256').update(DEV_SECRET_KEY_SEED).digest('hex'),
    allowPrivateUrls: vars.WEBHOOKS_ALLOW_PRIVATE_URLS,
    allowHttp: vars.WEBHOOKS_ALLOW_HTTP,
    apiRateLimit: vars.API_RATE_LIMIT,
    logLevel: vars.LOG_LEVEL,
    leaseSeconds: vars.WEBHOOKS_LEASE_SECONDS,
    preparedStatements: vars.WEBHOOKS_PREPARED_STATEMENTS,
    circuitFailures: vars.WEBHOOKS_CIRCUIT_FAILURES,
    circuitCooldownSeconds: vars.WEBHOOKS_CIRCUIT_COOLDOWN_SECONDS,
    warnings,
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
