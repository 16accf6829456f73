import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { EpochDto } from '@gradlab/contracts';
import { diagnose, type LayerStats } from './diagnosis';

const REFERENCE = path.join(__dirname, '../../../../shared/reference/course-runs');

/** The course framework's summary.csv (train_acc,train_loss,val_acc,val_loss), read directly. */
function referenceEpochs(network: string): EpochDto[] {
  const [header, ...rows] = readFileSync(path.join(REFERENCE, network, 'result_outputs/summary.csv'), 'utf8')
    .trim()
    .split('\n');
  const columns = header.split(',');
  return rows.map((row, index) => {
    const value = (name: string) => Number(row.split(',')[columns.indexOf(name)]);
    return {
      epoch: index,
      trainLoss: value('train_loss'),
      trainAccuracy: value('train_acc'),
      valLoss: value('val_loss'),
      valAccuracy: value('val_acc'),
      learningRate: 1e-3,
      durationMs: 0,
    };
  });
}

const epoch = (index: number, trainLoss: number | null, valLoss: number | null, valAccuracy: number): EpochDto => ({
  epoch: index,
  trainLoss,
  trainAccuracy: 0,
  valLoss,
  valAccuracy,
  learningRate: 1e-3,
  durationMs: 1,
});
const layer = (i: number, meanAbs: number, updateRatio = 1e-3, kind: LayerStats['kind'] = 'conv'): LayerStats => ({
  shortName: `layer_${i}`,
  kind,
  meanAbs,
  updateRatio,
  nonFiniteCount: 0,
});
const codes = (findings: ReturnType<typeof diagnose>) => findings.map((f) => f.code).sort();

describe('diagnosis of the course reference runs (read from ../shared/reference/course-runs)', () => {
  it('finds VGG_38 stuck at chance, with the epochs and numbers as evidence and fixes with references', () => {
    const findings = diagnose({ numClasses: 100, epochs: referenceEpochs('VGG_38'), gradientFlow: [] });
    expect(codes(findings)).toEqual(['stuck_at_chance']);
    const [stuck] = findings;
    expect(stuck.severity).toBe('critical');
    expect(stuck.evidence.epochs).toEqual([97, 98, 99]);
    expect(stuck.evidence.values.trainLoss).toBeCloseTo(4.605, 2);
    expect(stuck.fixes.map((f) => f.reference)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Ioffe & Szegedy 2015/),
        expect.stringMatching(/^He et al\. 2016/),
        expect.stringMatching(/^Huang et al\. 2017/),
        expect.stringMatching(/^Lee et al\. 2015/),
        expect.stringMatching(/^Glorot & Bengio 2010/),
      ]),
    );
  });
  it('finds VGG_08 healthy', () => {
    expect(diagnose({ numClasses: 100, epochs: referenceEpochs('VGG_08'), gradientFlow: [] })).toEqual([]);
  });
});

