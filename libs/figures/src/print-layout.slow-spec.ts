import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { layoutViolations, type LayoutRules } from './layout-rules';
import {
  printAggregateCurves,
  printAggregateGradientFlow,
  printGradientFlow,
  printGradientHeatmap,
  printLearningCurves,
  printWidthPt,
  type PrintWidth,
} from './print-figures';
import { layoutForPrint, svgToPng } from './render-figure';
import { gradientFlow, groupAggregate, referenceEpochs } from './test-support/figure-data';

/** Each figure as a PNG a person can look through (300 dpi), beside the other test artifacts. */
const ARTIFACTS = path.resolve(__dirname, '../../../test-artifacts/figures');

const plain = (epoch: number) => gradientFlow('conv_block', epoch);
const bnRc = (epoch: number) => gradientFlow('conv_block_bn_rc', epoch);
const vgg08 = gradientFlow('conv_block', 99, 0);

/** Every figure kind, on the reference imports, a plain and a BN+RC deep run, and a group. */
const FIGURES: {
  name: string;
  panels: number;
  legend: LayoutRules['legend'];
  spec: (width: PrintWidth) => TopLevelSpec;
}[] = [
  {
    name: 'learning-curves-one-run',
    panels: 2,
    legend: 'below',
    spec: (w) => printLearningCurves([{ label: 'VGG_38_experiment (imported)', epochs: referenceEpochs('VGG_38') }], w),
  },
  {
    name: 'learning-curves-compared',
    panels: 2,
    legend: 'below',
    spec: (w) =>
      printLearningCurves(
        [
          { label: 'VGG_08_experiment (imported)', epochs: referenceEpochs('VGG_08') },
          { label: 'VGG_38_experiment (imported)', epochs: referenceEpochs('VGG_38') },
          {
            label: 'VGG_38 with batch norm and residual connections, lr 1e-3, seed 0',
            epochs: referenceEpochs('VGG_08').slice(0, 40),
          },
        ],
        w,
      ),
  },
  {
    name: 'learning-curves-group',
    panels: 2,
    legend: 'below',
    spec: (w) => printAggregateCurves([{ label: 'VGG_08 over 3 seeds', epochs: groupAggregate().epochs }], w),
  },
  {
    name: 'gradient-flow-plain-vgg38',
    panels: 1,
    legend: 'below',
    spec: (w) => printGradientFlow([{ label: 'VGG_38 plain', layers: plain(99).layers }], w),
  },
  {
    name: 'gradient-flow-bn-rc-vgg38',
    panels: 1,
    legend: 'below',
    spec: (w) => printGradientFlow([{ label: 'VGG_38 BN+RC', layers: bnRc(99).layers }], w),
  },
  {
    name: 'gradient-flow-vgg08',
    panels: 1,
    legend: 'below',
    spec: (w) => printGradientFlow([{ label: 'VGG_08', layers: vgg08.layers }], w),
  },
  {
    name: 'gradient-flow-compared',
    panels: 1,
    legend: 'below-or-inside',
    spec: (w) =>
      printGradientFlow(
        [
          { label: 'VGG_38 plain blocks, seed 0 (the broken baseline)', layers: plain(99).layers },
          { label: 'VGG_38 with batch norm and residual connections, seed 0', layers: bnRc(99).layers },
          { label: 'VGG_08', layers: vgg08.layers },
        ],
        w,
        { byRelativeDepth: true },
      ),
  },
  {
    name: 'gradient-heatmap-plain-vgg38',
    panels: 1,
    legend: 'below',
    spec: (w) =>
      printGradientHeatmap(
        Array.from({ length: 100 }, (_, e) => plain(e)),
        w,
        'meanAbs',
      ),
  },
  {
    name: 'gradient-heatmap-vgg08',
    panels: 1,
    legend: 'below',
    spec: (w) =>
      printGradientHeatmap(
        [0, 1, 2, 3, 4].map((e) => ({ ...vgg08, epoch: e })),
        w,
        'meanAbs',
      ),
  },
  {
    name: 'gradient-flow-group',
    panels: 1,
    legend: 'below',
    spec: (w) => printAggregateGradientFlow(groupAggregate().gradientFlow[0].layers, w, 'lastBatchMeanAbs'),
  },
];

