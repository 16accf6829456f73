// Four tiers: unit (colocated *.spec.ts: pure code, no processes, no training, and the dashboard's *.spec.tsx
// in jsdom as project "web"; 30 s on 2 cores), slow
// (*.slow-spec.ts: trains, starts processes, renders every figure), integration (*.int-spec.ts against the
// machine's Postgres and Redis) and e2e (e2e/*.e2e-spec.ts, api + worker processes). TypeScript through SWC, with
// decorator metadata for NestJS.
// Mesa's EGL, under the webgpu backend's software adapter, needs no display server when told so. The backend
// sets this itself when it starts, but Jest's test files see a copy of process.env that native code never
// reads: set here, in the real environment that Jest's workers inherit.
process.env.EGL_PLATFORM ??= 'surfaceless';

const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    },
    module: { type: 'commonjs' },
  },
];
// The dashboard's hooks and components: TSX in a browser-like DOM (jsdom), with Testing Library.
const swcTsx = [
  swc[0],
  {
    ...swc[1],
    jsc: {
      ...swc[1].jsc,
      parser: { syntax: 'typescript', tsx: true },
      transform: { ...swc[1].jsc.transform, react: { runtime: 'automatic' } },
    },
  },
];
// The production build's copy of the dashboard (apps/web/.next/standalone) is not a second @gradlab/web.
const modulePathIgnorePatterns = ['<rootDir>/apps/web/.next'];
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc },
  moduleFileExtensions: ['ts', 'js', 'json'],
  modulePathIgnorePatterns,
};

module.exports = {
  // Jest reads the per-test timeout from the global config when projects are used, not from a project's own:
  // 30 s for every test, as the integration suite's real services on a shared 2-core machine need.
  testTimeout: 30_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs}/*/src/**/*.spec.ts', '<rootDir>/scripts/**/*.spec.ts'],
    },
    {
      displayName: 'web',
      testEnvironment: 'jsdom',
      transform: { '^.+\\.tsx?$': swcTsx },
      moduleFileExtensions: ['tsx', 'ts', 'js', 'json'],
      testMatch: ['<rootDir>/apps/web/src/**/*.spec.tsx'],
      modulePathIgnorePatterns,
    },
    { ...common, displayName: 'slow', testMatch: ['<rootDir>/{apps,libs}/*/src/**/*.slow-spec.ts'] },
    // Real services on a shared machine: a database to create and migrate, an api to boot, scrypt hashes.
    {
      ...common,
      displayName: 'integration',
      testTimeout: 30_000,
      testMatch: ['<rootDir>/{apps,libs}/*/src/**/*.int-spec.ts', '<rootDir>/scripts/**/*.int-spec.ts'],
    },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/e2e/**/*.e2e-spec.ts'] },
  ],
};
