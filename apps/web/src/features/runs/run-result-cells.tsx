import type { RunDto } from '@gradlab/contracts';
import { formatPercent } from '../../lib/format';
import { StatusBadge } from '../../components/status-badge';

/** A run's status, epochs done and accuracies, as the last cells of a row in the run lists. */
export function RunResultCells({
  run,
  epochsTestId,
}: {
  run: Pick<RunDto, 'status' | 'epochsCompleted' | 'config' | 'bestValAccuracy' | 'testAccuracy'>;
  epochsTestId?: string;
}) {
  return (
    <>
      <td>
        <StatusBadge status={run.status} />
      </td>
      <td data-testid={epochsTestId}>
        {run.epochsCompleted} of {run.config.training.epochs}
      </td>
      <td>{formatPercent(run.bestValAccuracy)}</td>
      <td>{formatPercent(run.testAccuracy)}</td>
    </>
  );
}
