import { Command } from 'commander';
import type { CliContext } from '../cli-context';
import { fmt } from '../format';

export function listCommand(context: CliContext): Command {
  return new Command('list')
    .description('your runs, newest first')
    .option('--page <N>', 'page of 20 runs', '1')
    .action(async (options: { page: string }) => {
      const page = await context.api().list(Number(options.page));
      for (const run of page.items)
        console.log(
          `${run.id}  ${run.status.padEnd(9)}  ${String(run.epochsCompleted).padStart(3)} of ${run.config.training.epochs} epochs done  best val ${fmt(run.bestValAccuracy)}  ${run.name}`,
        );
      console.log(`page ${page.page} of ${Math.max(1, Math.ceil(page.total / page.pageSize))} (${page.total} runs)`);
    });
}
