import type { EpochDto, GradientFlowDto, LayerGradientDto } from '@gradlab/contracts';
import { renderSvg } from './render-svg';
import { architectureSummary, gradientFlowPoints, gradientFlowSpec, gradientHeatmapSpec, learningCurvePoints, learningCurvesSpec, RUN_PALETTE } from './index';

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
const epoch = (i: number, loss: number): EpochDto => ({ epoch: i, trainLoss: loss, trainAccuracy: 0.1 * i, valLoss: loss + 0.1, valAccuracy: 0.05 * i, learningRate: 1e-3, durationMs: 1000 });

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

  it('gradient flow: one point per weight layer on a log axis, zero and missing values left out', () => {
    const layers = [layer(0, 1e-3), layer(1, 1e-9), layer(2, 0), layer(3, null), layer(4, 2e-2)];
    expect(gradientFlowPoints([{ label: 'run', layers }], 'meanAbs').map((p) => p.layer)).toEqual(['block_0', 'block_1', 'block_4']);
    const svg = renderSvg(gradientFlowSpec([{ label: 'run', layers: [layer(0, 1e-3), layer(1, 1e-9), layer(2, 2e-2)] }]));
    expect(countMarks(svg, 'symbol')).toBe(3);
    expect(svg.includes('Layer (network order)')).toBe(true);
    expect(svg.includes('log scale')).toBe(true);
  });

  it('gradient flow can show the update-to-weight ratio, titled as such, leaving out epochs stored without it', () => {
    const layers = [{ ...layer(0, 1e-3), updateRatio: 2e-3 }, { ...layer(1, 1e-3), updateRatio: null }, { ...layer(2, 1e-3), updateRatio: 4e-6 }];
    expect(gradientFlowPoints([{ label: 'run', layers }], 'updateRatio').map((p) => [p.layer, p.value])).toEqual([['block_0', 2e-3], ['block_2', 4e-6]]);
    expect(renderSvg(gradientFlowSpec([{ label: 'run', layers }], { statistic: 'updateRatio' })).includes('update / weight')).toBe(true);
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
    const history: GradientFlowDto[] = [0, 1, 2].map((e) => ({ runId: 'r', epoch: e, layers: [layer(0, 1e-2), layer(1, 10 ** -(e + 3))] }));
    const spec = gradientHeatmapSpec(history);
    expect(JSON.stringify(spec)).toContain('"type":"log"');
    expect(countMarks(renderSvg(spec), 'rect')).toBe(6);
  });

  it('summarises an architecture in one line', () => {
    expect(architectureSummary({ architecture: 'VGG_38', config: { model: { blockType: 'conv_block_bn_rc', numFilters: 32, numStages: 3, numBlocksPerStage: 5 } } })).toBe(
      'VGG_38 · BN+RC · 32 filters',
    );
  });
});
