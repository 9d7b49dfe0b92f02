/** Unit tests (src/**\/*.spec.ts) and e2e tests (test/**\/*.e2e-spec.ts), both run by `npm test`. */
const swaggerPlugin = { path: '<rootDir>/test/support/swagger-plugin.js' };
const transform = {
  '^.+\\.ts$': [
    'ts-jest',
    { tsconfig: 'tsconfig.json', isolatedModules: false, astTransformers: { before: [swaggerPlugin] } },
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
};

module.exports = {
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
  maxWorkers: 2,
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      slowTestThreshold: 30,
    },
  ],
};
