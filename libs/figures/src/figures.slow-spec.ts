import type { EpochDto, GradientFlowDto, LayerGradientDto } from '@gradlab/contracts';
import { renderSvg } from './render-svg';
import {
  architectureSummary,
  CHANCE,
  coloursById,
  gradientFlowPoints,
  gradientFlowSpec,
  gradientHeatmapCells,
  gradientHeatmapSpec,
  learningCurvePoints,
  layerAxis,
  layerStage,
  learningCurvesSpec,
  RUN_PALETTE,
  shortLabels,
  commonWordPrefix,
} from './index';

const countMarks = (svg: string, mark: string) => {
  const group = svg.split(`class="mark-${mark} role-mark`).slice(1);
  return group.reduce((n, g) => n + (g.split('</g>')[0].match(/<path/g)?.length ?? 0), 0);
};

const layer = (i: number, value: number | null): LayerGradientDto => ({
  layerIndex: i,
  name: `layer_dict.block_${i}.weight`,
  shortName: `block_${i}`,
  kind: 'conv',
  meanAbs: value,
  lastBatchMeanAbs: value,
  l2: 1,
  maxAbs: 1,
  nonFiniteCount: 0,
  weightL2: 1,
  updateRatio: 1e-3,
});
const epoch = (i: number, loss: number): EpochDto => ({
  epoch: i,
  trainLoss: loss,
  trainAccuracy: 0.1 * i,
  valLoss: loss + 0.1,
  valAccuracy: 0.05 * i,
  learningRate: 1e-3,
  durationMs: 1000,
});

