import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { diagnose } from '@gradlab/analysis';
import {
  cellKey,
  DATASET_CLASSES,
  FINISHED_STATUSES,
  parseGridAxis,
  parseSeeds,
  type ClientToServerEvents,
  type EpochDto,
  type ExperimentConfigInput,
  type RunDto,
  type ServerToClientEvents,
} from '@gradlab/contracts';
import { frameworkSummaryCsv, frameworkTestSummaryCsv, gradientFlowCsv, gradientFlowSpec, learningCurvesSpec } from '@gradlab/figures';
import { renderSvg } from '@gradlab/figures/src/render-svg';
import { io, type Socket } from 'socket.io-client';
import { ApiClient } from './api-client';
import { loadCliConfig, saveCliConfig } from './cli-config';
import { parseFrameworkCommand } from './framework-args';

const USAGE = `gradlab <command>
  config --url URL [--key KEY]          save the api address (and key)
  submit [flags] [--watch]              submit a run; flags: --name --config FILE.json --filters --stages
                                        --blocks --block-type --epochs --batch-size --lr --weight-decay
                                        --seed --dataset --train-limit --val-limit --test-limit --no-augment
  submit [--watch] -- python .../train_evaluate_image_classification_system.py --batch_size 100 ...
                                        submit the course framework's own command line
  submit [flags] --seeds 0..4 [--grid lr=1e-3,3e-4 batch=64,128 wd=0,1e-4]
                                        submit a group: every seed in every cell of the grid (grid names:
                                        lr minLr batch wd epochs filters stages blocks block augment)
  group GROUP_ID [--cancel]             a group's runs, and per cell mean +- std of best val and test accuracy
  groups                                your team's groups, newest first
  diagnose RUN_ID                       what the run's epochs and gradient flow say is wrong, with fixes
  list [--page N]                       your runs, newest first
  watch RUN_ID                          follow a run live until it finishes
  cancel RUN_ID                         cancel a queued or running run
  download RUN_ID [--out DIR]           summary.csv, test_summary.csv, gradient_flow.csv, and the
                                        figures learning_curves.svg and gradient_flow.svg
  report-pack RUN_ID... [--out FILE]    every figure in every format, the framework's CSVs and results.tex
                                        of these runs, as a zip (default report-pack.zip)
  import DIR [--name NAME]              the course framework's result folder (DIR or DIR/result_outputs
                                        with summary.csv, test_summary.csv) as a read-only run; prints its id`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // Help asked of any command is help, never an argument (`gradlab watch --help` is no run id).
  if (rest.includes('--help') || rest.includes('-h') || command === '--help' || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  const config = loadCliConfig();
  const api = new ApiClient(config.url, config.key);
  switch (command) {
    case 'config': {
      const { values } = parseArgs({ args: rest, options: { url: { type: 'string' }, key: { type: 'string' } } });
      if (!values.url) throw new Error('config needs --url');
      console.log(`saved to ${saveCliConfig({ url: values.url.replace(/\/$/, ''), key: values.key })}`);
      return 0;
    }
    case 'submit':
      return submit(api, rest);
    case 'group':
      return showGroup(api, rest);
    case 'groups': {
      const { items } = await api.groups();
      for (const g of items)
        console.log(
          `${g.id}  ${String(g.size).padStart(3)} runs  ${Object.entries(g.counts)
            .filter(([, n]) => n > 0)
            .map(([s, n]) => `${n} ${s}`)
            .join(', ')}  ${g.name}`,
        );
      return 0;
    }
    case 'diagnose': {
      if (!rest[0]) throw new Error('diagnose needs a run id');
      return diagnoseRun(api, rest[0]);
    }
    case 'list': {
      const { values } = parseArgs({ args: rest, options: { page: { type: 'string', default: '1' } } });
      const page = await api.list(Number(values.page));
      for (const run of page.items)
        console.log(
          `${run.id}  ${run.status.padEnd(9)}  ${String(run.epochsCompleted).padStart(3)} of ${run.config.training.epochs} epochs done  best val ${fmt(run.bestValAccuracy)}  ${run.name}`,
        );
      console.log(`page ${page.page} of ${Math.max(1, Math.ceil(page.total / page.pageSize))} (${page.total} runs)`);
      return 0;
    }
    case 'watch': {
      if (!rest[0]) throw new Error('watch needs a run id');
      return (await watch(api, rest[0])).status === 'completed' ? 0 : 1;
    }
    case 'cancel': {
      if (!rest[0]) throw new Error('cancel needs a run id');
      const run = await api.cancel(rest[0]);
      console.log(`run ${run.id} ${run.status}`);
      return 0;
    }
    case 'download':
      return download(api, rest);
    case 'import':
      return importResults(api, rest);
    case 'report-pack': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { out: { type: 'string', default: 'report-pack.zip' } } });
      if (positionals.length === 0) throw new Error('report-pack needs run ids');
      writeFileSync(path.resolve(values.out), await api.reportPack(positionals));
      console.log(`wrote ${path.resolve(values.out)}`);
      return 0;
    }
    default:
      console.log(USAGE);
      return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
}

