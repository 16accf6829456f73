import { Command } from 'commander';
import type { CliContext } from '../cli-context';

export function cancelCommand(context: CliContext): Command {
  return new Command('cancel')
    .description('cancel a queued or running run')
    .argument('<RUN_ID>', 'the run')
    .action(async (id: string) => {
      const run = await context.api().cancel(id);
      console.log(`run ${run.id} ${run.status}`);
    });
}
