'use client';

import { FINISHED_STATUSES, type EpochDto, type GradientFlowDto, type RunDto } from '@gradlab/contracts';
import { architectureSummary, gradientHeatmapSpec, learningCurvesSpec } from '@gradlab/figures';
import { useState } from 'react';
import { ApiError, apiFetch } from '../lib/api-client';
import { useApi } from '../lib/api-context';
import { formatDuration, formatNumber, formatPercent, runDuration } from '../lib/format';
import { epochFraction, estimateTimeLeftMs, withEpoch, type BatchProgress } from '../lib/progress';
import { useApiResource } from '../lib/use-api-resource';
import { useNow } from '../lib/use-now';
import { useSocketEvents } from '../lib/use-socket-events';
import { ConfigTable } from './config-table';
import { GradientFlowPanel } from './gradient-flow-panel';
import { ProgressBar } from './progress-bar';
import { StatusBadge } from './status-badge';
import { VegaChart } from './vega-chart';
import { LocalTime } from './local-time';

interface RunData {
  run: RunDto;
  epochs: EpochDto[];
  flows: GradientFlowDto[];
}

/** One run, live: socket events are applied to what was loaded; everything is reloaded after a reconnect. */
export function RunView({ runId, initialRun }: { runId: string; initialRun?: RunDto }) {
  const { apiUrl } = useApi();
  const now = useNow(1000);
  const { data, error, setData } = useApiResource<RunData>(runId, async (fetchJson) => {
    const [run, epochs, flows] = await Promise.all([
      fetchJson<RunDto>(`/runs/${runId}`),
      fetchJson<EpochDto[]>(`/runs/${runId}/epochs`),
      fetchJson<GradientFlowDto[]>(`/runs/${runId}/gradient-flow/all`),
    ]);
    return { run, epochs, flows };
  });
  const [progress, setProgress] = useState<BatchProgress | null>(null);
  const [cancelError, setCancelError] = useState<string | null>(null);

  useSocketEvents(
    { runIds: [runId] },
    {
      'run.updated': (run) => run.id === runId && setData((d) => d && { ...d, run }),
      'run.progress': (p) => p.runId === runId && setProgress(p),
      'epoch.completed': ({ runId: id, epoch, layers }) => {
        if (id !== runId) return;
        setData((d) => {
          if (!d || d.epochs.some((e) => e.epoch === epoch.epoch)) return d;
          return { run: withEpoch(d.run, epoch), epochs: [...d.epochs, epoch].sort((a, b) => a.epoch - b.epoch), flows: [...d.flows, { runId, epoch: epoch.epoch, layers }].sort((a, b) => a.epoch - b.epoch) };
        });
      },
    },
  );

  const run = data?.run ?? initialRun;
  if (!run) {
    if (error instanceof ApiError && error.status === 404) return <p data-testid="not-found">Run {runId} not found.</p>;
    return <p className="muted">{error ? `Could not load the run: ${error.message}` : 'Loading…'}</p>;
  }
  const epochs = data?.epochs ?? [];
  const flows = data?.flows ?? [];
  const total = run.config.training.epochs;
  const live = !FINISHED_STATUSES.includes(run.status);
  const fraction = run.status === 'running' ? epochFraction(progress, run.epochsCompleted) : 0;
  const timeLeft = live ? estimateTimeLeftMs(epochs, total, progress) : null;
  const duration = runDuration(run, now);

  const cancel = async () => {
    setCancelError(null);
    try {
      const updated = await apiFetch<RunDto>(apiUrl, `/runs/${runId}/cancel`, { method: 'POST' });
      setData((d) => d && { ...d, run: updated });
    } catch (e) {
      setCancelError((e as Error).message);
    }
  };

  return (
    <section>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h1>{run.name}</h1>
        {live && (
          <button type="button" className="danger" onClick={cancel}>
            Cancel run
          </button>
        )}
      </div>
      {cancelError && <p className="error">Could not cancel: {cancelError}</p>}
      <div className="card">
        <div className="row">
          <StatusBadge status={run.status} />
          <span>{architectureSummary(run)}</span>
          <span className="muted">backend: {run.backend ?? '–'}</span>
          <span className="muted">worker: {run.workerHost ?? '–'}</span>
          <span className="muted">started: <LocalTime iso={run.startedAt} /></span>
          <span className="muted">duration: {duration === null ? '–' : formatDuration(duration)}</span>
        </div>
        <h2>
          Epoch <span data-testid="epoch-counter">{run.epochsCompleted} / {total}</span>
        </h2>
        <ProgressBar value={(run.epochsCompleted + fraction) / total} label="Epochs completed" testId="epoch-progress" />
        {run.status === 'running' && (
          <p className="muted">
            {progress && progress.epoch === run.epochsCompleted ? `Epoch ${progress.epoch + 1}: batch ${progress.batch} of ${progress.batchesPerEpoch}. ` : ''}
            {timeLeft === null ? 'Time left: known after the first epoch.' : `About ${formatDuration(timeLeft)} left.`}
          </p>
        )}
        {run.status === 'running' && <ProgressBar value={fraction} label="Progress within the epoch" testId="batch-progress" />}
        {run.status === 'failed' && (
          <>
            <h2>Why it failed</h2>
            <pre className="error-box" role="alert" data-testid="run-error">
              {run.error ?? 'no reason was reported'}
            </pre>
          </>
        )}
      </div>

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

      <div className="card">
        <h2>Loss and accuracy</h2>
        {epochs.length === 0 ? <p className="muted">No epoch has finished yet.</p> : <VegaChart spec={learningCurvesSpec([{ label: run.name, epochs }])} testId="learning-curves" label="Loss and accuracy per epoch" />}
      </div>

      <div className="card">
        <h2>Gradient flow</h2>
        {flows.length === 0 ? <p className="muted">Recorded at the end of each epoch.</p> : <GradientFlowPanel runName={run.name} flows={flows} />}
      </div>

      <div className="card">
        <h2>Mean |g| per layer and epoch</h2>
        {flows.length === 0 ? <p className="muted">Recorded at the end of each epoch.</p> : <VegaChart spec={gradientHeatmapSpec(flows)} testId="gradient-heatmap" label="Heatmap of mean absolute gradient per layer and epoch" />}
      </div>

      <div className="card">
        <h2>Configuration</h2>
        <ConfigTable config={run.config} />
      </div>
    </section>
  );
}
