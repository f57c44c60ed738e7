// eslint (flat config): JavaScript's and typescript-eslint's recommended rules over every source file of the
// workspace, without type information (fast enough for every run; `pnpm typecheck` does the type checking).
// `pnpm lint` runs it; `.ci/run` runs it after the tests. Formatting is prettier's job (`pnpm format:check`).
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores([
    '**/dist/**',
    'dist-packages/**',
    '**/node_modules/**',
    '**/.turbo/**',
    '**/coverage/**',
    'runs/**',
    '**/*.d.ts',
  ]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // The tree's convention for a value left out on purpose (`const { data: _data, ...rest } = input`, an unused
      // callback parameter): a leading underscore.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // Escaping and refusing control characters is a feature (quote(), the hostile-input tables): the regular
      // expressions that find them are meant to contain them.
      'no-control-regex': 'off',
      // `cond ? (a += 1) : (b += 1)` as a statement is used for short counters.
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
    },
  },
  {
    // Tests read JSON answers (server replies, CLI --json documents) loosely; source code may not.
    files: ['**/*.test.ts', '**/testing/**/*.ts', '**/test-*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
