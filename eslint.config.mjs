import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/**
 * The webhooks module is a package (packages/nest-webhooks) used by its name only, as a host uses
 * it: 'nest-webhooks', 'nest-webhooks/shared', 'nest-webhooks/migrations'.
 */
const WEBHOOKS_INTERNALS = {
  regex: '(^(\\.{1,2}/)+packages/)|(^nest-webhooks/(?!(shared|migrations)$))',
  message:
    "Import the module by its package name ('nest-webhooks', 'nest-webhooks/shared' or 'nest-webhooks/migrations'), not from inside packages/nest-webhooks.",
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'coverage/', '*.mjs', '*.js'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // One brace style: a body on the line of its `if`/`for` may go without braces; a body on
      // lines of its own has them, and an if/else chain is braced throughout or not at all.
      curly: ['error', 'multi-line', 'consistent'],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/explicit-module-boundary-types': 'off',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // The app around the module, its bench and scripts, and the sample host app see only its
    // public API (unit specs, like the e2e tests, may reach inside to check the module's parts).
    files: [
      'src/**/*.ts',
      'bench/**/*.ts',
      'scripts/**/*.ts',
      'migrations/**/*.ts',
      'test/fixtures/host-app/**/*.ts',
      'test/fixtures/packed-host/**/*.ts',
    ],
    ignores: ['src/**/*.spec.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [WEBHOOKS_INTERNALS] }] },
  },
  {
    // The package stands alone: it imports nothing from the app around it.
    files: ['packages/nest-webhooks/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(src|test|bench|scripts|migrations)(/|$)|^nest-webhooks(/|$)',
              message:
                'packages/nest-webhooks is published on its own: it imports nothing from the app around it, and itself by relative paths.',
            },
          ],
        },
      ],
    },
  },
  {
    // The app-wide shared kernel depends on neither the module nor HR.
    files: ['src/common/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)(webhooks|hr)(/|$)',
              message:
                'src/common is shared by the whole app: it imports nothing from src/webhooks or src/hr.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
);
