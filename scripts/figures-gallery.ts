// `npm run figures:gallery -- OUT_DIR [--runs id,id,...] [--group id]`
// Every figure kind at both print widths (one column, the page) in one PDF, OUT_DIR/gallery.pdf, each at its
// printed size under a caption, for reviewing by eye; and each as a 300 dpi PNG beside it. With --runs (and
// --group), the figures of those runs (and that group) from the api the CLI is configured for (GRADLAB_URL,
// GRADLAB_KEY or `gradlab config`). Without, the course's reference runs (shared/reference/course-runs:
// learning curves, Figure 1) and, for the gradient-flow figures, a plain VGG_38 and three seeds of a BN+RC one
// (16 filters), trained here for two epochs on the synthetic data set (about two minutes on wasm).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { aggregateEpochs, summarizeLog } from '@gradlab/analysis';
import {
  ExperimentConfigSchema,
  LOG_GRADIENT_STATISTICS,
  type AggregateDto,
  type EpochDto,
  type GradientFlowDto,
} from '@gradlab/contracts';
import {
  printAggregateCurves,
  printAggregateGradientFlow,
  printGradientFlow,
  printGradientHeatmap,
  printLearningCurves,
  printWidthPt,
  type PrintWidth,
} from '@gradlab/figures';
import { galleryPdf, layoutForPrint, svgToPng } from '@gradlab/figures/server';
import { selectBackend, trainRun } from '@gradlab/training';
import type { TopLevelSpec } from 'vega-lite';
import { readFrameworkResults } from '../apps/api/src/imports/framework-results';
import { CliApi } from '../apps/cli/src/cli-api';
import { loadCliConfig } from '../apps/cli/src/cli-config';

interface GalleryRun {
  label: string;
  epochs: EpochDto[];
  /** Every epoch's gradient flow (none for an imported run). */
  flows: GradientFlowDto[];
}

interface GalleryData {
  runs: GalleryRun[];
  /** Figure 1's runs, when not all of them (the course's own Figure 1 compares its two reference runs). */
  figure1?: GalleryRun[];
  group: { label: string; aggregate: Pick<AggregateDto, 'epochs' | 'gradientFlow'> } | null;
}

const REFERENCE = path.resolve(__dirname, '../../shared/reference/course-runs');

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { runs: { type: 'string' }, group: { type: 'string' } },
  });
  if (positionals.length !== 1)
    throw new Error('usage: npm run figures:gallery -- OUT_DIR [--runs id,id,...] [--group id]');
  const out = path.resolve(positionals[0]);
  mkdirSync(out, { recursive: true });
  const data = values.runs || values.group ? await fromApi(values.runs, values.group) : await examples();
  const figures = galleryFigures(data);
  const rendered: { caption: string; svg: string }[] = [];
  for (const figure of figures) {
    for (const width of ['column', 'page'] as PrintWidth[]) {
      const { svg } = layoutForPrint(figure.spec(width), { legend: true });
      rendered.push({ caption: `${figure.caption}, ${width} width (${printWidthPt(width) / 72} in)`, svg });
      writeFileSync(
        path.join(out, `${figure.name}-${width}.png`),
        svgToPng(svg, Math.round((printWidthPt(width) / 72) * 300)),
      );
    }
  }
  writeFileSync(path.join(out, 'gallery.pdf'), await galleryPdf(rendered));
  console.log(`wrote ${path.join(out, 'gallery.pdf')} (${rendered.length} figures) and a PNG of each`);
}

/** Each figure kind, for the data there is. */
function galleryFigures(
  data: GalleryData,
): { name: string; caption: string; spec: (width: PrintWidth) => TopLevelSpec }[] {
  const figures: { name: string; caption: string; spec: (width: PrintWidth) => TopLevelSpec }[] = [];
  const withFlow = data.runs.filter((r) => r.flows.length > 0);
  const figure1 = data.figure1 ?? data.runs;
  if (figure1.length > 1)
    figures.push({
      name: 'figure-1',
      caption: 'Figure 1: learning curves of the runs compared',
      spec: (w) => printLearningCurves(figure1, w),
    });
  if (withFlow.length > 1)
    figures.push({
      name: 'figure-2',
      caption: 'Figure 2: gradient flow of the runs compared, by relative depth (latest epoch)',
      spec: (w) =>
        printGradientFlow(
          withFlow.map((r) => ({ label: r.label, layers: (r.flows.at(-1) as GradientFlowDto).layers })),
          w,
          { byRelativeDepth: true },
        ),
    });
  data.runs.forEach((run, i) => {
    const slug = `run-${i + 1}`;
    figures.push({
      name: `${slug}-learning-curves`,
      caption: `${run.label}: learning curves`,
      spec: (w) => printLearningCurves([run], w),
    });
    if (run.flows.length === 0) return;
    const latest = run.flows.at(-1) as GradientFlowDto;
    figures.push({
      name: `${slug}-gradient-flow`,
      caption: `${run.label}: gradient flow, epoch ${latest.epoch}`,
      spec: (w) => printGradientFlow([{ label: run.label, layers: latest.layers }], w),
    });
    figures.push({
      name: `${slug}-gradient-heatmap`,
      caption: `${run.label}: mean |g| per layer and epoch`,
      spec: (w) => printGradientHeatmap(run.flows, w, 'meanAbs'),
    });
  });
  if (data.group) {
    const { label, aggregate } = data.group;
    figures.push({
      name: 'group-learning-curves',
      caption: `${label}: learning curves, mean ± std`,
      spec: (w) => printAggregateCurves([{ label, epochs: aggregate.epochs }], w),
    });
    const flow = aggregate.gradientFlow.at(-1);
    if (flow)
      figures.push({
        name: 'group-gradient-flow',
        caption: `${label}: gradient flow over seeds, epoch ${flow.epoch}`,
        spec: (w) => printAggregateGradientFlow(flow.layers, w, 'lastBatchMeanAbs'),
      });
  }
  return figures;
}

