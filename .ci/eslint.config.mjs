// ESLint flat config. It lives in .ci/ because the project's top level is fixed (DESIGN §1);
// `npm run lint` passes it with -c, and paths below are relative to the repository root.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'dist-check/**', 'node_modules/**', 'runs/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['src/modes/**/*.ts', 'src/core/**/*.ts'],
    rules: {
      // Protocols, and the core they build on, are pure state machines over Env (DESIGN §2):
      // no sockets, files, timers or clock.
      'no-restricted-imports': [
        'error',
        { patterns: ['ws', 'net', 'node:*', 'fs', 'http', 'child_process', '../../runtime/*'] },
      ],
      'no-restricted-globals': [
        'error',
        'setTimeout',
        'setInterval',
        'setImmediate',
        'performance',
      ],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now' }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
      },
    },
  },
);
