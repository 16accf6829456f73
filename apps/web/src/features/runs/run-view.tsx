'use client';

import { FINISHED_STATUSES, type RunDto } from '@gradlab/contracts';
import { architectureSummary } from '@gradlab/figures';
import Link from 'next/link';
import { ApiError } from '@gradlab/api-client';
import { useApi } from '../../lib/api-context';
import { formatDuration, formatNumber, formatPercent, runDuration } from '../../lib/format';
import { useCancelRun, useRun, useRunAgain } from './use-run';
import { epochFraction, estimateTimeLeftMs } from '../../lib/progress';
import { useNow } from '../../lib/use-now';
import { RunBlock } from '../blocks/run-block';
import { ConfigTable } from './config-table';
import { ConfirmButton } from '../../components/confirm-button';
import { DiagnosisPanel } from './diagnosis-panel';
import { LocalTime } from '../../components/local-time';
import { ProgressBar } from '../../components/progress-bar';
import { QueuePosition } from './queue-position';
import { RunCharts } from './run-charts';
import { StatusBadge } from '../../components/status-badge';

type Progress = ReturnType<typeof useRun>['progress'];

/** Run again with the next seed, clone and edit, and cancel while the run is live. */
function RunActions({ run, live }: { run: RunDto; live: boolean }) {
  const cancelRun = useCancelRun(run.id);
  const runAgain = useRunAgain();
  const actionError = cancelRun.error
    ? `Could not cancel: ${cancelRun.error.message}`
    : runAgain.error
      ? `Could not submit it again: ${runAgain.error.message}`
      : null;
  return (
    <>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h1>{run.name}</h1>
        <div className="row">
          <button
            type="button"
            onClick={() => runAgain.mutate(run)}
            title={`The same config with seed ${run.config.training.seed + 1}`}
          >
            Run again (seed {run.config.training.seed + 1})
          </button>
          <Link href={`/runs/new?from=${run.id}`} className="button">
            Clone and edit
          </Link>
          {live && (
            <ConfirmButton
              label="Cancel run"
              question="Cancel this run? Its epochs so far are kept."
              onConfirm={() =>
                cancelRun.mutateAsync().then(
                  () => undefined,
                  () => undefined, // shown from cancelRun.error
                )
              }
              testId="cancel-run"
            />
          )}
        </div>
      </div>
      {actionError && <p className="error">{actionError}</p>}
    </>
  );
}

/** Where the run is: its status, worker, epochs and batches done, its place in the queue, or why it failed. */
function RunState({ run, progress, timeLeft }: { run: RunDto; progress: Progress; timeLeft: number | null }) {
  const now = useNow(1000);
  const total = run.config.training.epochs;
  const fraction = run.status === 'running' ? epochFraction(progress, run.epochsCompleted) : 0;
  const duration = runDuration(run, now);
  const current = run.status === 'running' && progress && progress.epoch === run.epochsCompleted ? progress : null;
  return (
    <div className="card">
      <div className="row">
        <StatusBadge status={run.status} />
        {run.kind === 'imported' && (
          <span className="status" data-testid="imported">
            imported from the course framework (read-only)
          </span>
        )}
        <span>{architectureSummary(run)}</span>
        <span className="muted" data-testid="run-backend" title={run.device ?? undefined}>
          backend: {run.backend ?? '–'}
          {run.device && ` on ${run.device}`}
        </span>
        <span className="muted">worker: {run.workerHost ?? '–'}</span>
        <span className="muted">
          started: <LocalTime iso={run.startedAt} />
        </span>
        <span className="muted">duration: {duration === null ? '–' : formatDuration(duration)}</span>
        {run.groupId && (
          <Link href={`/groups/${run.groupId}`} data-testid="run-group">
            its group
          </Link>
        )}
      </div>
      <h2>
        Epochs done:{' '}
        <span data-testid="epoch-counter">
          {run.epochsCompleted} of {total}
        </span>
      </h2>
      <ProgressBar value={(run.epochsCompleted + fraction) / total} label="Epochs completed" testId="epoch-progress" />
      {run.status === 'queued' && <QueuePosition runId={run.id} />}
      {run.status === 'running' && run.epochsCompleted === 0 && progress?.preparing && (
        <p data-testid="run-preparing">
          <strong>
            {progress.preparing.what}
            {progress.preparing.fraction === null ? '…' : `: ${Math.round(progress.preparing.fraction * 100)}%`}
          </strong>
        </p>
      )}
      {run.status === 'running' && !progress?.preparing && (
        <p className="muted" data-testid="time-left">
          {current ? `Training epoch ${current.epoch}: batch ${current.batch} of ${current.batchesPerEpoch}. ` : ''}
          {timeLeft === null
            ? 'Time left: known once the first batches are done.'
            : `About ${formatDuration(timeLeft)} left.`}
        </p>
      )}
      {run.status === 'running' && (
        <ProgressBar value={fraction} label="Progress within the epoch" testId="batch-progress" />
      )}
      {run.status === 'failed' && (
        <>
          <h2>Why it failed</h2>
          <pre className="error-box" role="alert" data-testid="run-error">
            {run.error ?? 'no reason was reported'}
          </pre>
        </>
      )}
    </div>
  );
}