async function submit(api: ApiClient, args: string[]): Promise<number> {
  const separator = args.indexOf('--');
  const { rest: own, seeds, grid } = takeGroupFlags(separator >= 0 ? args.slice(0, separator) : args);
  const { values } = parseArgs({
    args: own,
    options: {
      name: { type: 'string' },
      config: { type: 'string' },
      watch: { type: 'boolean', default: false },
      filters: { type: 'string' },
      stages: { type: 'string' },
      blocks: { type: 'string' },
      'block-type': { type: 'string' },
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      lr: { type: 'string' },
      'weight-decay': { type: 'string' },
      seed: { type: 'string' },
      dataset: { type: 'string' },
      'train-limit': { type: 'string' },
      'val-limit': { type: 'string' },
      'test-limit': { type: 'string' },
      'no-augment': { type: 'boolean' },
    },
  });
  let name = values.name;
  let config: { model: Record<string, unknown>; training: Record<string, unknown>; data: Record<string, unknown> } = { model: {}, training: {}, data: {} };
  if (values.config) {
    const file = JSON.parse(readFileSync(values.config, 'utf8'));
    const fromFile = file.config ?? file;
    config = { model: { ...fromFile.model }, training: { ...fromFile.training }, data: { ...fromFile.data } };
    name ??= file.name;
  }
  if (separator >= 0) {
    const framework = parseFrameworkCommand(args.slice(separator + 1));
    for (const { flag, reason } of framework.ignored) console.log(`ignoring --${flag}: ${reason}`);
    config = {
      model: { ...config.model, ...framework.config.model },
      training: { ...config.training, ...framework.config.training },
      data: { ...config.data },
    };
    name ??= framework.name;
  }
  const set = (section: 'model' | 'training' | 'data', key: string, value: string | undefined, asNumber = true) => {
    if (value !== undefined) config[section][key] = asNumber ? Number(value) : value;
  };
  set('model', 'numFilters', values.filters);
  set('model', 'numStages', values.stages);
  set('model', 'numBlocksPerStage', values.blocks);
  set('model', 'blockType', values['block-type'], false);
  set('training', 'epochs', values.epochs);
  set('training', 'batchSize', values['batch-size']);
  set('training', 'learningRate', values.lr);
  set('training', 'weightDecay', values['weight-decay']);
  set('training', 'seed', values.seed);
  set('data', 'dataset', values.dataset, false);
  set('data', 'trainLimit', values['train-limit']);
  set('data', 'valLimit', values['val-limit']);
  set('data', 'testLimit', values['test-limit']);
  if (values['no-augment']) config.data.augment = false;

  if (seeds !== undefined || grid !== undefined) {
    if (values.watch) throw new Error('--watch follows one run; follow a group with `gradlab group ID`');
    const group = await api.submitGroup({ name, config, ...(seeds ? { seeds } : {}), ...(grid ? { grid } : {}) });
    console.log(`submitted group ${group.id}: ${group.name}, ${group.runs.length} runs (${group.seeds.length} seeds x ${group.cells.length} cells)`);
    for (const run of group.runs) console.log(`  ${run.id}  seed ${run.seed}  ${cellKey(run.cell)}`);
    return 0;
  }
  const run = await api.submit({ name, config: config as ExperimentConfigInput });
  const m = run.config.model;
  console.log(
    `submitted ${run.id}: ${run.name} (${m.numFilters} filters, ${m.numStages} stages, ${m.numBlocksPerStage} blocks per stage, ${m.blockType}, ${run.config.training.epochs} epochs)`,
  );
  if (!values.watch) return 0;
  return (await watch(api, run.id)).status === 'completed' ? 0 : 1;
}

