// Lint: typescript-eslint's type-checked rules on the TypeScript, eslint's recommended rules on the
// plain JavaScript (the CLI launchers and the dashboard's browser modules). Formatting is prettier's job.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The dashboard modules run in the browser; these are the browser globals they use.
const browserGlobals = Object.fromEntries(
  [
    'window',
    'document',
    'location',
    'history',
    'fetch',
    'URL',
    'URLSearchParams',
    'EventSource',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'console',
    'navigator',
    'Intl',
    'HTMLElement',
    'Event',
    'FormData',
    'encodeURIComponent',
    'decodeURIComponent',
    'crypto',
    'Blob',
    'requestAnimationFrame',
    'matchMedia',
    'alert',
    'confirm',
    'Node',
    'performance',
    'DOMParser',
  ].map((name) => [name, 'readonly']),
);
const nodeGlobals = { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' };

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/', 'coverage/', 'reports/'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        // vitest.faults.config.ts sits outside tsconfig's include; the default project type-checks it.
        projectService: { allowDefaultProject: ['vitest.faults.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // `_`-prefixed names mark a parameter an interface requires and this implementation ignores.
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  { files: ['src/dashboard/assets/**/*.js'], languageOptions: { globals: browserGlobals } },
  { files: ['bin/**/*.js', 'eslint.config.js'], languageOptions: { globals: nodeGlobals } },
);
