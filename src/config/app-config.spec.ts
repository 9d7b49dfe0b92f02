import * as path from 'node:path';
import { type AppConfig, ConfigError, loadConfig } from './app-config';

const JWT_SECRET = 'a-production-jwt-secret-0123456789';
const SECRET_KEY = 'a-production-webhooks-key-0123456789';

/** The ConfigError loadConfig throws for `env` (fails the test when it does not throw one). */
function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig(${JSON.stringify(env)}) did not throw`);
}

describe('loadConfig', () => {
  describe('with an empty environment', () => {
    let config: AppConfig;
    beforeAll(() => {
      config = loadConfig({});
    });

    it('runs in development on port 3000', () => {
      expect(config.env).toBe('development');
      expect(config.port).toBe(3000);
    });

    it('uses the embedded database under ./data and runs migrations', () => {
      expect(config.databaseUrl).toBeNull();
      expect(config.dataDir).toBe(path.resolve('./data'));
      expect(config.migrationsRun).toBe(true);
    });

    it('takes the contract defaults', () => {
      expect(config.apiRateLimit).toBe(1000);
      expect(config.leaseSeconds).toBe(30);
      expect(config.preparedStatements).toBe(true);
      expect(config.logLevel).toBe('info');
      expect(config.allowHttp).toBe(false);
      expect(config.allowPrivateUrls).toBe(false);
    });

    it('uses dev keys, with a warning naming each variable', () => {
      expect(config.jwtSecret.length).toBeGreaterThanOrEqual(16);
      expect(config.secretKey.length).toBeGreaterThanOrEqual(16);
      expect(config.warnings).toHaveLength(2);
      expect(config.warnings).toEqual(
        expect.arrayContaining([
          expect.stringContaining('AUTH_JWT_SECRET'),
          expect.stringContaining('WEBHOOKS_SECRET_KEY'),
        ]),
      );
    });

    it('gives the same dev keys every time (tokens survive a restart)', () => {
      const again = loadConfig({});
      expect(again.jwtSecret).toBe(config.jwtSecret);
      expect(again.secretKey).toBe(config.secretKey);
    });
  });

  it('uses the dev keys in test too, with warnings', () => {
    const config = loadConfig({ NODE_ENV: 'test' });
    expect(config.env).toBe('test');
    expect(config.warnings).toHaveLength(2);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      PORT: '8080',
      HOST: '10.0.0.5',
      DATABASE_URL: 'postgres://app:pw@db.internal:5432/webhooks',
      DATA_DIR: '/var/lib/webhooks',
      MIGRATIONS_RUN: 'false',
      AUTH_JWT_SECRET: JWT_SECRET,
      WEBHOOKS_SECRET_KEY: SECRET_KEY,
      WEBHOOKS_ALLOW_PRIVATE_URLS: 'true',
      WEBHOOKS_ALLOW_HTTP: '1',
      API_RATE_LIMIT: '0',
      LOG_LEVEL: 'debug',
      WEBHOOKS_LEASE_SECONDS: '120',
      WEBHOOKS_PREPARED_STATEMENTS: 'false',
      WEBHOOKS_CIRCUIT_FAILURES: '0',
      WEBHOOKS_CIRCUIT_COOLDOWN_SECONDS: '90',
      PUBLIC_URL: 'https://hr.example.com/',
    });
    expect(config).toEqual({
      env: 'production',
      port: 8080,
      publicUrl: 'https://hr.example.com',
      host: '10.0.0.5',
      databaseUrl: 'postgres://app:pw@db.internal:5432/webhooks',
      dataDir: '/var/lib/webhooks',
      migrationsRun: false,
      jwtSecret: JWT_SECRET,
      secretKey: SECRET_KEY,
      allowPrivateUrls: true,
      allowHttp: true,
      apiRateLimit: 0,
      logLevel: 'debug',
      leaseSeconds: 120,
      preparedStatements: false,
      circuitFailures: 0,
      circuitCooldownSeconds: 90,
      warnings: [],
    });
  });

  it('listens on 127.0.0.1 only outside production (its keys are public), on every interface in production', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ NODE_ENV: 'test' }).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    const production = { NODE_ENV: 'production', AUTH_JWT_SECRET: JWT_SECRET };
    expect(loadConfig({ ...production, WEBHOOKS_SECRET_KEY: SECRET_KEY }).host).toBeUndefined();
  });

  it('takes PUBLIC_URL, or http://localhost:<PORT> without it', () => {
    expect(loadConfig({}).publicUrl).toBe('http://localhost:3000');
    expect(loadConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(loadConfig({ PUBLIC_URL: '' }).publicUrl).toBe('http://localhost:3000');
    expect(loadConfig({ PUBLIC_URL: 'http://127.0.0.1:3000' }).publicUrl).toBe(
      'http://127.0.0.1:3000',
    );
    expect(loadConfig({ PUBLIC_URL: 'https://example.com/hr/' }).publicUrl).toBe(
      'https://example.com/hr',
    );
  });

  it('ignores variables it does not know', () => {
    expect(() => loadConfig({ SOMETHING_ELSE: 'x', npm_package_version: '1.0.0' })).not.toThrow();
  });

  describe('in production', () => {
    it('needs AUTH_JWT_SECRET and WEBHOOKS_SECRET_KEY, naming each', () => {
      const error = configError({ NODE_ENV: 'production' });
      expect(error.message).toContain('AUTH_JWT_SECRET');
      expect(error.message).toContain('WEBHOOKS_SECRET_KEY');
    });

    it('names only the missing one', () => {
      const noJwt = configError({ NODE_ENV: 'production', WEBHOOKS_SECRET_KEY: SECRET_KEY });
      expect(noJwt.message).toContain('AUTH_JWT_SECRET');
      expect(noJwt.message).not.toContain('WEBHOOKS_SECRET_KEY');

      const noKey = configError({ NODE_ENV: 'production', AUTH_JWT_SECRET: JWT_SECRET });
      expect(noKey.message).toContain('WEBHOOKS_SECRET_KEY');
      expect(noKey.message).not.toContain('AUTH_JWT_SECRET');
    });

    it('counts an empty value as missing', () => {
      const error = configError({
        NODE_ENV: 'production',
        AUTH_JWT_SECRET: '',
        WEBHOOKS_SECRET_KEY: SECRET_KEY,
      });
      expect(error.message).toContain('AUTH_JWT_SECRET');
    });

    it('starts with both, without warnings', () => {
      const config = loadConfig({
        NODE_ENV: 'production',
        AUTH_JWT_SECRET: JWT_SECRET,
        WEBHOOKS_SECRET_KEY: SECRET_KEY,
      });
      expect(config.jwtSecret).toBe(JWT_SECRET);
      expect(config.secretKey).toBe(SECRET_KEY);
      expect(config.warnings).toEqual([]);
    });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['NODE_ENV', 'staging'],
    ['LOG_LEVEL', 'loud'],
    ['LOG_LEVEL', 'INFO '],
    ['WEBHOOKS_ALLOW_HTTP', 'maybe'],
    ['WEBHOOKS_ALLOW_PRIVATE_URLS', 'sure'],
    ['MIGRATIONS_RUN', 'always'],
    ['API_RATE_LIMIT', '-1'],
    ['API_RATE_LIMIT', 'lots'],
    ['WEBHOOKS_LEASE_SECONDS', '0'],
    ['WEBHOOKS_LEASE_SECONDS', 'abc'],
    ['WEBHOOKS_PREPARED_STATEMENTS', 'sometimes'],
    ['WEBHOOKS_CIRCUIT_FAILURES', '-1'],
    ['WEBHOOKS_CIRCUIT_FAILURES', 'five'],
    ['WEBHOOKS_CIRCUIT_COOLDOWN_SECONDS', '0'],
    ['WEBHOOKS_CIRCUIT_COOLDOWN_SECONDS', '601'],
    ['DATABASE_URL', 'mysql://x'],
    ['DATABASE_URL', 'not a url'],
    ['AUTH_JWT_SECRET', 'short'],
    ['WEBHOOKS_SECRET_KEY', 'short'],
    ['DATA_DIR', ''],
    ['PUBLIC_URL', 'hr.example.com'],
    ['PUBLIC_URL', 'ftp://hr.example.com'],
    ['PUBLIC_URL', 'https://user:pw@hr.example.com'],
    ['PUBLIC_URL', 'https://hr.example.com/?a=1'],
    ['PUBLIC_URL', 'https://hr.example.com/#x'],
    ['PUBLIC_URL', 'not a url'],
  ])('refuses %s=%j, naming the variable', (name, value) => {
    const error = configError({ [name]: value });
    expect(error.message).toMatch(new RegExp(`\\b${name}\\b`));
  });

  it('names every bad variable in one error', () => {
    const error = configError({ PORT: 'abc', LOG_LEVEL: 'loud', API_RATE_LIMIT: '-1' });
    expect(error.message).toContain('PORT');
    expect(error.message).toContain('LOG_LEVEL');
    expect(error.message).toContain('API_RATE_LIMIT');
  });

  it.each([
    ['true', true],
    ['1', true],
    ['TRUE', true],
    ['yes', true],
    ['false', false],
    ['0', false],
    ['no', false],
  ])('parses the boolean %j as %s', (value, expected) => {
    const config = loadConfig({
      WEBHOOKS_ALLOW_HTTP: value,
      WEBHOOKS_ALLOW_PRIVATE_URLS: value,
      MIGRATIONS_RUN: value,
    });
    expect(config.allowHttp).toBe(expected);
    expect(config.allowPrivateUrls).toBe(expected);
    expect(config.migrationsRun).toBe(expected);
  });

  it.each(['postgres://localhost/app', 'postgresql://u:p@127.0.0.1:5433/app?sslmode=disable'])(
    'accepts DATABASE_URL=%j',
    (url) => {
      expect(loadConfig({ DATABASE_URL: url }).databaseUrl).toBe(url);
    },
  );

  it('treats an empty DATABASE_URL, AUTH_JWT_SECRET or WEBHOOKS_SECRET_KEY as unset', () => {
    // `DATABASE_URL=` in a .env file or `-e DATABASE_URL=$DATABASE_URL` with nothing in it.
    const config = loadConfig({ DATABASE_URL: '', AUTH_JWT_SECRET: '', WEBHOOKS_SECRET_KEY: '' });
    expect(config.databaseUrl).toBeNull();
    expect(config.jwtSecret).toBe(loadConfig({}).jwtSecret);
    expect(config.secretKey).toBe(loadConfig({}).secretKey);
    expect(config.warnings).toHaveLength(2);
  });
});