/**
 * `--seeds 0..4` and `--grid lr=1e-3,3e-4 batch=64,128`: a grid takes every following word up to the next
 * flag (or repeat --grid). The other arguments are returned for parseArgs.
 */
function takeGroupFlags(args: string[]): { rest: string[]; seeds?: number[]; grid?: Record<string, (string | number | boolean)[]> } {
  const rest: string[] = [];
  let seeds: number[] | undefined;
  let grid: Record<string, (string | number | boolean)[]> | undefined;
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    if (flag === '--seeds') {
      const value = inline ?? args[++i];
      const parsed = parseSeeds(value ?? '');
      if (typeof parsed === 'string') throw new Error(`--seeds: ${parsed}`);
      seeds = parsed;
    } else if (flag === '--grid') {
      grid ??= {};
      const words = inline !== undefined ? [inline] : [];
      while (i + 1 < args.length && !args[i + 1].startsWith('--')) words.push(args[++i]);
      if (words.length === 0) throw new Error('--grid needs name=value,value (for example lr=1e-3,3e-4)');
      for (const word of words) {
        const axis = parseGridAxis(word);
        if (typeof axis === 'string') throw new Error(`--grid: ${axis}`);
        grid[axis[0]] = axis[1];
      }
    } else rest.push(args[i]);
  }
  return { rest, seeds, grid };
}

async function showGroup(api: ApiClient, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { cancel: { type: 'boolean', default: false } } });
  if (!positionals[0]) throw new Error('group needs a group id');
  const group = values.cancel ? await api.cancelGroup(positionals[0]) : await api.group(positionals[0]);
  console.log(
    `${group.name}: ${group.runs.length} runs, ${Object.entries(group.counts)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ')}`,
  );
  for (const run of group.runs)
    console.log(
      `  ${run.id}  ${run.status.padEnd(9)}  seed ${String(run.seed).padEnd(4)} ${cellKey(run.cell).padEnd(24)} best val ${fmt(run.bestValAccuracy)}  test ${fmt(run.testAccuracy)}`,
    );
  console.log('cells (mean +- std over seeds; * the best):');
  const pm = (s: { mean: number | null; std: number | null; n: number }) =>
    s.mean === null ? '-' : `${s.mean.toFixed(4)} +- ${s.std === null ? '-' : s.std.toFixed(4)} (n=${s.n})`;
  for (const cell of group.cells)
    console.log(`  ${cell.best ? '*' : ' '} ${(cell.key || '(no grid)').padEnd(24)} best val ${pm(cell.bestValAccuracy)}  test ${pm(cell.testAccuracy)}`);
  return 0;
}

