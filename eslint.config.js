import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.next/', 'data/', 'build/', 'test-results/', 'bench/tmp/', 'next-env.d.ts', 'lib/tls/x509/roots.generated.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // The engine is sans-IO: no Node built-ins, no timers, no global randomness.
    files: ['lib/tls/**/*.ts', 'lib/trace/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['fs', 'net', 'tls', 'crypto', 'os', 'path', 'dns', 'http', 'https'].map((name) => ({ name, message: 'lib/tls is sans-IO: inject what you need.' })),
          patterns: [{ group: ['node:*'], message: 'lib/tls is sans-IO: inject what you need.' }],
        },
      ],
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'process', 'Buffer'],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'randomness is injected' }, { object: 'Date', property: 'now', message: 'the clock is injected' }],
    },
  },
);
