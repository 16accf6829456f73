import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { startStack, type Stack } from './support/stack';

const GRADLAB = path.resolve(__dirname, '../apps/cli/bin/gradlab.js');
const COURSE_LINE = `python pytorch_mlp_framework/train_evaluate_image_classification_system.py --batch_size 100 --seed 0 --num_filters 32 --num_stages 3 --num_blocks_per_stage 5 --experiment_name VGG_38_experiment --use_gpu True --num_classes 100 --block_type 'conv_block' --continue_from_epoch -1`;

/** The CLI's flags for a small synthetic run of this many epochs (one stage, no blocks: seconds an epoch). */
const tinyRun = (epochs: number) =>
  `--filters 8 --stages 1 --blocks 0 --epochs ${epochs} --batch-size 50 --dataset synthetic --train-limit 300 --val-limit 100 --test-limit 100`.split(
    ' ',
  );

describe('gradlab CLI against a live stack', () => {
  let stack: Stack;
  let env: NodeJS.ProcessEnv;
  let studentKey = '';
  /** The api as the CLI's student sees it. */
  const asStudent = async <T>(route: string): Promise<T> =>
    (
      await fetch(`${stack.apiUrl}/api${route}`, { headers: { authorization: `Bearer ${studentKey}` } })
    ).json() as Promise<T>;
  const gradlab = (...args: string[]) => promisify(execFile)(process.execPath, [GRADLAB, ...args], { env });

  beforeAll(async () => {
    stack = await startStack();
    env = {
      ...process.env,
      GRADLAB_CONFIG: path.join(mkdtempSync(path.join(tmpdir(), 'gradlab-cli-')), 'config.json'),
    };
    delete env.GRADLAB_URL;
    delete env.GRADLAB_KEY;
    const student = await stack.createStudent('team-a', 'a1@uni.test');
    studentKey = student;
    expect((await gradlab('config', '--url', stack.apiUrl, '--key', student)).stdout).toContain('saved to');
  }, 90_000);
  afterAll(async () => {
    await stack?.stop();
  }, 30_000);

  it("adds a student's block from a file, exports it to the course framework, and trains a run of it whose gradient flow names the block's layers", async () => {
    const file = path.resolve(__dirname, '../examples/blocks/preact_residual.json');
    const added = (await gradlab('blocks', 'add', file)).stdout;
    const blockId = /^added block ([0-9a-f-]{36}): preact_residual$/m.exec(added)?.[1] as string;
    expect(blockId).toBeDefined();
    expect((await gradlab('blocks', 'list')).stdout).toContain(`${blockId}  preact_residual`);
    // a second block of the same name is refused, naming the field
    await expect(gradlab('blocks', 'add', file)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('name: already used by a block of your team'),
    });

    // the export runs as a student runs it: its own test builds both blocks in PyTorch and fprops them
    const module = path.join(mkdtempSync(path.join(tmpdir(), 'gradlab-export-')), 'preact_residual.py');
    await gradlab('blocks', 'export', blockId, '--out', module);
    expect(readFileSync(module, 'utf8')).toContain("elif args.block_type == 'preact_residual':");
    const python = await promisify(execFile)('/usr/bin/python3', [module]);
    expect(python.stdout).toContain('preact_residual: the processing and reduction blocks fprop');

    const { stdout } = await gradlab('submit', '--block', blockId, ...tinyRun(1), '--blocks', '1', '--watch');
    expect(stdout).toMatch(/^submitted [0-9a-f-]{36}: VGG_06 preact_residual seed 0 \(.*block preact_residual/m);
    const runId = /submitted ([0-9a-f-]{36})/.exec(stdout)?.[1] as string;
    expect(stdout).toContain(`run ${runId} completed`);
    // the course framework's command line names the block as the export's clause does
    const framework = (
      await gradlab('submit', '--', ...COURSE_LINE.replace("'conv_block'", 'preact_residual').split(' '))
    ).stdout;
    expect(framework).toMatch(/^submitted [0-9a-f-]{36}: VGG_38_experiment \(32 filters.*block preact_residual/m);
    // (a CIFAR-100 run: it fails at once on this machine, which has no CIFAR-100, as the test below shows)

    const flow = await asStudent<{ layers: { shortName: string }[] }>(`/runs/${runId}/gradient-flow`);
    expect(flow.layers.map((l) => l.shortName)).toEqual([
      'input_conv.conv_0',
      'input_conv.bn_0',
      'block_0_0.bn_0',
      'block_0_0.conv_0',
      'block_0_0.bn_1',
      'block_0_0.conv_1',
      'reduction_block_0.bn_0',
      'reduction_block_0.conv_0',
      'reduction_block_0.bn_1',
      'reduction_block_0.conv_1',
      'logit_linear_layer',
    ]);
  }, 180_000);

  it('submits from flags, watches the run to the end, and downloads the framework-style results', async () => {
    const { stdout } = await gradlab('submit', '--name', 'cli run', ...tinyRun(2), '--watch');
    expect(stdout).toMatch(/^submitted [0-9a-f-]{36}: cli run/m);
    expect(stdout).toMatch(/^epoch 0 \(1 of 2\) {2}train loss \d/m);
    expect(stdout).toMatch(/^epoch 1 \(2 of 2\) {2}train loss \d/m); // numbered from 0, as the course framework
    const id = /submitted ([0-9a-f-]{36})/.exec(stdout)?.[1] as string;
    expect(stdout).toContain(`run ${id} completed on wasm+onednn`);

    // the run's worker time counts against the team's week
    const quota = (await gradlab('quota')).stdout;
    expect(quota).toMatch(/^team \S+: \d+\.\d\d worker hours this week \(no budget\)$/m);
    expect(quota).toMatch(/^fair share: \d+\.\d\d worker hours in the last 24 h, weight 1; 0 run\(s\) waiting$/m);

    const out = mkdtempSync(path.join(tmpdir(), 'gradlab-results-'));
    await gradlab('download', id, '--out', out);
    const summary = readFileSync(path.join(out, 'summary.csv'), 'utf8').trim().split('\n');
    expect(summary[0]).toBe('train_acc,train_loss,val_acc,val_loss');
    expect(summary).toHaveLength(3);
    expect(readFileSync(path.join(out, 'test_summary.csv'), 'utf8')).toMatch(/^test_acc,test_loss\n0\.\d+,\d/);
    expect(readFileSync(path.join(out, 'gradient_flow.csv'), 'utf8').trim().split('\n')).toHaveLength(1 + 2 * 5);
    for (const figure of ['learning_curves.svg', 'gradient_flow.svg'])
      expect(readFileSync(path.join(out, figure), 'utf8')).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(
      readFileSync(path.join(out, 'gradient_flow.svg'), 'utf8').match(/aria-roledescription="point"/g),
    ).toHaveLength(5); // a point per weight layer
    expect((await gradlab('list')).stdout).toContain(`${id}  completed`);

    // Another team's student gets nothing of it, as if it did not exist; without a key, nothing at all.
    const outsider = { ...env, GRADLAB_KEY: await stack.createStudent('team-b', 'b1@uni.test') };
    const asOutsider = (...args: string[]) =>
      promisify(execFile)(process.execPath, [GRADLAB, ...args], { env: outsider });
    expect((await asOutsider('list')).stdout).not.toContain(id);
    await expect(
      asOutsider('download', id, '--out', mkdtempSync(path.join(tmpdir(), 'gradlab-stolen-'))),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`run ${id} not found`),
    });
    await expect(asOutsider('watch', id)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`run ${id} not found`),
    });
    await expect(asOutsider('cancel', id)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`run ${id} not found`),
    });
    const anonymous = {
      ...env,
      GRADLAB_CONFIG: path.join(mkdtempSync(path.join(tmpdir(), 'gradlab-anon-')), 'config.json'),
      GRADLAB_URL: stack.apiUrl,
    };
    await expect(promisify(execFile)(process.execPath, [GRADLAB, 'list'], { env: anonymous })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('gradlab config --key'),
    });
  }, 120_000);

  it("takes the course framework's own command line", async () => {
    const { stdout } = await gradlab('submit', '--', ...COURSE_LINE.split(' '));
    expect(stdout).toContain('ignoring --use_gpu: workers choose their backend');
    expect(stdout).toContain('ignoring --continue_from_epoch');
    expect(stdout).toMatch(
      /submitted [0-9a-f-]{36}: VGG_38_experiment \(32 filters, 3 stages, 5 blocks per stage, conv_block, 100 epochs\)/,
    );
    const id = /submitted ([0-9a-f-]{36})/.exec(stdout)?.[1] as string;
    // CIFAR-100 is not on this machine: the run fails at once, naming what is missing, and watch says so
    const watched = gradlab('watch', id);
    await expect(watched).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringContaining('cifar-100-python: missing'),
    });
    // a finished run cannot be cancelled, and the CLI says why
    await expect(gradlab('cancel', id)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('already failed'),
    });
  }, 120_000);

  it("imports the course's reference run folder and prints the new run's id last", async () => {
    const folder = path.resolve(__dirname, '../../shared/reference/course-runs/VGG_38');
    const { stdout } = await gradlab('import', folder);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('imported VGG_38: VGG_38, 100 epochs, test accuracy 0.0100');
    const id = lines[lines.length - 1];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await gradlab('list')).stdout).toContain(`${id}  completed`);
    await expect(gradlab('import', path.resolve(__dirname, '..'))).rejects.toMatchObject({
      stderr: expect.stringContaining('has no summary.csv'),
    });
    const zip = path.join(mkdtempSync(path.join(tmpdir(), 'gradlab-pack-')), 'pack.zip');
    expect((await gradlab('report-pack', id, '--out', zip)).stdout).toContain(`wrote ${zip}`);
    expect(Object.keys(unzipSync(readFileSync(zip)))).toEqual(expect.arrayContaining(['README.txt', 'results.tex']));
  }, 60_000);

  it("prints each command's own help for --help, and asks the api nothing", async () => {
    const noApi = { ...env, GRADLAB_URL: 'http://127.0.0.1:9' }; // nothing listens there
    const watchHelp = await promisify(execFile)(process.execPath, [GRADLAB, 'watch', '--help'], { env: noApi });
    expect(watchHelp.stdout).toContain('Usage: gradlab watch [options] <RUN_ID>');
    expect(watchHelp.stdout).toContain('follow a run live until it finishes');
    const help = await promisify(execFile)(process.execPath, [GRADLAB, '--help'], { env: noApi });
    expect(help.stdout).toContain('report-pack [options] <RUN_ID...>');
    await expect(gradlab('watch')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("missing required argument 'RUN_ID'"),
    });
  });

  it('submits a seed group over a grid, shows its cells with mean +- std, and diagnoses a run as the api does', async () => {
    const tiny = tinyRun(1);
    const { stdout } = await gradlab(
      'submit',
      '--name',
      'cli sweep',
      ...tiny,
      '--seeds',
      '0..1',
      '--grid',
      'lr=1e-2,3e-3',
      'wd=0',
    );
    expect(stdout).toMatch(/^submitted group [0-9a-f-]{36}: cli sweep, 4 runs \(2 seeds x 2 cells\)/m);
    expect(stdout).toMatch(/seed 1 {2}lr=0\.003 wd=0$/m);
    const groupId = /submitted group ([0-9a-f-]{36})/.exec(stdout)?.[1] as string;
    let shown = '';
    const deadline = Date.now() + 90_000;
    while (!/4 completed/.test(shown) && Date.now() < deadline) {
      shown = (await gradlab('group', groupId)).stdout;
      if (!/4 completed/.test(shown)) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    expect(shown).toMatch(/^cli sweep: 4 runs, 4 completed$/m);
    // one cell marked best, each with a mean +- std over its two seeds
    expect(
      shown.match(
        /^ {2}[* ] lr=0\.0\d+ wd=0 +best val 0\.\d{4} \+- 0\.\d{4} \(n=2\) {2}test 0\.\d{4} \+- 0\.\d{4} \(n=2\)$/gm,
      ),
    ).toHaveLength(2);
    expect(shown.match(/^ {2}\* /gm)).toHaveLength(1);
    expect((await gradlab('groups')).stdout).toContain(`${groupId}    4 runs  4 completed  cli sweep`);
    await expect(gradlab('submit', ...tiny, '--seeds', '3..1')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--seeds: 3..1: the range ends before it starts'),
    });
    await expect(gradlab('submit', ...tiny, '--grid', 'lr=-1')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('grid.lr[0]: -1: Too small'),
    });
  }, 120_000);

  it('diagnoses, on runs it trained, a deep plain net as vanishing and stuck, the same net with BN+RC as neither, and VGG_08 as healthy', async () => {
    // VGG_38 with 8 filters: quick, and deep enough that the plain net's gradients vanish (asserted below).
    const deep = (blockType: string) => [
      '--filters',
      '8',
      '--stages',
      '3',
      '--blocks',
      '5',
      '--block-type',
      blockType,
      ...'--epochs 3 --batch-size 50 --dataset synthetic --train-limit 1000 --val-limit 100 --test-limit 100'.split(
        ' ',
      ),
    ];
    const ids: Record<string, string> = {};
    for (const blockType of ['conv_block', 'conv_block_bn_rc'])
      ids[blockType] = /submitted ([0-9a-f-]{36})/.exec(
        (await gradlab('submit', '--name', blockType, ...deep(blockType))).stdout,
      )?.[1] as string;
    // VGG_08 (no blocks per stage) leaves chance within 4 epochs of this little data at lr 0.01 (at 1e-3 it takes longer).
    const vgg08 = [
      ...deep('conv_block').map((flag, i, all) =>
        all[i - 1] === '--blocks' ? '0' : all[i - 1] === '--epochs' ? '4' : flag,
      ),
      '--lr',
      '0.01',
    ];
    ids.vgg08 = /submitted ([0-9a-f-]{36})/.exec(
      (await gradlab('submit', '--name', 'VGG_08', ...vgg08)).stdout,
    )?.[1] as string;
    for (const id of Object.values(ids))
      await expect(gradlab('watch', id)).resolves.toMatchObject({ stdout: expect.stringContaining('completed') });

    // The plain net really vanishes: its first conv's mean |g| is many decades under the last layer's.
    const flow = await asStudent<{ layers: { meanAbs: number; kind: string }[] }>(
      `/runs/${ids.conv_block}/gradient-flow`,
    );
    const weights = flow.layers.filter((l) => l.kind !== 'batchnorm');
    expect(weights[0].meanAbs / (weights.at(-1) as { meanAbs: number }).meanAbs).toBeLessThan(1e-6);

    const plain = await gradlab('diagnose', ids.conv_block).then(
      () => ({ code: 0, stdout: '' }),
      (error: { stdout: string; code: number }) => error,
    );
    expect(plain.code).toBe(1); // critical findings
    expect(plain.stdout).toMatch(/^CRITICAL vanishing_gradients: The first layers' mean \|gradient\|/m);
    expect(plain.stdout).toMatch(/^CRITICAL stuck_at_chance: After 3 epochs/m);
    expect(plain.stdout).toContain('fix: Residual connections around each block (conv_block_bn_rc) (He et al. 2016');
    const fixed = await gradlab('diagnose', ids.conv_block_bn_rc);
    expect(fixed.stdout).not.toMatch(/vanishing_gradients|stuck_at_chance/);
    // the api's diagnosis (computed live as the epochs arrived) says the same
    const codes = async (id: string) =>
      (await asStudent<{ findings: { code: string }[] }>(`/runs/${id}/diagnosis`)).findings.map((f) => f.code);
    expect(await codes(ids.conv_block)).toEqual(expect.arrayContaining(['vanishing_gradients', 'stuck_at_chance']));
    expect(await codes(ids.conv_block_bn_rc)).not.toEqual(expect.arrayContaining(['vanishing_gradients']));
    expect(await codes(ids.conv_block_bn_rc)).not.toContain('stuck_at_chance');
    // and VGG_08 is healthy
    expect((await gradlab('diagnose', ids.vgg08)).stdout).toContain('no problems found');
    expect(await codes(ids.vgg08)).toEqual([]);
  }, 180_000);

  it('watch ends with a clear message and exit code 1 when the api closes the live connection (a revoked key)', async () => {
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${studentKey}` };
    const second = (await (
      await fetch(`${stack.apiUrl}/api/keys`, { method: 'POST', headers, body: JSON.stringify({ name: 'to revoke' }) })
    ).json()) as {
      id: string;
      key: string;
    };
    const id = /submitted ([0-9a-f-]{36})/.exec(
      (await gradlab('submit', '--name', 'long watch', ...tinyRun(200))).stdout,
    )?.[1] as string;
    const child = execFile(process.execPath, [GRADLAB, 'watch', id], { env: { ...env, GRADLAB_KEY: second.key } });
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk) => (out += chunk));
    child.stderr?.on('data', (chunk) => (err += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    // Revoked once the live connection is up: before it, the connection is refused instead of closed.
    for (let i = 0; i < 600 && !(/^epoch 0 /m.test(out) && /following run .* live/.test(err)); i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect({ out, err }).toMatchObject({
      out: expect.stringMatching(/^epoch 0 /m),
      err: expect.stringContaining(`following run ${id} live`),
    });
    expect((await fetch(`${stack.apiUrl}/api/keys/${second.id}`, { method: 'DELETE', headers })).status).toBe(200);
    expect(
      await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 15_000))]),
    ).toBe(1);
    expect(err).toContain('the api closed the live connection');
    await gradlab('cancel', id);
  }, 120_000);

  it('names the field the api refused', async () => {
    await expect(gradlab('submit', '--filters', '0')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('config.model.numFilters'),
    });
  });
});
