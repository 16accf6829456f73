import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import type { CliContext } from '../cli-context';

export function reportPackCommand(context: CliContext): Command {
  return new Command('report-pack')
    .description("every figure of these runs in every format, the framework's CSVs and results.tex, as a zip")
    .argument('<RUN_ID...>', 'the runs')
    .option('--out <FILE>', 'where to write it', 'report-pack.zip')
    .action(async (ids: string[], options: { out: string }) => {
      const file = path.resolve(options.out);
      writeFileSync(file, await context.api().reportPack(ids));
      console.log(`wrote ${file}`);
    });
}