/** Measured on the best-validation weights once the run completes. */
function TestMetrics({ run }: { run: RunDto }) {
  return (
    <div className="card">
      <h2>Test metrics</h2>
      {run.testAccuracy === null ? (
        <p className="muted">Measured on the best-validation weights when the run completes.</p>
      ) : (
        <div className="row" data-testid="test-metrics">
          <span>test accuracy {formatPercent(run.testAccuracy)}</span>
          <span>test loss {formatNumber(run.testLoss)}</span>
          <span>best epoch {run.bestEpoch}</span>
          <span>best val. accuracy {formatPercent(run.bestValAccuracy)}</span>
        </div>
      )}
    </div>
  );
}

/** The run's files, as the course framework writes them, and all of it. */
function RunFiles({ run }: { run: RunDto }) {
  const { apiUrl } = useApi();
  return (
    <div className="card">
      <h2>Data</h2>
      <div className="downloads" data-testid="run-files">
        <span className="muted">As the course framework writes them:</span>
        <a href={`${apiUrl}/api/runs/${run.id}/files/summary.csv`} download>
          summary.csv
        </a>
        {run.status === 'completed' && (
          <a href={`${apiUrl}/api/runs/${run.id}/files/test_summary.csv`} download>
            test_summary.csv
          </a>
        )}
        <span className="muted">All of it:</span>
        <a href={`${apiUrl}/api/runs/${run.id}/files/epochs.csv`} download>
          epochs.csv
        </a>
        <a href={`${apiUrl}/api/runs/${run.id}/files/gradient_flow.csv`} download>
          gradient_flow.csv
        </a>
      </div>
    </div>
  );
}

/**
 * One run, live (useRun). Epochs are numbered from 0, as the course framework numbers them; "2 of 3 done" is
 * a count.
 */
export function RunView({ runId, initialRun }: { runId: string; initialRun?: RunDto }) {
  const { data, error, progress } = useRun(runId);
  const run = data?.run ?? initialRun;
  if (!run) {
    if (error instanceof ApiError && error.status === 404) return <p data-testid="not-found">Run {runId} not found.</p>;
    return <p className="muted">{error ? `Could not load the run: ${error.message}` : 'Loading…'}</p>;
  }
  const epochs = data?.epochs ?? [];
  const live = !FINISHED_STATUSES.includes(run.status);
  const timeLeft = live ? estimateTimeLeftMs(epochs, run.config.training.epochs, progress) : null;
  return (
    <section>
      <RunActions run={run} live={live} />
      <RunState run={run} progress={progress} timeLeft={timeLeft} />

      <div className="card" data-testid="diagnosis">
        <h2>Diagnosis</h2>
        <DiagnosisPanel runId={run.id} />
      </div>

      <TestMetrics run={run} />
      <RunCharts run={run} epochs={epochs} flows={data?.flows ?? []} />
      <RunFiles run={run} />
      <RunBlock model={run.config.model} />

      <div className="card">
        <h2>Configuration</h2>
        <ConfigTable config={run.config} />
      </div>
    </section>
  );
}
