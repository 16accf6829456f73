import { Command } from 'commander';
import type { CliContext } from '../cli-context';
import { watchRun } from '../watch-run';

export function watchCommand(context: CliContext): Command {
  return new Command('watch')
    .description('follow a run live until it finishes; exits 0 when it completed, 1 otherwise')
    .argument('<RUN_ID>', 'the run')
    .action(async (id: string) => {
      process.exitCode = (await watchRun(context.api(), id)).status === 'completed' ? 0 : 1;
    });
}