/** The same diagnosis as the api's and the dashboard's (libs/analysis), over the run's stored data. */
async function diagnoseRun(api: ApiClient, id: string): Promise<number> {
  const [run, epochs, flow] = await Promise.all([api.run(id), api.epochs(id), api.gradientFlowHistory(id)]);
  const findings = diagnose({ numClasses: DATASET_CLASSES[run.config.data.dataset], epochs, gradientFlow: flow });
  console.log(`${run.name}: ${epochs.length} epochs`);
  if (findings.length === 0) console.log('no problems found');
  for (const f of findings) {
    console.log(`${f.severity.toUpperCase()} ${f.code}: ${f.summary}`);
    console.log(
      `  evidence: ${f.evidence.chart}, epochs ${f.evidence.epochs.join(', ')}${f.evidence.layers.length ? `, layers ${f.evidence.layers.slice(0, 6).join(', ')}${f.evidence.layers.length > 6 ? ', ...' : ''}` : ''}`,
    );
    for (const fix of f.fixes) console.log(`  fix: ${fix.fix} (${fix.reference})`);
  }
  return findings.some((f) => f.severity === 'critical') ? 1 : 0;
}

/** Follows a run over socket.io: a line per epoch, a progress bar within the epoch, until it finishes. */
async function watch(api: ApiClient, id: string): Promise<RunDto> {
  const initial = await api.run(id);
  const total = initial.config.training.epochs;
  // Each epoch once: those stored before the live connection, then those it brings, and any finished in
  // between (asked for again once subscribed).
  const printed = new Set<number>();
  const print = (e: EpochDto) => {
    if (printed.has(e.epoch)) return;
    printed.add(e.epoch);
    printEpoch(e.epoch, total, e);
  };
  for (const e of await api.epochs(id)) print(e);
  if (FINISHED_STATUSES.includes(initial.status)) return finish(initial);
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(api.url, { transports: ['websocket'], auth: api.key ? { token: api.key } : {} });
  const bar = (epoch: number, done: number, of: number) => {
    if (!process.stdout.isTTY) return;
    const width = 30;
    const filled = Math.round((done / of) * width);
    process.stdout.write(`\r  epoch ${epoch} (${epoch + 1} of ${total}) [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${of} batches`);
  };
  return new Promise<RunDto>((resolve, reject) => {
    let last = initial;
    const end = (run: RunDto) => {
      socket.disconnect();
      resolve(finish(run));
    };
    const fail = (message: string) => {
      socket.disconnect();
      reject(new Error(message));
    };
    socket.on('connect', async () => {
      await socket.emitWithAck('subscribe', { runId: id });
      for (const e of await api.epochs(id)) print(e); // epochs finished while connecting
      last = await api.run(id); // anything that finished while connecting
      if (FINISHED_STATUSES.includes(last.status)) end(last);
    });
    socket.on('run.progress', (p) => p.runId === id && bar(p.epoch, p.batch, p.batchesPerEpoch));
    socket.on('epoch.completed', (p) => p.runId === id && print(p.epoch));
    socket.on('run.updated', (run) => {
      if (run.id !== id) return;
      last = run;
      if (FINISHED_STATUSES.includes(run.status)) end(run);
    });
    // The api closed the connection itself (a revoked key, a run gone): socket.io will not reconnect, so say
    // what happened instead of waiting for ever. A dropped transport reconnects by itself.
    socket.on('disconnect', async (reason) => {
      if (reason !== 'io server disconnect') return;
      const run = await api.run(id).catch((error: Error) => error);
      if (run instanceof Error) fail(`the api closed the live connection: ${run.message}`);
      else if (FINISHED_STATUSES.includes(run.status)) end(run);
      else fail(`the api closed the live connection; run ${id} is still ${run.status} (gradlab watch ${id} to follow it again)`);
    });
    socket.on('connect_error', (error) => {
      if (error.message.startsWith('unauthorized')) fail(`live connection refused: ${error.message}`);
      else console.error(`live connection: ${error.message}; retrying`);
    });
  });
}

