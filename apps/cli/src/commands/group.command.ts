import { Command } from 'commander';
import { cellKey, type GroupCellDto } from '@gradlab/contracts';
import type { CliContext } from '../cli-context';
import { fmt, formatCounts } from '../format';

export function groupCommand(context: CliContext): Command {
  return new Command('group')
    .description("a group's runs, and per cell the mean +- std over seeds of best validation and test accuracy")
    .argument('<GROUP_ID>', 'the group')
    .option('--cancel', 'cancel its queued and running runs first')
    .action(async (id: string, options: { cancel?: boolean }) => {
      const api = context.api();
      const group = options.cancel ? await api.cancelGroup(id) : await api.group(id);
      console.log(`${group.name}: ${group.runs.length} runs, ${formatCounts(group.counts)}`);
      for (const run of group.runs)
        console.log(
          `  ${run.id}  ${run.status.padEnd(9)}  seed ${String(run.seed).padEnd(4)} ${cellKey(run.cell).padEnd(24)} best val ${fmt(run.bestValAccuracy)}  test ${fmt(run.testAccuracy)}`,
        );
      console.log('cells (mean +- std over seeds; * the best):');
      for (const cell of group.cells)
        console.log(
          `  ${cell.best ? '*' : ' '} ${(cell.key || '(no grid)').padEnd(24)} best val ${meanStd(cell.bestValAccuracy)}  test ${meanStd(cell.testAccuracy)}`,
        );
    });
}

function meanStd(s: GroupCellDto['testAccuracy']): string {
  return s.mean === null ? '-' : `${s.mean.toFixed(4)} +- ${s.std === null ? '-' : s.std.toFixed(4)} (n=${s.n})`;
}
