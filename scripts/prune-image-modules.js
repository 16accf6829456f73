// `node scripts/prune-image-modules.js <api|worker|worker-webgpu|worker-gpu> [node_modules]`: removes from a production
// install (npm ci --omit=dev) what that image's process never loads, to keep the image small. Run by the
// Dockerfile; e2e/deployment.e2e-spec.ts starts the api and a worker from such a pruned install.
const { existsSync, readdirSync, rmSync } = require('node:fs');
const path = require('node:path');

const WORKER_ONLY = ['@prisma', '@nestjs', '@apollo', 'swagger-ui-dist', 'pdfkit', 'dejavu-fonts-ttf', '@resvg'];
const PRUNE = {
  // In every image: SWC's compiler (start:prod runs JavaScript; fontkit needs its @swc/helpers), the dashboard's Next.js (the web image is Next's
  // standalone output), the Prisma CLI and what npm installs for it regardless (migrations are applied by dist/scripts/db-migrate.js),
  // TypeScript, and the workspace links to the TypeScript libraries (the build has them in dist/node_modules/@gradlab).
  all: [
    '@swc/core',
    '@swc/core-*',
    '@swc/counter',
    '@swc/types',
    '@swc/jest',
    '@swc-node',
    'typescript',
    'next',
    '@next',
    '@img',
    'sharp',
    'prisma',
    '@prisma/dev',
    '@prisma/studio-core',
    'effect',
    '@electric-sql',
    '@gradlab',
  ],
  // The api never loads TensorFlow.js (apps/api/src/api-module-graph.slow-spec.ts).
  api: ['@tensorflow', 'webgpu'],
  // Workers talk to Redis and the api only (no database, no HTTP server, no figures). Installed without
  // their install scripts, the native TensorFlow packages have no libtensorflow: gone, the worker says
  // "not installed" instead of failing on a missing shared library. The CPU worker's image has no GPU
  // driver: no webgpu either (about 110 MB of dawn.node for five platforms).
  worker: [
    ...WORKER_ONLY,
    '@tensorflow/tfjs-node',
    '@tensorflow/tfjs-node-gpu',
    'webgpu',
    '@tensorflow/tfjs-backend-webgpu',
  ],
  // Dawn's binary for this image's platform only.
  'worker-webgpu': [...WORKER_ONLY, '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', ...otherDawnPlatforms()],
  'worker-gpu': [...WORKER_ONLY, '@tensorflow/tfjs-node', 'webgpu', '@tensorflow/tfjs-backend-webgpu'],
};

/** webgpu's dist/ folders for platforms other than linux-x64, relative to node_modules. */
function otherDawnPlatforms() {
  return ['darwin-universal', 'linux-arm64', 'win32-arm64', 'win32-x64'].map((platform) => `webgpu/dist/${platform}`);
}

const [image, modules = 'node_modules'] = process.argv.slice(2);
if (!PRUNE[image] || image === 'all') {
  console.error(
    `usage: prune-image-modules.js <${Object.keys(PRUNE)
      .filter((k) => k !== 'all')
      .join('|')}> [node_modules]`,
  );
  process.exit(2);
}
for (const name of [...PRUNE.all, ...PRUNE[image]]) {
  // `@scope/prefix-*` stands for every package of that scope whose name starts with the prefix.
  const [scope, pattern] = name.split('/');
  const names =
    pattern?.endsWith('*') && existsSync(path.join(modules, scope))
      ? readdirSync(path.join(modules, scope))
          .filter((n) => n.startsWith(pattern.slice(0, -1)))
          .map((n) => `${scope}/${n}`)
      : [name];
  for (const each of names) rmSync(path.join(modules, each), { recursive: true, force: true });
}
console.log(`pruned for ${image}: ${[...PRUNE.all, ...PRUNE[image]].join(' ')}`);
