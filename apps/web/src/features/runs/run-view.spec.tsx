import type { EpochDto, RunDto } from '@gradlab/contracts';
import { render, screen, waitFor } from '@testing-library/react';
import type { SpecForWidth } from '../../components/vega-chart';
import { harness } from '../../test-support/api-harness';
import { RunView } from './run-view';

// Vega draws in a browser (the e2e tests see it); here a chart shows the data it was given to draw.
jest.mock('../../components/vega-chart', () => ({
  VegaChart: ({ spec, testId }: { spec: SpecForWidth; testId: string }) => (
    <pre data-testid={testId}>{JSON.stringify(spec(600).data ?? null)}</pre>
  ),
}));

jest.mock('next/navigation', () => ({ useRouter: () => ({ push: () => undefined }) }));

const RUN_ID = '00000000-0000-4000-8000-000000000001';
const run = (status: RunDto['status'], epochsCompleted: number, more: Partial<RunDto> = {}) =>
  ({
    id: RUN_ID,
    name: 'VGG_38 BN seed 0',
    status,
    kind: 'trained',
    architecture: 'VGG_38',
    backend: 'wasm+onednn',
    device: null,
    workerHost: 'worker-1',
    startedAt: '2026-12-07T10:00:00.000Z',
    finishedAt: null,
    createdAt: '2026-12-07T09:59:00.000Z',
    epochsCompleted,
    bestValAccuracy: null,
    bestEpoch: null,
    testLoss: null,
    testAccuracy: null,
    error: null,
    groupId: null,
    config: {
      model: { blockType: 'conv_block_bn', numFilters: 32, numStages: 3, numBlocksPerStage: 12 },
      training: { epochs: 3, seed: 0, batchSize: 100, learningRate: 1e-3 },
      data: { dataset: 'cifar100' },
    },
    ...more,
  }) as unknown as RunDto;
const epoch = (index: number): EpochDto =>
  ({
    epoch: index,
    trainLoss: 4.6 - index,
    trainAccuracy: 0.01 + index / 10,
    valLoss: 4.6 - index,
    valAccuracy: 0.01 + index / 10,
    learningRate: 1e-3,
    durationMs: 60_000,
  }) as EpochDto;

function renderRun() {
  const api = harness({
    'GET /api/runs/{id}': { status: 200, body: run('running', 1) },
    'GET /api/runs/{id}/epochs': { status: 200, body: [epoch(0)] },
    'GET /api/runs/{id}/gradient-flow/all': { status: 200, body: [] },
    'GET /api/runs/{id}/diagnosis': { status: 200, body: { runId: RUN_ID, epochsSeen: 1, findings: [] } },
    'POST /api/blocks/check': { status: 200, body: null },
  });
  render(<RunView runId={RUN_ID} />, { wrapper: api.wrapper });
  return api;
}
const text = (testId: string) => screen.getByTestId(testId).textContent;

describe('the run page, live', () => {
  it('shows each epoch, batch and status as the worker reports them, without asking the api again', async () => {
    const { serverSends, calls } = renderRun();
    await waitFor(() => expect(text('epoch-counter')).toBe('1 of 3'));
    expect(screen.getByTestId('cancel-run')).toBeTruthy();
    const reads = calls.length;

    await serverSends('run.progress', { runId: RUN_ID, epoch: 1, batch: 5, batchesPerEpoch: 10 });
    await waitFor(() => expect(text('time-left')).toContain('Training epoch 1: batch 5 of 10.'));

    await serverSends('epoch.completed', { runId: RUN_ID, epoch: epoch(1), layers: [] });
    await waitFor(() => expect(text('epoch-counter')).toBe('2 of 3'));
    // the curves are drawn from both epochs
    expect(text('learning-curves')).toContain('"epoch":1');

    await serverSends(
      'run.updated',
      run('completed', 3, { testAccuracy: 0.4, testLoss: 2.5, bestEpoch: 2, bestValAccuracy: 0.41 }),
    );
    await waitFor(() => expect(text('test-metrics')).toContain('test accuracy 40.0%'));
    expect(screen.queryByTestId('cancel-run')).toBeNull(); // nothing left to cancel
    expect(screen.queryByTestId('time-left')).toBeNull();
    expect(calls.slice(reads).filter((c) => c.startsWith('GET /api/runs/{id}'))).not.toContain('GET /api/runs/{id}');
  });

  it('says why a run failed', async () => {
    const { serverSends } = renderRun();
    await waitFor(() => expect(text('epoch-counter')).toBe('1 of 3'));
    await serverSends('run.updated', run('failed', 1, { error: 'the worker ran out of memory' }));
    await waitFor(() => expect(text('run-error')).toBe('the worker ran out of memory'));
  });
});
