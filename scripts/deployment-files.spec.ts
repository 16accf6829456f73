import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { AppConfigSchema } from '../apps/api/src/config/app-config';
import { WebEnvSchema } from '../apps/web/src/web-config';
import { WorkerConfigSchema } from '../apps/worker/src/worker-config';

// docker-compose.yml, .env.example and the Dockerfile read against the processes they start: no Docker
// daemon here, so these checks (and `docker-compose config` in .ci/run) are what holds them to the code.
const ROOT = path.resolve(__dirname, '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

interface Service {
  environment?: Record<string, string | number>;
  build?: { target: string };
  restart?: string;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
  deploy?: { resources: { reservations: { devices: { driver: string; capabilities: string[] }[] } } };
}
const composeText = read('docker-compose.yml');
const compose = parse(composeText, { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const envExample = read('.env.example');
const dockerfile = read('Dockerfile');

const keys = (schema: { shape: Record<string, unknown> }) => Object.keys(schema.shape);
/** What each service's process reads from its environment. */
const KNOWN: Record<string, string[]> = {
  api: keys(AppConfigSchema),
  migrate: ['DATABASE_URL'], // scripts/db-migrate.ts
  worker: keys(WorkerConfigSchema),
  'worker-webgpu': keys(WorkerConfigSchema),
  'worker-gpu': keys(WorkerConfigSchema),
  // Next's standalone server listens on PORT and HOSTNAME (set by the web image).
  web: [...keys(WebEnvSchema), 'PORT', 'HOSTNAME'],
};
/** Variables without which the stack cannot work, though each process alone would start. */
const NEEDED: Record<string, string[]> = {
  api: ['DATABASE_URL', 'REDIS_URL', 'WORKER_TOKEN'],
  migrate: ['DATABASE_URL'],
  worker: ['REDIS_URL', 'API_URL', 'WORKER_TOKEN'],
  'worker-webgpu': ['REDIS_URL', 'API_URL', 'WORKER_TOKEN'],
  'worker-gpu': ['REDIS_URL', 'API_URL', 'WORKER_TOKEN'],
  web: ['API_URL'],
};
const SECRETS = ['POSTGRES_PASSWORD', 'WORKER_TOKEN', 'GRADLAB_ADMIN_PASSWORD', 'GRADLAB_ADMIN_TOKEN'];

describe('docker-compose.yml', () => {
  it('has the services a course runs, each starting a process gradlab has', () => {
    expect(Object.keys(services).sort()).toEqual([
      'api',
      'migrate',
      'postgres',
      'redis',
      'web',
      'worker',
      'worker-gpu',
      'worker-webgpu',
    ]);
    for (const name of Object.keys(KNOWN)) expect(services[name].build?.target).toBe(name === 'migrate' ? 'api' : name);
  });

  it.each(Object.keys(KNOWN))(
    "sets only variables the %s process's configuration knows, and those it needs",
    (name) => {
      const environment = Object.keys(services[name].environment ?? {});
      expect(environment.filter((variable) => !KNOWN[name].includes(variable))).toEqual([]);
      expect(NEEDED[name].filter((variable) => !environment.includes(variable))).toEqual([]);
    },
  );

  it('leaves no variable a process requires unset (a schema field with neither default nor optional)', () => {
    const schemas = {
      api: AppConfigSchema,
      worker: WorkerConfigSchema,
      'worker-webgpu': WorkerConfigSchema,
      'worker-gpu': WorkerConfigSchema,
      web: WebEnvSchema,
    };
    for (const [name, schema] of Object.entries(schemas)) {
      const required = Object.entries(
        schema.shape as Record<string, { safeParse(value: unknown): { success: boolean } }>,
      )
        .filter(([, field]) => !field.safeParse(undefined).success)
        .map(([variable]) => variable);
      expect(required.filter((variable) => !(variable in (services[name].environment ?? {})))).toEqual([]);
    }
  });

  it('takes every interpolated variable from .env.example, and every secret from it, never literally', () => {
    const uncommented = composeText.replace(/^\s*#.*$/gm, '');
    const interpolated = [...uncommented.matchAll(/\$\{(\w+)/g)].map((m) => m[1]);
    const listed = [...envExample.matchAll(/^(\w+)=/gm)].map((m) => m[1]);
    expect([...new Set(interpolated)].filter((variable) => !listed.includes(variable))).toEqual([]);
    for (const secret of SECRETS) expect(envExample).toMatch(new RegExp(`^${secret}=$`, 'm'));
    for (const service of Object.values(services)) {
      for (const [variable, value] of Object.entries(service.environment ?? {})) {
        if (SECRETS.includes(variable)) expect(String(value)).toMatch(/^\$\{\w+:[?-]/);
        if (variable === 'DATABASE_URL') expect(String(value)).toContain('${POSTGRES_PASSWORD:?');
      }
    }
  });

  it('covers the configuration table of docs/configuration.md: each variable set here or documented in .env.example', () => {
    const section = read('docs/configuration.md');
    const variables = [...section.matchAll(/^\| `(\w+)`(?: \/ `(\w+)`)?/gm)].flatMap((m) => m.slice(1).filter(Boolean));
    expect(variables.length).toBeGreaterThan(30);
    const setHere = new Set(Object.values(services).flatMap((service) => Object.keys(service.environment ?? {})));
    expect(
      variables.filter((variable) => !setHere.has(variable) && !new RegExp(`\\b${variable}\\b`).test(envExample)),
    ).toEqual([]);
  });

  it('starts each service after what it needs is healthy, and restarts the long-running ones', () => {
    expect(services.postgres.healthcheck?.test).toContain('pg_isready');
    expect(services.redis.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(services.migrate.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(services.api.depends_on?.migrate).toEqual({ condition: 'service_completed_successfully' });
    for (const name of ['api', 'worker', 'worker-webgpu', 'worker-gpu', 'web']) {
      expect(Object.values(services[name].depends_on ?? {}).length).toBeGreaterThan(0);
      for (const [dependency, { condition }] of Object.entries(services[name].depends_on ?? {})) {
        expect(condition).toBe(dependency === 'migrate' ? 'service_completed_successfully' : 'service_healthy');
      }
    }
    // What they wait for as healthy has a health check: its own (postgres, redis) or its image's.
    for (const target of ['api', 'web']) expect(stage(target)).toMatch(/^HEALTHCHECK /m);
    for (const [name, service] of Object.entries(services))
      expect(service.restart).toBe(name === 'migrate' ? 'no' : 'unless-stopped');
  });

  it('puts the GPU workers behind their profiles, each reserving an NVIDIA GPU (the webgpu one with graphics, for Vulkan)', () => {
    expect(services['worker-gpu'].profiles).toEqual(['gpu']);
    expect(services['worker-gpu'].deploy?.resources.reservations.devices).toEqual([
      expect.objectContaining({ driver: 'nvidia', capabilities: ['gpu'] }),
    ]);
    expect(services['worker-webgpu'].profiles).toEqual(['webgpu']);
    expect(services['worker-webgpu'].deploy?.resources.reservations.devices).toEqual([
      expect.objectContaining({ driver: 'nvidia', capabilities: ['gpu', 'compute', 'utility', 'graphics'] }),
    ]);
    expect(services.worker.profiles).toBeUndefined();
  });
});

describe('Dockerfile', () => {
  const args = Object.fromEntries([...dockerfile.matchAll(/^ARG (\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
  const stages = [...dockerfile.matchAll(/^FROM (\S+)(?: AS (\S+))?$/gm)].map((m) => ({
    image: m[1].replace(/^\$\{(\w+)\}$/, (_, arg) => args[arg]),
    name: m[2],
  }));

  it('builds every base image from a pinned version, never latest', () => {
    const external = stages.map((s) => s.image).filter((image) => !stages.some((s) => s.name === image));
    expect(external.length).toBeGreaterThan(0);
    for (const image of external) expect(image).toMatch(/^[\w./-]+:\d+\.\d+\.\d+[\w.-]*$/);
    expect(dockerfile).not.toMatch(/:latest\b/);
  });

  it('has the five targets, each running as a user other than root, with the built JavaScript', () => {
    for (const target of ['api', 'worker', 'worker-webgpu', 'worker-gpu', 'web']) {
      const users = [...stage(target).matchAll(/^USER (\S+)$/gm)].map((m) => m[1]);
      expect(users.length).toBeGreaterThan(0);
      expect(['root', '0']).not.toContain(users.at(-1));
      const cmd = /^CMD (\[.*\])$/m.exec(stage(target))?.[1];
      expect(JSON.parse(cmd as string)).toEqual([
        'node',
        '--enable-source-maps',
        expect.stringMatching(/^(dist\/apps\/\w+\/src\/main|apps\/web\/server)\.js$/),
      ]);
    }
  });

  it('sets no secret in an image', () => {
    const names = [...dockerfile.matchAll(/^(?:ENV|ARG) (.*)$/gm)]
      .flatMap((m) => m[1].split(/\s+/))
      .map((pair) => pair.split('=')[0]);
    expect(names).toContain('NODE_ENV');
    expect(names.filter((name) => /PASSWORD|TOKEN|SECRET|_KEY$/i.test(name))).toEqual([]);
  });

  it("runs the GPU worker on the CUDA and cuDNN that tfjs-node-gpu's libtensorflow needs", () => {
    // tfjs-node-gpu 4.22 downloads libtensorflow 2.9.1, built for CUDA 11.2 and cuDNN 8.1; another
    // tfjs-node-gpu version makes this fail, so the base image is looked at again.
    const pkg = JSON.parse(read('package.json'));
    expect(pkg.optionalDependencies['@tensorflow/tfjs-node-gpu']).toBe('4.22.0');
    expect(args.CUDA_IMAGE).toMatch(/^nvidia\/cuda:11\.2\.\d+-cudnn8-runtime-/);
    expect(
      stages.filter((s) => s.name === 'worker-gpu' || s.name === 'worker-gpu-modules').map((s) => s.image),
    ).toEqual([args.CUDA_IMAGE, args.CUDA_IMAGE]);
    expect(stage('worker-gpu-modules')).toContain('npm rebuild @tensorflow/tfjs-node-gpu');
    expect(stage('worker-gpu')).toMatch(/TF_BACKEND=tfjs-node-gpu/);
  });

  it('builds the oneDNN addon into dist/ and gives the CPU worker its library', () => {
    expect(stage('build')).toMatch(/apt-get install .*libdnnl-dev/);
    expect(stage('build')).toMatch(/npm rebuild @gradlab\/native-kernels[\s\S]*&& npm run build/);
    expect(stage('worker')).toMatch(/apt-get install .*libdnnl2/);
    expect(read('.dockerignore')).toMatch(/^libs\/native-kernels\/build$/m);
  });

  it('runs the WebGPU worker on the node image with the Vulkan loader, forced onto webgpu, with the graphics capability', () => {
    expect(stages.find((s) => s.name === 'worker-webgpu')?.image).toBe(args.NODE_IMAGE);
    expect(stage('worker-webgpu')).toMatch(/apt-get install .*libvulkan1/);
    expect(stage('worker-webgpu')).toMatch(/TF_BACKEND=webgpu/);
    expect(stage('worker-webgpu')).toMatch(/NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics/);
    expect(stage('worker-webgpu')).toContain('/app/modules-worker-webgpu');
    expect(dockerfile).toMatch(/for image in api worker worker-webgpu; do/);
  });
});

/** The instructions of one stage, from its FROM to the next. */
function stage(name: string): string {
  const start = dockerfile.search(new RegExp(`^FROM \\S+ AS ${name}$`, 'm'));
  expect(start).toBeGreaterThanOrEqual(0);
  const next = dockerfile.slice(start + 1).search(/^FROM /m);
  return next < 0 ? dockerfile.slice(start) : dockerfile.slice(start, start + 1 + next);
}
