import { mean } from '@gradlab/analysis';
import type { RunDto } from '@gradlab/contracts';
import { architectureSummary } from '@gradlab/figures';
import { texEscape } from '@gradlab/figures/server';
import { describeNetwork, parameterCount } from '@gradlab/models';

/** Runs that differ only by seed: one row, mean ± std over them. */
function groupBySeed(runs: RunDto[]): RunDto[][] {
  const groups = new Map<string, RunDto[]>();
  for (const run of runs) {
    const { training, ...rest } = run.config;
    const key = JSON.stringify([run.kind, rest.model, rest.data, { ...training, seed: undefined }]);
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups.values()];
}

const std = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / Math.max(1, xs.length - 1));

/** A cell: the value, or mean ± std over seeds; accuracies in percent. */
function cell(values: (number | null)[], percent: boolean): string {
  const known = values.filter((v): v is number => v !== null).map((v) => (percent ? 100 * v : v));
  if (known.length === 0) return '--';
  const digits = percent ? 1 : 3;
  return known.length === 1
    ? known[0].toFixed(digits)
    : `$${mean(known).toFixed(digits)} \\pm ${std(known).toFixed(digits)}$`;
}

/**
 * The report's table of results as a standalone LaTeX document (booktabs): per network, its parameters,
 * best validation accuracy and loss at that epoch, and test accuracy and loss of the best-validation weights;
 * runs differing only by seed share a row as mean ± std.
 */
export function resultsTableTex(runs: RunDto[], valLossAtBest: Map<string, number | null>): string {
  const rows = groupBySeed(runs).map((group) => {
    const first = group[0];
    const seeds = group.length > 1 ? ` (${group.length} seeds)` : '';
    const imported = first.kind === 'imported' ? ' (imported)' : '';
    const name = group.length > 1 ? architectureSummary(first) : first.name;
    return [
      texEscape(`${name}${imported}${seeds}`),
      parameterCount(describeNetwork(first.config.model)).toLocaleString('en-US').replace(/,/g, '{,}'),
      cell(
        group.map((r) => r.bestValAccuracy),
        true,
      ),
      cell(
        group.map((r) => valLossAtBest.get(r.id) ?? null),
        false,
      ),
      cell(
        group.map((r) => r.testAccuracy),
        true,
      ),
      cell(
        group.map((r) => r.testLoss),
        false,
      ),
    ].join(' & ');
  });
  return [
    '% gradlab: results table (pdflatex results.tex); paste the tabular into the report',
    '\\documentclass[border=2pt]{standalone}',
    '\\usepackage[T1]{fontenc}',
    '\\usepackage{booktabs}',
    '\\begin{document}',
    '\\begin{tabular}{lrrrrr}',
    '\\toprule',
    'Network & Parameters & Val.\\ acc.\\ (\\%) & Val.\\ loss & Test acc.\\ (\\%) & Test loss \\\\',
    '\\midrule',
    ...rows.map((r) => `${r} \\\\`),
    '\\bottomrule',
    '\\end{tabular}',
    '\\end{document}',
    '',
  ].join('\n');
}
