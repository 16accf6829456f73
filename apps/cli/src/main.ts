import { ApiError } from '@gradlab/api-client';
import { Command } from 'commander';
import { createCliContext } from './cli-context';
import { blocksCommand } from './commands/blocks.command';
import { cancelCommand } from './commands/cancel.command';
import { quotaCommand } from './commands/quota.command';
import { configCommand } from './commands/config.command';
import { diagnoseCommand } from './commands/diagnose.command';
import { downloadCommand } from './commands/download.command';
import { groupCommand } from './commands/group.command';
import { groupsCommand } from './commands/groups.command';
import { importCommand } from './commands/import.command';
import { listCommand } from './commands/list.command';
import { reportPackCommand } from './commands/report-pack.command';
import { submitCommand } from './commands/submit.command';
import { watchCommand } from './commands/watch.command';

/** `gradlab <command>`: each command in a file of its own under commands/, each with its own --help. */
export function createProgram(): Command {
  const context = createCliContext();
  const program = new Command('gradlab')
    .description(
      'submit, follow and analyse gradlab runs (the api and key: `gradlab config`, or GRADLAB_URL and GRADLAB_KEY)',
    )
    .showHelpAfterError('(add --help for usage)');
  program.addCommand(configCommand());
  for (const command of [
    submitCommand,
    groupCommand,
    groupsCommand,
    diagnoseCommand,
    listCommand,
    watchCommand,
    cancelCommand,
    quotaCommand,
    downloadCommand,
    reportPackCommand,
    importCommand,
    blocksCommand,
  ])
    program.addCommand(command(context));
  return program;
}

/** Runs the command line and exits with its code: a live connection or a timer must not keep the process alive. */
export function runCli(argv: string[]): void {
  createProgram()
    .parseAsync(argv)
    .then(() => process.exit(process.exitCode ?? 0))
    .catch((error: Error) => {
      console.error(`gradlab: ${describeError(error)}`);
      process.exit(1);
    });
}

/** The api's message, how to fix a missing key, and each bad field on a line of its own. */
function describeError(error: Error): string {
  if (!(error instanceof ApiError)) return error.message;
  const hint = error.status === 401 ? ' (save a key with `gradlab config --key KEY`, or set GRADLAB_KEY)' : '';
  return `${error.message}${hint}${error.fieldErrors.map((e) => `\n  ${e.field}: ${e.message}`).join('')}`;
}

// `node dist/apps/cli/src/main.js ...` (the build); bin/gradlab.js calls runCli itself.
if (require.main === module) runCli(process.argv);