describe('figure specs', () => {
  it('learning curves: train and validation loss and accuracy per run, drawn as Figure 1', () => {
    const series = [
      { label: 'VGG_08', epochs: [epoch(0, 4), epoch(1, 3)] },
      { label: 'VGG_38', epochs: [epoch(0, 4.6), { ...epoch(1, 4.6), trainLoss: null }] },
    ];
    expect(learningCurvePoints(series)).toHaveLength(15); // the missing train loss is left out
    const spec = learningCurvesSpec(series);
    const svg = renderSvg(spec);
    expect(svg.includes('>Loss<')).toBe(true);
    expect(svg.includes('>Accuracy<')).toBe(true);
    expect(svg.includes('>Epoch<')).toBe(true);
    expect(svg.includes(`stroke="${RUN_PALETTE[1]}"`)).toBe(true); // the second run's colour
  });

  it('learning curves: one key draws train solid, validation dashed and chance dotted, as lines', () => {
    const svg = renderSvg(learningCurvesSpec([{ label: 'VGG_08', epochs: [epoch(0, 4), epoch(1, 3)] }]));
    const legendSymbol = (label: string) => {
      const entries = svg.split('role-legend-symbol').slice(1);
      const entry = entries.find((e) => e.split('role-legend-label')[1]?.includes(`>${label}<`));
      return entry?.match(/<path[^>]*>/)?.[0] ?? '';
    };
    expect(legendSymbol('train')).toMatch(/d="M-\d+,0L\d+,0"/); // a line, not a dot
    expect(legendSymbol('train')).toContain('stroke-dasharray="1,0"');
    expect(legendSymbol('validation')).toContain('stroke-dasharray="4,2"');
    expect(legendSymbol('chance')).toContain('stroke-dasharray="1.5,2"');
  });

  it('learning curves: a dotted chance rule at ln(100) and 1%, accuracy in percent, whole epochs', () => {
    expect(CHANCE.loss).toBeCloseTo(4.60517, 5);
    const spec = JSON.stringify(learningCurvesSpec([{ label: 'one epoch', epochs: [epoch(0, 4.2)] }]));
    expect(spec).toContain(`"chance":${Math.log(100)}`);
    expect(spec).toContain('"chance":0.01');
    const svg = renderSvg(learningCurvesSpec([{ label: 'one epoch', epochs: [epoch(0, 4.2)] }]));
    expect(svg.split('class="mark-rule role-mark').length - 1).toBe(2); // one rule a panel
    expect(svg).toContain('stroke-dasharray="1.5,2"');
    expect(svg).toContain('>chance<'); // in the key, not written over the axis
    expect(svg).toMatch(/>\d+%</); // accuracy ticks in percent
    const xLabels = [...svg.matchAll(/role-axis-label[\s\S]*?<\/g>/g)].map((m) =>
      [...m[0].matchAll(/>([^<]+)<\/text>/g)].map((t) => t[1]),
    );
    expect(xLabels.flat()).not.toContain('0.000000');
    expect(xLabels.some((labels) => labels.join(',') === '0,1')).toBe(true); // one epoch: whole ticks only
  });

  it('compare: a run keeps its colour whichever other runs are picked, and picked runs never share one', () => {
    const ids = ['a1b2', 'c3d4', 'e5f6', '0718', '9abc'];
    const alone = coloursById(['c3d4']).get('c3d4');
    expect(coloursById(['a1b2', 'c3d4']).get('c3d4')).toBe(alone);
    expect(coloursById(['9abc', 'c3d4', '0718']).get('c3d4')).toBe(alone);
    const all = coloursById(ids);
    expect(new Set(all.values()).size).toBe(ids.length);
    const spec = JSON.stringify(learningCurvesSpec([{ label: 'x', epochs: [epoch(0, 4)], colour: '#123456' }]));
    expect(spec).toContain('"range":["#123456"]');
  });

  it('gradient flow: one point per weight layer on a log axis; an exact zero is kept at the bottom, marked, missing values left out', () => {
    const layers = [layer(0, 1e-3), layer(1, 1e-9), layer(2, 0), layer(3, null), layer(4, 2e-2)];
    const points = gradientFlowPoints([{ label: 'run', layers }], 'meanAbs');
    expect(points.map((p) => p.layer)).toEqual(['block_0', 'block_1', 'block_2', 'block_4']);
    const zero = points.find((p) => p.layer === 'block_2');
    expect(zero).toMatchObject({ value: 0, zero: true, plotted: 1e-10, text: '0 (exactly)' }); // a decade below the smallest
    const svg = renderSvg(gradientFlowSpec([{ label: 'run', layers }]));
    expect(countMarks(svg, 'symbol')).toBe(4); // three filled points and the open triangle of the zero
    expect(svg.includes('Layer (network order)')).toBe(true);
    expect(svg.includes('exactly 0')).toBe(true); // the axis title says what the triangle means
  });

  it('gradient flow stays readable with 77 layers: the axis names the stages, and rules mark their boundaries', () => {
    const names = ['input_conv.conv_0', 'input_conv.bn_0'];
    for (let stage = 0; stage < 3; stage++) {
      for (let block = 0; block < 5; block++)
        names.push(`block_${stage}_${block}.conv_0`, `block_${stage}_${block}.bn_0`, `block_${stage}_${block}.conv_1`);
      names.push(`reduction_block_${stage}.conv_0`, `reduction_block_${stage}.conv_1`);
    }
    names.push('logit_linear_layer');
    const layers = names.map((shortName, i) => ({ ...layer(i, 10 ** (-6 + i / 20)), shortName }));
    expect(layerStage('block_1_3.conv_0')).toBe('stage 1');
    expect(layerStage('reduction_block_2.conv_1')).toBe('stage 2');
    const axis = layerAxis(names);
    expect(Object.values(axis.labels)).toEqual(['stage 0', 'stage 1', 'stage 2']);
    expect(axis.boundaries).toEqual([1.5, 18.5, 35.5, 52.5]); // after the entry, each stage, and before the head
    const svg = renderSvg(gradientFlowSpec([{ label: 'VGG_38 BN+RC', layers }]));
    expect(countMarks(svg, 'symbol')).toBe(names.length);
    const labels = [...(svg.split('role-axis-label')[1]?.split('</g>')[0] ?? '').matchAll(/>([^<]+)<\/text>/g)].map(
      (m) => m[1],
    );
    expect(labels).toEqual(['stage 0', 'stage 1', 'stage 2']);
    expect(svg.split('class="mark-rule role-mark').length - 1).toBe(1); // one mark of four boundary rules
  });

  it('tooltips and titles name the statistic shown; the heatmap follows the chosen statistic', () => {
    const layers = [
      { ...layer(0, 1e-3), updateRatio: 2e-3 },
      { ...layer(1, 1e-3), updateRatio: 0 },
    ];
    const flow = JSON.stringify(gradientFlowSpec([{ label: 'run', layers }], { statistic: 'updateRatio' }));
    expect(flow).toContain('"title":"update / weight (L2), last step"');
    const history: GradientFlowDto[] = [{ runId: 'r', epoch: 0, layers }];
    expect(gradientHeatmapCells(history, 'updateRatio').map((c) => [c.value, c.zero])).toEqual([
      [2e-3, false],
      [0, true],
    ]);
    const heatmap = JSON.stringify(gradientHeatmapSpec(history, { statistic: 'updateRatio' }));
    expect(heatmap).toContain('"title":"update / weight (L2), last step"');
    expect(heatmap).not.toContain('mean |g|');
  });

  it('gradient flow can show the update-to-weight ratio, titled as such, leaving out epochs stored without it', () => {
    const layers = [
      { ...layer(0, 1e-3), updateRatio: 2e-3 },
      { ...layer(1, 1e-3), updateRatio: null },
      { ...layer(2, 1e-3), updateRatio: 4e-6 },
    ];
    expect(gradientFlowPoints([{ label: 'run', layers }], 'updateRatio').map((p) => [p.layer, p.value])).toEqual([
      ['block_0', 2e-3],
      ['block_2', 4e-6],
    ]);
    expect(
      renderSvg(gradientFlowSpec([{ label: 'run', layers }], { statistic: 'updateRatio' })).includes('update / weight'),
    ).toBe(true);
  });

  it('gradient flow of runs of different depths shares one axis by relative depth', () => {
    const shallow = { label: 'VGG_08', layers: [0, 1, 2].map((i) => layer(i, 1e-3)) };
    const deep = { label: 'VGG_38', layers: [0, 1, 2, 3, 4].map((i) => layer(i, 1e-6)) };
    const points = gradientFlowPoints([shallow, deep], 'meanAbs');
    expect(points.filter((p) => p.run === 'VGG_38').map((p) => p.relativeDepth)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const svg = renderSvg(gradientFlowSpec([shallow, deep]));
    expect(countMarks(svg, 'symbol')).toBeGreaterThanOrEqual(8); // 8 points (+ legend symbols)
    expect(svg.includes('Relative depth')).toBe(true);
  });

  it('heatmap: one cell per layer and epoch with a log colour scale', () => {
    const history: GradientFlowDto[] = [0, 1, 2].map((e) => ({
      runId: 'r',
      epoch: e,
      layers: [layer(0, 1e-2), layer(1, 10 ** -(e + 3))],
    }));
    const spec = gradientHeatmapSpec(history);
    expect(JSON.stringify(spec)).toContain('"type":"log"');
    expect(countMarks(renderSvg(spec), 'rect')).toBe(6);
  });

  it('shortens long run names the same way everywhere, keeping their ends apart', () => {
    const names = [
      'VGG_38 BN+RC lr 1e-3 weight decay 1e-4 seed 0',
      'VGG_38 BN+RC lr 1e-3 weight decay 1e-4 seed 1',
      'VGG_08',
    ];
    const short = shortLabels(names, 20);
    expect(short.get('VGG_08')).toBe('VGG_08');
    expect([...short.values()].every((s) => s.length <= 20)).toBe(true);
    expect(new Set(short.values()).size).toBe(3); // the seeds stay apart
    expect(short.get(names[0])).toMatch(/^VGG_38.*….*seed 0$/);
  });

  it('drops the words every long name starts with before cutting the middle, as few as it takes', () => {
    const sweep = [0, 1, 2].map((i) => `VGG_38 BN+RC lr 1e-${i + 2} seed ${i}`);
    const short = shortLabels(sweep, 16);
    expect(sweep.map((name) => short.get(name))).toEqual(['…lr 1e-2 seed 0', '…lr 1e-3 seed 1', '…lr 1e-4 seed 2']);
    // Short enough already: nothing is dropped.
    expect(shortLabels(sweep, 40).get(sweep[0])).toBe(sweep[0]);
    // Names that share only a part of a word share no prefix.
    expect(commonWordPrefix(['VGG_38', 'VGG_08'])).toBe('');
  });

  it('summarises an architecture in one line', () => {
    expect(
      architectureSummary({
        architecture: 'VGG_38',
        config: { model: { blockType: 'conv_block_bn_rc', numFilters: 32, numStages: 3, numBlocksPerStage: 5 } },
      }),
    ).toBe('VGG_38 · BN+RC · 32 filters');
  });
});
