/**
 * Unit tests (src/, packages/*\/src/ and dashboard/src/, *.spec.ts), e2e tests (test/**\/*.e2e-spec.ts) and the fault and load tests
 * (test/resilience/), all run by `npm test`: the first two in parallel, then the resilience suite
 * one file at a time (`--runInBand`), so that crashes, outages and load run on a machine of their own.
 */
const swaggerPlugin = { path: '<rootDir>/test/support/swagger-plugin.js' };
const transform = {
  '^.+\\.ts$': [
    'ts-jest',
    {
      tsconfig: 'tsconfig.json',
      isolatedModules: false,
      astTransformers: { before: [swaggerPlugin] },
    },
  ],
  '^.+\\.m?js$': '<rootDir>/test/support/esm-to-cjs-transformer.js',
};
const common = {
  rootDir: __dirname,
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testEnvironment: 'node',
  transform,
  // Every file may pass through the transformers: ESM-only packages are compiled to CommonJS.
  transformIgnorePatterns: [],
  // The app imports the module by its package name, as a host does; tests run it from source.
  moduleNameMapper: {
    '^nest-webhooks$': '<rootDir>/packages/nest-webhooks/src/index.ts',
    '^nest-webhooks/shared$': '<rootDir>/packages/nest-webhooks/src/shared/index.ts',
    '^nest-webhooks/migrations$': '<rootDir>/packages/nest-webhooks/migrations/index.ts',
  },
};

module.exports = {
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
  maxWorkers: 2,
  testTimeout: 60000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/src/**/*.spec.ts',
        '<rootDir>/packages/*/src/**/*.spec.ts',
        '<rootDir>/packages/*/migrations/**/*.spec.ts',
        // The console's own logic (formatting, paging, token decoding): pure TypeScript.
        '<rootDir>/dashboard/src/**/*.spec.ts',
      ],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      testPathIgnorePatterns: ['<rootDir>/test/resilience/'],
      slowTestThreshold: 30,
    },
    {
      ...common,
      displayName: 'resilience',
      testMatch: ['<rootDir>/test/resilience/**/*.e2e-spec.ts'],
      slowTestThreshold: 60,
    },
  ],
};
