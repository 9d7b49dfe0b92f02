import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** The webhooks module is used through its index only (src/webhooks/index.ts): its public API. */
const WEBHOOKS_INTERNALS = {
  regex: '(^|/)webhooks/(?!index$).+',
  message:
    "Import from the module's public API (src/webhooks/index.ts), not from inside src/webhooks.",
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
    // The app around the module, and the sample host app, see only its public API (unit specs,
    // like the e2e tests, may reach inside to check against the module's own parts).
    files: ['src/**/*.ts', 'test/fixtures/host-app/**/*.ts'],
    ignores: ['src/webhooks/**', 'src/**/*.spec.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [WEBHOOKS_INTERNALS] }] },
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
