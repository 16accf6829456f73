import { Command } from 'commander';
import type { CliContext } from '../cli-context';
import { formatCounts } from '../format';

export function groupsCommand(context: CliContext): Command {
  return new Command('groups').description("your team's groups, newest first").action(async () => {
    const { items } = await context.api().groups();
    for (const g of items)
      console.log(`${g.id}  ${String(g.size).padStart(3)} runs  ${formatCounts(g.counts)}  ${g.name}`);
  });
}
