'use client';

import { answerOf } from '@gradlab/api-client';
import type { BlockDto, RunDto } from '@gradlab/contracts';
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useApi } from '../../lib/api-context';
import { queryKeys } from '../../lib/query-keys';
import { useApiCache, useApiQuery } from '../../lib/use-api-query';

/**
 * The block's test, run by a worker: a VGG_38 of the block, one training step on 8 random (synthetic) images,
 * then evaluation, through the same queue as any run. Passed: every loss and gradient finite.
 */
const trialConfig = (block: BlockDto) => ({
  model: { block: block.id, numFilters: 32, numStages: 3, numBlocksPerStage: 5 },
  training: { epochs: 1, batchSize: 8 },
  data: { dataset: 'synthetic' as const, augment: false, trainLimit: 8, valLimit: 8, testLimit: 8 },
});
const trialName = (block: BlockDto) => `check ${block.name}`;

export function BlockTrial({ block }: { block: BlockDto }) {
  const { api } = useApi();
  const cache = useApiCache();
  const key = queryKeys.runs({ q: trialName(block), pageSize: 1 });
  const latest = useApiQuery(
    key,
    async (api) =>
      (await answerOf(api.GET('/api/runs', { params: { query: { q: trialName(block), pageSize: 1 } } }))).items[0] ??
      null,
    { refetchIntervalMs: 2000 },
  );
  const start = useMutation({
    mutationFn: () => answerOf(api.POST('/api/runs', { body: { name: trialName(block), config: trialConfig(block) } })),
    onSuccess: () => {
      cache.reload(key);
      cache.reload(queryKeys.blocks()); // the block now has a run: it can no longer be deleted
    },
  });
  const run = latest.data;
  return (
    <div data-testid="block-trial">
      <h3>Check on a worker</h3>
      <p className="muted">One training step of a VGG_38 of this block on 8 random images, then evaluation.</p>
      <button type="button" onClick={() => start.mutate()} disabled={start.isPending}>
        Check
      </button>
      {start.error && <p className="error">Could not start the check: {start.error.message}</p>}
      {run && <TrialResult run={run} />}
    </div>
  );
}

function TrialResult({ run }: { run: RunDto }) {
  const finished = run.status === 'completed';
  const epochs = useApiQuery(finished ? queryKeys.runEpochs(run.id) : null, (api) =>
    answerOf(api.GET('/api/runs/{id}/epochs', { params: { path: { id: run.id } } })),
  );
  const flow = useApiQuery(finished ? queryKeys.runGradientFlow(run.id) : null, (api) =>
    answerOf(api.GET('/api/runs/{id}/gradient-flow', { params: { path: { id: run.id } } })),
  );
  const link = <Link href={`/runs/${run.id}`}>{run.name}</Link>;
  if (!finished)
    return (
      <p data-testid="trial-result">
        {link}: {run.status}
        {run.error ? `: ${run.error}` : ''}
      </p>
    );
  const epoch = epochs.data?.[0];
  const nonFinite = flow.data?.layers.reduce((n, l) => n + l.nonFiniteCount, 0);
  const losses = [epoch?.trainLoss, epoch?.valLoss, run.testLoss];
  const finite = losses.every((v) => typeof v === 'number' && Number.isFinite(v)) && nonFinite === 0;
  if (!epoch || nonFinite === undefined) return <p data-testid="trial-result">{link}: reading its results…</p>;
  return (
    <p data-testid="trial-result" className={finite ? 'ok' : 'error'}>
      {link}: {finite ? 'passed' : 'failed'}: losses{' '}
      {losses.map((v) => (v === null ? 'none' : v?.toFixed(3))).join(', ')}, {nonFinite} non-finite gradient values; the
      step and evaluation took {(epoch.durationMs / 1000).toFixed(2)} s.
    </p>
  );
}
