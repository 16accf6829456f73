const nx = require('@nx/eslint-plugin');
const nextCoreWebVitals = require('eslint-config-next/core-web-vitals');

// The layering: contracts <- models <- training <- worker; the api never loads TensorFlow.js training
// code; figures build on contracts (the api renders them for downloads), and the web app sees contracts
// and figures only.
const depConstraints = [
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [], bannedExternalImports: ['@tensorflow/*'] },
  { sourceTag: 'type:models', onlyDependOnLibsWithTags: ['type:contracts'] },
  { sourceTag: 'type:figures', onlyDependOnLibsWithTags: ['type:contracts'], bannedExternalImports: ['@tensorflow/*'] },
  // Pure functions over stored epochs and gradient statistics, shared by the api, the web app and the CLI.
  {
    sourceTag: 'type:analysis',
    onlyDependOnLibsWithTags: ['type:contracts'],
    bannedExternalImports: ['@tensorflow/*'],
  },
  { sourceTag: 'type:training', onlyDependOnLibsWithTags: ['type:contracts', 'type:models', 'type:native-kernels'] },
  // oneDNN kernels for the wasm backend: TensorFlow.js and the addon only.
  { sourceTag: 'type:native-kernels', onlyDependOnLibsWithTags: ['type:contracts'] },
  // The REST api's one client (generated types, openapi-fetch): for the CLI, the dashboard and workers.
  {
    sourceTag: 'type:api-client',
    onlyDependOnLibsWithTags: ['type:contracts'],
    bannedExternalImports: ['@tensorflow/*'],
  },
  // The api describes networks (@gradlab/models) but never builds them (@gradlab/models/tf).
  {
    sourceTag: 'scope:api',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:analysis', 'type:models', 'type:figures'],
    bannedExternalImports: ['@tensorflow/*'],
  },
  {
    sourceTag: 'scope:worker',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:models', 'type:training', 'type:api-client'],
  },
  {
    sourceTag: 'scope:cli',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:analysis', 'type:figures', 'type:api-client'],
  },
  {
    sourceTag: 'scope:web',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:analysis', 'type:figures', 'type:api-client'],
    bannedExternalImports: ['@tensorflow/*'],
  },
];

module.exports = [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/generated', '.nx', '**/.next', '**/next-env.d.ts'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          depConstraints,
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  // The dashboard: Next's own rules (React, hooks, accessibility, Next pitfalls), for its files only. Its
  // parsers are left out: the Nx config above already parses TypeScript.
  ...nextCoreWebVitals
    .filter((config) => config.name !== 'next/typescript')
    .map(({ languageOptions: { parser: _nextParser, ...languageOptions } = {}, ...config }) => ({
      ...config,
      languageOptions,
      files: ['apps/web/**/*.{ts,tsx}'],
      settings: { ...config.settings, next: { rootDir: 'apps/web' } },
    })),
  {
    // Each project's package.json names the packages its shipped code imports, at the versions installed:
    // what an app or library needs is read there, not guessed from the root's list.
    files: ['{apps,libs}/*/package.json'],
    languageOptions: { parser: require('jsonc-eslint-parser') },
    rules: {
      '@nx/dependency-checks': [
        'error',
        {
          buildTargets: ['typecheck', 'build'],
          ignoredFiles: [
            '{projectRoot}/**/*.spec.ts',
            '{projectRoot}/**/*.spec.tsx',
            '{projectRoot}/**/*.slow-spec.ts',
            '{projectRoot}/**/*.int-spec.ts',
            '{projectRoot}/src/test-support/**',
            '{projectRoot}/testing.ts',
          ],
          // Read by binding.gyp when node-gyp builds the oneDNN addon, not imported by any source file.
          ignoredDependencies: ['node-addon-api'],
        },
      ],
    },
  },
  {
    // Test support (the shared parity fixtures found beside the checkout) stays out of what ships.
    files: ['**/*.ts', '**/*.tsx'],
    ignores: [
      '**/*.spec.ts',
      '**/*.spec.tsx',
      '**/*.slow-spec.ts',
      '**/*.int-spec.ts',
      '**/*.e2e-spec.ts',
      'bench/**',
      'e2e/**',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@gradlab/models/testing', message: 'test support: for tests and benchmarks only' }] },
      ],
    },
  },
  {
    // The figures' tests draw real networks' layer names (@gradlab/models) for their gradient-flow data; the
    // figures themselves still see contracts only.
    files: [
      'libs/figures/src/**/*.spec.ts',
      'libs/figures/src/**/*.slow-spec.ts',
      'libs/figures/src/test-support/**/*.ts',
    ],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          depConstraints: depConstraints.map((c) =>
            c.sourceTag === 'type:figures'
              ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:models'] }
              : c,
          ),
        },
      ],
    },
  },
];
