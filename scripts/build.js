// `npm run build`: the production build. The api, worker and CLI (and the migration script) become plain
// JavaScript under dist/, with source maps, so `npm run start:prod` and the images run them with `node`
// and no TypeScript loader; the dashboard is built by `next build` as a standalone server.
//
// dist/ mirrors the repository, with each workspace library compiled into dist/node_modules/@gradlab/<lib>,
// where Node finds it from dist/apps/* before the TypeScript sources the root node_modules links to:
//   dist/apps/{api,worker,cli}/src/**.js   dist/scripts/db-migrate.js   dist/prisma/migrations/
//   dist/node_modules/@gradlab/{analysis,api-client,contracts,figures,models,native-kernels,training}/
// native-kernels' oneDNN addon (build/Release/gradlab_onednn.node, built by its install step when oneDNN's
// headers are there) is copied next to its compiled loader; without it, workers train on plain wasm.
// Type errors are caught by `npm run typecheck`, not here: SWC only strips types.
// Why not an Nx build target (@nx/js:swc) per project: each project's output would still need this layout
// (libraries under dist/node_modules, package.json pointing at .js), which the images' pruned installs and
// start:prod rely on, so the same rewriting would follow every target.
const { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { transformFileSync } = require('@swc/core');
const { buildWeb } = require('./build-web');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
const APPS = ['api', 'worker', 'cli'];
const LIBS = ['analysis', 'api-client', 'contracts', 'figures', 'models', 'native-kernels', 'training'];
const ONEDNN_ADDON = 'build/Release/gradlab_onednn.node';

// The same transform as the tests' (jest.config.js): decorator metadata is what NestJS injects by.
const SWC_OPTIONS = {
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
    // Helpers inlined, so the output needs no @swc/helpers at run time.
    externalHelpers: false,
  },
  module: { type: 'commonjs' },
  sourceMaps: true,
};

/** Tests and their support files are not shipped. */
const isTestFile = (name) => /\.(spec|slow-spec|int-spec|e2e-spec)\.tsx?$/.test(name) || name === 'test-support';
const SKIPPED = new Set(['package.json', 'project.json', 'tsconfig.json', 'node_modules', 'build']);

/** Compiles every .ts under `from` into `to` (same relative paths, .js + .js.map); copies .js/.mjs/.json. */
function compileTree(from, to) {
  let files = 0;
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (isTestFile(entry.name) || SKIPPED.has(entry.name)) continue;
    const source = path.join(from, entry.name);
    if (entry.isDirectory()) {
      files += compileTree(source, path.join(to, entry.name));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      files += compileFile(source, path.join(to, entry.name.replace(/\.ts$/, '.js')));
    } else if (/\.(js|mjs|json)$/.test(entry.name)) {
      mkdirSync(to, { recursive: true });
      cpSync(source, path.join(to, entry.name));
      files += 1;
    }
  }
  return files;
}

function compileFile(source, target) {
  const output = transformFileSync(source, {
    ...SWC_OPTIONS,
    filename: source,
    sourceFileName: path.relative(path.dirname(target), source),
  });
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, `${output.code}\n//# sourceMappingURL=${path.basename(target)}.map\n`);
  writeFileSync(`${target}.map`, output.map);
  return 1;
}

function buildNode() {
  rmSync(dist, { recursive: true, force: true });
  let files = 0;
  for (const app of APPS)
    files += compileTree(path.join(root, 'apps', app, 'src'), path.join(dist, 'apps', app, 'src'));
  files += compileFile(path.join(root, 'scripts/db-migrate.ts'), path.join(dist, 'scripts/db-migrate.js'));
  for (const lib of LIBS) {
    const from = path.join(root, 'libs', lib);
    const to = path.join(dist, 'node_modules/@gradlab', lib);
    files += compileTree(from, to);
    const pkg = require(path.join(from, 'package.json'));
    const js = (file) => file.replace(/\.ts$/, '.js');
    const exports =
      pkg.exports && Object.fromEntries(Object.entries(pkg.exports).map(([entry, file]) => [entry, js(file)]));
    writeFileSync(
      path.join(to, 'package.json'),
      `${JSON.stringify({ name: pkg.name, version: pkg.version, private: true, main: js(pkg.main), exports }, null, 2)}\n`,
    );
  }
  const addon = path.join(root, 'libs/native-kernels', ONEDNN_ADDON);
  const withAddon = existsSync(addon);
  if (withAddon) {
    mkdirSync(path.join(dist, 'node_modules/@gradlab/native-kernels/build/Release'), { recursive: true });
    cpSync(addon, path.join(dist, 'node_modules/@gradlab/native-kernels', ONEDNN_ADDON));
  }
  // The api's migrator reads the SQL migrations next to the build, as it does next to the sources.
  cpSync(path.join(root, 'prisma/migrations'), path.join(dist, 'prisma/migrations'), { recursive: true });
  if (!existsSync(path.join(dist, 'apps/api/src/generated/prisma/client.js')))
    throw new Error('the Prisma client is missing: run `npm run postinstall` (prisma generate)');
  console.log(
    `[build] ${files} files compiled or copied into dist/ (api, worker, cli, db-migrate, ${LIBS.length} libraries); ${withAddon ? 'with' : 'without'} the oneDNN addon`,
  );
}

// `node scripts/build.js [node|web]` builds one half only.
const only = process.argv[2];
if (only !== 'web') buildNode();
if (only !== 'node') buildWeb();
