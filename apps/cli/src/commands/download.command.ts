import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import {
  frameworkSummaryCsv,
  frameworkTestSummaryCsv,
  gradientFlowCsv,
  gradientFlowSpec,
  learningCurvesSpec,
} from '@gradlab/figures';
import { renderSvg } from '@gradlab/figures/server';
import type { CliContext } from '../cli-context';

/** The framework's own output files: summary.csv (per epoch) and test_summary.csv, plus the gradient flow. */
export function downloadCommand(context: CliContext): Command {
  return new Command('download')
    .description(
      'summary.csv, test_summary.csv, gradient_flow.csv, and the figures learning_curves.svg and gradient_flow.svg',
    )
    .argument('<RUN_ID>', 'the run')
    .option('--out <DIR>', 'where to write them (default: <run name>/result_outputs)')
    .action(async (id: string, options: { out?: string }) => {
      const api = context.api();
      const run = await api.run(id);
      const epochs = await api.epochs(id);
      const dir = path.resolve(options.out ?? path.join(run.name.replace(/[^\w.-]+/g, '_'), 'result_outputs'));
      mkdirSync(dir, { recursive: true });
      const files: string[] = [];
      const write = (name: string, text: string) => {
        writeFileSync(path.join(dir, name), text);
        files.push(name);
      };
      write('summary.csv', frameworkSummaryCsv(epochs));
      if (run.status === 'completed') write('test_summary.csv', frameworkTestSummaryCsv(run));
      const history = await api.gradientFlowHistory(id);
      write('gradient_flow.csv', gradientFlowCsv(history));
      // The dashboard's figures as vector files for a LaTeX report: loss and accuracy, and the last epoch's
      // gradient flow as the framework's plot_grad_flow draws it.
      if (epochs.length) write('learning_curves.svg', renderSvg(learningCurvesSpec([{ label: run.name, epochs }])));
      const last = history.at(-1);
      if (last) write('gradient_flow.svg', renderSvg(gradientFlowSpec([{ label: run.name, layers: last.layers }])));
      console.log(`wrote ${files.join(', ')} to ${dir}`);
    });
}