describe('each finding, on series made to show it and on their near misses', () => {
  const healthyEpochs = [epoch(0, 4, 3.9, 0.1), epoch(1, 3, 3.2, 0.2), epoch(2, 2.5, 2.9, 0.3)];

  it('vanishing_gradients: first layers three decades below the last, in each of the last two epochs', () => {
    const vanishing = (epochIndex: number, firstMeanAbs: number) => ({
      epoch: epochIndex,
      layers: [
        layer(0, firstMeanAbs),
        ...Array.from({ length: 8 }, (_, i) => layer(i + 1, 1e-4)),
        layer(9, 1e-3, 1e-3, 'linear'),
      ],
    });
    const found = diagnose({
      numClasses: 100,
      epochs: healthyEpochs,
      gradientFlow: [vanishing(0, 1e-9), vanishing(1, 1e-9)],
    });
    expect(codes(found)).toEqual(['vanishing_gradients']);
    expect(found[0].evidence).toMatchObject({ chart: 'gradient-flow', epochs: [0, 1], layers: ['layer_0'] });
    expect(found[0].evidence.values.ratio).toBeCloseTo(1e-6, 12);
    // one epoch only is not persistent; a ratio of 1e-2 is not vanishing
    expect(diagnose({ numClasses: 100, epochs: healthyEpochs, gradientFlow: [vanishing(0, 1e-9)] })).toEqual([]);
    expect(
      diagnose({ numClasses: 100, epochs: healthyEpochs, gradientFlow: [vanishing(0, 1e-5), vanishing(1, 1e-5)] }),
    ).toEqual([]);
    // batch norm layers are not what is compared
    expect(
      diagnose({
        numClasses: 100,
        epochs: healthyEpochs,
        gradientFlow: [0, 1].map((e) => ({
          epoch: e,
          layers: [layer(0, 1e-12, 1e-3, 'batchnorm'), layer(1, 1e-3), layer(2, 1e-3, 1e-3, 'linear')],
        })),
      }),
    ).toEqual([]);
  });

  it('exploding_gradients: NaN entries, or a hundredfold growth of the median layer', () => {
    const flow = (e: number, g: number, nonFiniteCount = 0) => ({
      epoch: e,
      layers: [1, 2, 3].map((i) => ({ ...layer(i, g), nonFiniteCount })),
    });
    expect(
      codes(diagnose({ numClasses: 100, epochs: healthyEpochs, gradientFlow: [flow(0, 1e-4), flow(1, 2e-2)] })),
    ).toEqual(['exploding_gradients']);
    expect(
      codes(diagnose({ numClasses: 100, epochs: healthyEpochs, gradientFlow: [flow(0, 1e-4), flow(1, 1e-3)] })),
    ).toEqual([]);
    const nan = diagnose({ numClasses: 100, epochs: healthyEpochs, gradientFlow: [flow(0, 1e-4, 3)] });
    expect(nan[0]).toMatchObject({ code: 'exploding_gradients', evidence: { values: { nonFiniteEntries: 9 } } });
  });

  it('diverged: a non-finite (stored as null) loss', () => {
    const found = diagnose({
      numClasses: 100,
      epochs: [epoch(0, 4, 4, 0.1), epoch(1, null, null, 0.01)],
      gradientFlow: [],
    });
    expect(found[0]).toMatchObject({ code: 'diverged', severity: 'critical', evidence: { epochs: [1] } });
  });

  it('stuck_at_chance: only after three epochs at ln C with chance accuracy', () => {
    const stuck = [0, 1, 2].map((e) => epoch(e, 4.61, 4.61, 0.01));
    expect(codes(diagnose({ numClasses: 100, epochs: stuck, gradientFlow: [] }))).toEqual(['stuck_at_chance']);
    expect(diagnose({ numClasses: 100, epochs: stuck.slice(0, 2), gradientFlow: [] })).toEqual([]);
    expect(
      diagnose({ numClasses: 100, epochs: [...stuck.slice(0, 2), epoch(2, 4.4, 4.5, 0.03)], gradientFlow: [] }),
    ).toEqual([]);
    // ten classes: chance is ln 10 and 10%
    expect(
      codes(diagnose({ numClasses: 10, epochs: [0, 1, 2].map((e) => epoch(e, 2.3, 2.3, 0.1)), gradientFlow: [] })),
    ).toEqual(['stuck_at_chance']);
  });

  it('dead_layers: an update ratio two decades below the median layer’s, not an absolute floor', () => {
    const flow = (ratios: number[]) => [{ epoch: 0, layers: ratios.map((r, i) => layer(i, 1e-3, r)) }];
    const found = diagnose({
      numClasses: 100,
      epochs: healthyEpochs.slice(0, 1),
      gradientFlow: flow([0, 1e-3, 1e-3, 2e-3]),
    });
    expect(found[0]).toMatchObject({ code: 'dead_layers', evidence: { layers: ['layer_0'] } });
    // the end of cosine annealing: every ratio small, none dead
    expect(
      diagnose({ numClasses: 100, epochs: healthyEpochs.slice(0, 1), gradientFlow: flow([2e-5, 3e-5, 1e-5]) }),
    ).toEqual([]);
  });

  it('overfitting: validation loss 10% over its minimum three epochs on, while train loss fell', () => {
    const curve = [
      epoch(0, 3, 3, 0.2),
      epoch(1, 2, 2, 0.4),
      epoch(2, 1.5, 2.1, 0.4),
      epoch(3, 1.2, 2.2, 0.4),
      epoch(4, 1, 2.3, 0.4),
    ];
    const found = diagnose({ numClasses: 100, epochs: curve, gradientFlow: [] });
    expect(found).toEqual([
      expect.objectContaining({
        code: 'overfitting',
        severity: 'warning',
        evidence: expect.objectContaining({ epochs: [1, 4] }),
      }),
    ]);
    expect(diagnose({ numClasses: 100, epochs: curve.slice(0, 4), gradientFlow: [] })).toEqual([]);
  });

  it('loss_spike: train loss up by half in one epoch; and findings come most severe first', () => {
    const found = diagnose({
      numClasses: 100,
      epochs: [epoch(0, 2, 2, 0.3), epoch(1, 3.5, 2, 0.3)],
      gradientFlow: [
        { epoch: 1, layers: [layer(0, 1, Number.NaN), layer(1, 1), { ...layer(2, 1), nonFiniteCount: 1 }] },
      ],
    });
    expect(found.map((f) => f.code)).toEqual(['exploding_gradients', 'loss_spike']);
  });
});
