import type { QuotaDto } from '@gradlab/contracts';
import { Command } from 'commander';
import type { CliContext } from '../cli-context';

/** The team's worker hours this week against its budget, and its fair-share standing. */
function formatQuota(q: QuotaDto): string {
  const budget =
    q.weeklyBudgetHours === null
      ? `${q.usedHours.toFixed(2)} worker hours this week (no budget)`
      : `${q.usedHours.toFixed(2)} of ${q.weeklyBudgetHours} worker hours this week${q.freesAt ? `: spent, frees up at ${q.freesAt}` : ''}`;
  return [
    `team ${q.teamName}: ${budget}`,
    `fair share: ${q.windowUsedHours.toFixed(2)} worker hours in the last ${q.windowHours} h, weight ${q.weight}; ${q.queued} run(s) waiting`,
  ].join('\n');
}

export function quotaCommand(context: CliContext): Command {
  return new Command('quota')
    .description("your team's worker hours this week against its budget, and its fair share")
    .option('--json', 'print the answer as JSON')
    .action(async (options: { json?: boolean }) => {
      const quota = await context.api().quota();
      console.log(options.json ? JSON.stringify(quota, null, 2) : formatQuota(quota));
    });
}