/** Epochs are numbered from 0, as the course framework numbers them (row N of its summary.csv); "1 of 3" counts. */
function printEpoch(epoch: number, total: number, e: { trainLoss: number | null; trainAccuracy: number; valLoss: number | null; valAccuracy: number }) {
  const clear = process.stdout.isTTY ? '\r\x1b[K' : '';
  console.log(
    `${clear}epoch ${epoch} (${epoch + 1} of ${total})  train loss ${fmt(e.trainLoss)} acc ${fmt(e.trainAccuracy)}  val loss ${fmt(e.valLoss)} acc ${fmt(e.valAccuracy)}`,
  );
}

function finish(run: RunDto): RunDto {
  const detail = run.status === 'completed' ? `test loss ${fmt(run.testLoss)} acc ${fmt(run.testAccuracy)} (best epoch ${run.bestEpoch})` : (run.error ?? '');
  console.log(`run ${run.id} ${run.status} on ${run.backend ?? 'no backend'}${detail ? `: ${detail}` : ''}`);
  return run;
}

/**
 * A course framework result folder (VGG_38_experiment/ or its result_outputs/) as a read-only run; the last
 * line printed is the new run's id, for scripts.
 */
async function importResults(api: ApiClient, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { name: { type: 'string' } } });
  if (!positionals[0]) throw new Error('import needs a result folder');
  const given = path.resolve(positionals[0]);
  const dir = existsSync(path.join(given, 'result_outputs')) ? path.join(given, 'result_outputs') : given;
  // The experiment's folder names the network (VGG_38_experiment), not result_outputs.
  const folder = path.basename(path.basename(dir) === 'result_outputs' ? path.dirname(dir) : dir);
  const names = readdirSync(dir).filter((f) => f === 'summary.csv' || f === 'test_summary.csv' || /\.(pdf|png)$/i.test(f));
  if (!names.includes('summary.csv')) throw new Error(`${dir} has no summary.csv: is it the framework's result_outputs folder?`);
  const run = await api.importResults(
    { folder, ...(values.name ? { name: values.name } : {}) },
    names.map((name) => ({ name, bytes: readFileSync(path.join(dir, name)) })),
  );
  console.log(`imported ${folder}: ${run.architecture}, ${run.epochsCompleted} epochs, test accuracy ${fmt(run.testAccuracy)}`);
  console.log(run.id);
  return 0;
}

/** The framework's own output files: summary.csv (per epoch) and test_summary.csv, plus the gradient flow. */
async function download(api: ApiClient, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string' } } });
  const id = positionals[0];
  if (!id) throw new Error('download needs a run id');
  const run = await api.run(id);
  const epochs = await api.epochs(id);
  const dir = path.resolve(values.out ?? path.join(run.name.replace(/[^\w.-]+/g, '_'), 'result_outputs'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'summary.csv'), frameworkSummaryCsv(epochs));
  const files = ['summary.csv'];
  if (run.status === 'completed') {
    writeFileSync(path.join(dir, 'test_summary.csv'), frameworkTestSummaryCsv(run));
    files.push('test_summary.csv');
  }
  const history = await api.gradientFlowHistory(id);
  writeFileSync(path.join(dir, 'gradient_flow.csv'), gradientFlowCsv(history));
  files.push('gradient_flow.csv');
  // The dashboard's figures as vector files for a LaTeX report: loss and accuracy, and the last epoch's
  // gradient flow as the framework's plot_grad_flow draws it.
  if (epochs.length) {
    writeFileSync(path.join(dir, 'learning_curves.svg'), renderSvg(learningCurvesSpec([{ label: run.name, epochs }])));
    files.push('learning_curves.svg');
  }
  const last = history.at(-1);
  if (last) {
    writeFileSync(path.join(dir, 'gradient_flow.svg'), renderSvg(gradientFlowSpec([{ label: run.name, layers: last.layers }])));
    files.push('gradient_flow.svg');
  }
  console.log(`wrote ${files.join(', ')} to ${dir}`);
  return 0;
}

function fmt(x: number | null | undefined): string {
  return x === null || x === undefined ? '-' : x.toFixed(4);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`gradlab: ${error.message}`);
    process.exit(1);
  },
);