const HEIGHT_RATIO: Record<PrintWidth, [number, number]> = { column: [0.6, 0.8], page: [0.3, 0.7] };

describe('print figures: every kind at both widths keeps the layout rules (Vega scenegraph, DejaVu Sans metrics)', () => {
  it.each(FIGURES.flatMap((f) => (['column', 'page'] as const).map((width) => [f.name, width, f] as const)))(
    '%s, %s width',
    (name, width, figure) => {
      const { svg, scene } = layoutForPrint(figure.spec(width), { legend: true });
      mkdirSync(ARTIFACTS, { recursive: true });
      writeFileSync(
        path.join(ARTIFACTS, `${name}-${width}.png`),
        svgToPng(svg, Math.round((printWidthPt(width) / 72) * 300)),
      );
      const rules: LayoutRules = {
        widthPt: printWidthPt(width),
        panels: figure.panels,
        heightRatio: HEIGHT_RATIO[width],
        legend: figure.legend,
      };
      expect(layoutViolations(scene, rules)).toEqual([]);
    },
    60_000,
  );
});

/** Run names as students give them: alike but for the end, in capitals, or far too long. */
const NAME_STYLES: Record<string, (i: number) => string> = {
  sweep: (i) => `VGG_38 BN+RC lr 1e-${2 + (i % 3)} seed ${i}`,
  capitals: (i) => `WIDE MMMM WWWW RUN ${i}`,
  overlong: (i) => `${'a very long experiment name that says everything about the run '.repeat(2)}number ${i}`,
};
const RUN_COUNTS = [4, 8];
/** Up to four runs a column figure stays in 0.6-0.8; more runs make it taller so its plots keep their share. */
const MANY_RUNS_RATIO: Record<PrintWidth, [number, number]> = { column: [0.6, 1.05], page: [0.3, 0.7] };

describe('print figures with many runs and long names keep every rule but the height, which follows the keys', () => {
  const cases = Object.entries(NAME_STYLES).flatMap(([style, name]) =>
    RUN_COUNTS.flatMap((n) => (['column', 'page'] as const).map((width) => [style, n, width, name] as const)),
  );
  it.each(cases)(
    '%s names, %i runs, %s width',
    (style, n, width, name) => {
      const names = Array.from({ length: n }, (_, i) => name(i));
      const curves = printLearningCurves(
        names.map((label, i) => ({ label, epochs: referenceEpochs(i % 2 ? 'VGG_38' : 'VGG_08').slice(0, 20 + i) })),
        width,
      );
      const flow = printGradientFlow(
        names.map((label, i) => ({ label, layers: (i % 2 ? plain(i) : bnRc(i)).layers })),
        width,
        { byRelativeDepth: true },
      );
      for (const [kind, spec, panels] of [
        ['learning-curves', curves, 2],
        ['gradient-flow', flow, 1],
      ] as const) {
        const { svg, scene } = layoutForPrint(spec, { legend: true });
        mkdirSync(ARTIFACTS, { recursive: true });
        writeFileSync(
          path.join(ARTIFACTS, `many-${kind}-${style}-${n}-${width}.png`),
          svgToPng(svg, Math.round((printWidthPt(width) / 72) * 300)),
        );
        const ratio = n <= 4 ? HEIGHT_RATIO[width] : MANY_RUNS_RATIO[width];
        const rules: LayoutRules = {
          widthPt: printWidthPt(width),
          panels,
          heightRatio: ratio,
          legend: 'below-or-inside',
        };
        expect({ kind, violations: layoutViolations(scene, rules) }).toEqual({ kind, violations: [] });
        // Every run is told apart in the key.
        const keyTexts = scene.texts.filter((t) => t.text.length > 0).map((t) => t.text);
        expect(
          new Set(keyTexts.filter((t) => names.some((full) => full === t || t.includes('…')))).size,
        ).toBeGreaterThanOrEqual(n);
      }
    },
    60_000,
  );
});
