import { Command } from 'commander';
import { diagnose } from '@gradlab/analysis';
import { DATASET_CLASSES } from '@gradlab/contracts';
import type { CliContext } from '../cli-context';

/** The same diagnosis as the api's and the dashboard's (libs/analysis), over the run's stored data. */
export function diagnoseCommand(context: CliContext): Command {
  return new Command('diagnose')
    .description("what a run's epochs and gradient flow say is wrong, with fixes; exits 1 on a critical finding")
    .argument('<RUN_ID>', 'the run')
    .action(async (id: string) => {
      const api = context.api();
      const [run, epochs, flow] = await Promise.all([api.run(id), api.epochs(id), api.gradientFlowHistory(id)]);
      const findings = diagnose({ numClasses: DATASET_CLASSES[run.config.data.dataset], epochs, gradientFlow: flow });
      console.log(`${run.name}: ${epochs.length} epochs`);
      if (findings.length === 0) console.log('no problems found');
      for (const f of findings) {
        const layers = f.evidence.layers.length
          ? `, layers ${f.evidence.layers.slice(0, 6).join(', ')}${f.evidence.layers.length > 6 ? ', ...' : ''}`
          : '';
        console.log(`${f.severity.toUpperCase()} ${f.code}: ${f.summary}`);
        console.log(`  evidence: ${f.evidence.chart}, epochs ${f.evidence.epochs.join(', ')}${layers}`);
        for (const fix of f.fixes) console.log(`  fix: ${fix.fix} (${fix.reference})`);
      }
      process.exitCode = findings.some((f) => f.severity === 'critical') ? 1 : 0;
    });
}
