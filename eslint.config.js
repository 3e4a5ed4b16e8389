// Lint rules, including the import boundaries of docs/architecture ("Layout"):
//   shared ← reader, hardware ← kiosk ← scripts; the renderer imports only shared.
// Boundaries are enforced here, not in review (style.md rule 1).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Regex over an import specifier that reaches into one of the named top-level folders. */
const into = (...dirs) => `(^|/)(${dirs.join('|')})/`;
const deviceModules = ['pcsclite', 'serialport', 'node-hid', 'better-sqlite3', 'electron'];

const restrict = (dirs, message, extra = []) => [
  'error',
  {
    patterns: [{ regex: into(...dirs), message }],
    paths: extra.map((name) => ({
      name,
      message: `${name} is I/O: only transports and composition roots may import it.`,
    })),
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', 'test-artifacts/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly' },
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        ['reader', 'hardware', 'kiosk', 'scripts', 'test'],
        'shared/ is the bottom layer: it imports nothing project-internal above it.',
        [
          ...deviceModules,
          'node:fs',
          'node:net',
          'node:child_process',
          'fs',
          'net',
          'child_process',
        ],
      ),
    },
  },
  {
    files: ['reader/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        ['hardware', 'kiosk', 'scripts', 'test'],
        'reader/ may import only shared/ (shared ← reader ← kiosk).',
        ['serialport', 'node-hid', 'better-sqlite3', 'electron'],
      ),
    },
  },
  {
    files: ['hardware/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        ['reader', 'kiosk', 'scripts', 'test'],
        'hardware/ may import only shared/ (shared ← hardware ← kiosk).',
        ['pcsclite', 'better-sqlite3', 'electron'],
      ),
    },
  },
  {
    files: ['kiosk/**/*.ts', 'kiosk/**/*.tsx'],
    rules: {
      'no-restricted-imports': restrict(
        ['scripts', 'test'],
        'kiosk/ may not import scripts/ or test/.',
      ),
    },
  },
  {
    files: ['kiosk/renderer/**/*.ts', 'kiosk/renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': restrict(
        [
          'reader',
          'hardware',
          'store',
          'sync',
          'service',
          'main',
          'preload',
          'cli',
          'scripts',
          'test',
        ],
        'The renderer imports only shared/ contracts and its own files.',
        [...deviceModules, 'ws', 'pino'],
      ),
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'scripts/**/*.ts', 'scripts/**/*.js'],
    rules: { 'no-console': 'off' },
  },
);
