import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import type { CliContext } from '../cli-context';
import { fmt } from '../format';

/**
 * A course framework result folder (VGG_38_experiment/ or its result_outputs/) as a read-only run; the last
 * line printed is the new run's id, for scripts.
 */
export function importCommand(context: CliContext): Command {
  return new Command('import')
    .description(
      "the course framework's result folder (DIR or DIR/result_outputs, with summary.csv and test_summary.csv) as a read-only run; prints its id last",
    )
    .argument('<DIR>', 'the result folder')
    .option('--name <NAME>', "the run's name (default: the folder's)")
    .action(async (given: string, options: { name?: string }) => {
      const resolved = path.resolve(given);
      const dir = existsSync(path.join(resolved, 'result_outputs')) ? path.join(resolved, 'result_outputs') : resolved;
      // The experiment's folder names the network (VGG_38_experiment), not result_outputs.
      const folder = path.basename(path.basename(dir) === 'result_outputs' ? path.dirname(dir) : dir);
      const names = readdirSync(dir).filter(
        (f) => f === 'summary.csv' || f === 'test_summary.csv' || /\.(pdf|png)$/i.test(f),
      );
      if (!names.includes('summary.csv'))
        throw new Error(`${dir} has no summary.csv: is it the framework's result_outputs folder?`);
      const run = await context.api().importResults(
        { folder, ...(options.name ? { name: options.name } : {}) },
        names.map((name) => ({ name, bytes: readFileSync(path.join(dir, name)) })),
      );
      console.log(
        `imported ${folder}: ${run.architecture}, ${run.epochsCompleted} epochs, test accuracy ${fmt(run.testAccuracy)}`,
      );
      console.log(run.id);
    });
}
