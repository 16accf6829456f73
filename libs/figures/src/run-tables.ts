import { stringify } from 'csv-stringify/sync';
import type { EpochDto, GradientFlowDto, RunDto } from '@gradlab/contracts';

type Cell = string | number | null | undefined;

/** Rows as CSV (csv-stringify): a header, then one line a row, fields quoted where they hold a comma, quote or newline. */
export function toCsv(rows: Cell[][]): string {
  return stringify(rows, { record_delimiter: '\n' });
}

/** The course framework's result_outputs/summary.csv: one row per epoch, in epoch order (row k is epoch k). */
export function frameworkSummaryCsv(epochs: EpochDto[]): string {
  return toCsv([
    ['train_acc', 'train_loss', 'val_acc', 'val_loss'],
    ...[...epochs]
      .sort((a, b) => a.epoch - b.epoch)
      .map((e) => [e.trainAccuracy, e.trainLoss, e.valAccuracy, e.valLoss]),
  ]);
}

/** The course framework's result_outputs/test_summary.csv: the test metrics of the best-validation model. */
export function frameworkTestSummaryCsv(run: Pick<RunDto, 'testAccuracy' | 'testLoss'>): string {
  return toCsv([
    ['test_acc', 'test_loss'],
    [run.testAccuracy, run.testLoss],
  ]);
}

/** Every epoch gradlab stores for a run, epochs numbered from 0. */
export function epochsCsv(epochs: EpochDto[]): string {
  return toCsv([
    ['epoch', 'train_loss', 'train_acc', 'val_loss', 'val_acc', 'learning_rate', 'duration_ms'],
    ...epochs.map((e) => [
      e.epoch,
      e.trainLoss,
      e.trainAccuracy,
      e.valLoss,
      e.valAccuracy,
      e.learningRate,
      e.durationMs,
    ]),
  ]);
}

/** Every layer's gradient statistics at every epoch. */
export function gradientFlowCsv(history: GradientFlowDto[]): string {
  const rows: Cell[][] = [
    [
      'epoch',
      'layer_index',
      'layer',
      'kind',
      'last_batch_mean_abs',
      'mean_abs',
      'l2',
      'max_abs',
      'non_finite',
      'weight_l2',
      'update_ratio',
    ],
  ];
  for (const flow of history)
    for (const l of flow.layers)
      rows.push([
        flow.epoch,
        l.layerIndex,
        l.shortName,
        l.kind,
        l.lastBatchMeanAbs,
        l.meanAbs,
        l.l2,
        l.maxAbs,
        l.nonFiniteCount,
        l.weightL2,
        l.updateRatio,
      ]);
  return toCsv(rows);
}

/** The runs table as the dashboard lists it. */
export function runsCsv(runs: RunDto[]): string {
  const header = [
    'id',
    'name',
    'architecture',
    'block_type',
    'filters',
    'seed',
    'status',
    'epochs_completed',
    'epochs',
    'best_val_acc',
    'best_epoch',
    'test_acc',
    'test_loss',
    'backend',
    'created_at',
    'started_at',
    'finished_at',
  ];
  return toCsv([
    header,
    ...runs.map((r) => [
      r.id,
      r.name,
      r.architecture,
      r.config.model.blockType,
      r.config.model.numFilters,
      r.config.training.seed,
      r.status,
      r.epochsCompleted,
      r.config.training.epochs,
      r.bestValAccuracy,
      r.bestEpoch,
      r.testAccuracy,
      r.testLoss,
      r.backend,
      r.createdAt,
      r.startedAt,
      r.finishedAt,
    ]),
  ]);
}