/** The runs and group from the api, as the caller sees them. */
async function fromApi(runIds: string | undefined, groupId: string | undefined): Promise<GalleryData> {
  const config = loadCliConfig();
  const api = new CliApi(config.url, config.key);
  const runs: GalleryRun[] = [];
  for (const id of (runIds ?? '').split(',').filter(Boolean)) {
    const run = await api.run(id);
    runs.push({
      label: run.kind === 'imported' ? `${run.name} (imported)` : run.name,
      epochs: await api.epochs(id),
      flows: await api.gradientFlowHistory(id),
    });
  }
  const group = groupId ? await api.group(groupId) : null;
  return { runs, group: group ? { label: group.name, aggregate: await api.aggregate(group.id) } : null };
}

/** The course's reference runs, and short runs of the two VGG_38s trained here for their gradient flow. */
async function examples(): Promise<GalleryData> {
  const reference = (network: string): GalleryRun => ({
    label: `${network}_experiment (imported)`,
    epochs: readSummary(network),
    flows: [],
  });
  await selectBackend(undefined, (line) => console.log(line));
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gradlab-gallery-'));
  const train = async (
    blockType: 'conv_block' | 'conv_block_bn_rc',
    seed: number,
  ): Promise<GalleryRun & { seed: number }> => {
    const config = ExperimentConfigSchema.parse({
      model: { numFilters: 16, numStages: 3, numBlocksPerStage: 5, blockType },
      training: { epochs: 2, batchSize: 50, seed },
      data: { dataset: 'synthetic', trainLimit: 300, valLimit: 100, testLimit: 100 },
    });
    const epochs: EpochDto[] = [];
    const flows: GradientFlowDto[] = [];
    console.log(`training VGG_38 ${blockType}, seed ${seed}, for its gradient flow`);
    await trainRun(`gallery-${blockType}-${seed}`, config, dataDir, {
      onEpoch: async ({ layers, epoch, ...metrics }) => {
        epochs.push({ epoch, ...metrics, learningRate: metrics.learningRate, durationMs: metrics.durationMs });
        flows.push({
          runId: '00000000-0000-4000-8000-000000000000',
          epoch,
          layers: layers.map((l) => ({ ...l, updateRatio: l.updateRatio ?? null })),
        });
      },
    });
    return { label: `VGG_38 ${blockType === 'conv_block' ? 'plain' : 'BN+RC'}, seed ${seed}`, epochs, flows, seed };
  };
  const plain = await train('conv_block', 0);
  const seeds = [
    await train('conv_block_bn_rc', 0),
    await train('conv_block_bn_rc', 1),
    await train('conv_block_bn_rc', 2),
  ];
  const references = [reference('VGG_08'), reference('VGG_38')];
  return {
    runs: [...references, plain, seeds[0]],
    figure1: references,
    group: { label: 'VGG_38 BN+RC over 3 seeds', aggregate: aggregateOf(seeds) },
  };
}

/** A group's aggregate as the api computes it: epochs by summarize, layers in log space by summarizeLog. */
function aggregateOf(runs: GalleryRun[]): Pick<AggregateDto, 'epochs' | 'gradientFlow'> {
  const epochs = aggregateEpochs(
    runs.map((r, i) => ({
      id: String(i),
      epochs: r.epochs,
      testAccuracy: null,
      testLoss: null,
      bestValAccuracy: null,
    })),
  );
  const last = Math.min(...runs.map((r) => r.flows.length)) - 1;
  const layers = (runs[0].flows[last] as GradientFlowDto).layers.map((layer, i) => {
    const of = (statistic: (typeof LOG_GRADIENT_STATISTICS)[number]) =>
      summarizeLog(runs.map((r) => r.flows[last].layers[i][statistic]));
    return {
      layerIndex: layer.layerIndex,
      name: layer.name,
      shortName: layer.shortName,
      kind: layer.kind,
      n: runs.length,
      ...Object.fromEntries(LOG_GRADIENT_STATISTICS.map((s) => [s, of(s)])),
    };
  });
  return { epochs, gradientFlow: [{ epoch: last, layers }] as unknown as AggregateDto['gradientFlow'] };
}

/** A reference run's summary.csv, read as the api's importer reads it (row k is epoch k). */
function readSummary(network: string): EpochDto[] {
  const { epochs } = readFrameworkResults(
    readFileSync(path.join(REFERENCE, network, 'result_outputs', 'summary.csv'), 'utf8'),
    null,
  );
  return epochs.map((metrics, epoch) => ({ epoch, ...metrics, learningRate: 1e-3, durationMs: 0 }));
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`figures:gallery failed: ${error.message}`);
    process.exit(1);
  },
);
