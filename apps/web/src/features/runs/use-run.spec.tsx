import type { EpochDto, RunDto } from '@gradlab/contracts';
import { act, renderHook, waitFor } from '@testing-library/react';
import { harness } from '../../test-support/api-harness';
import { useCancelRun, useRun } from './use-run';

const RUN_ID = '00000000-0000-4000-8000-000000000001';

const run = (status: RunDto['status'], epochsCompleted: number) =>
  ({ id: RUN_ID, name: 'VGG_08', status, epochsCompleted, config: { training: { epochs: 3 } } }) as unknown as RunDto;
const epoch = (index: number): EpochDto =>
  ({
    epoch: index,
    trainLoss: 4.6 - index,
    trainAccuracy: 0.01,
    valLoss: 4.6,
    valAccuracy: 0.01,
    learningRate: 1e-3,
    durationMs: 10,
  }) as EpochDto;

const loaded = {
  [`GET /api/runs/{id}`]: { status: 200, body: run('running', 1) },
  [`GET /api/runs/{id}/epochs`]: { status: 200, body: [epoch(0)] },
  [`GET /api/runs/{id}/gradient-flow/all`]: { status: 200, body: [{ runId: RUN_ID, epoch: 0, layers: [] }] },
};

describe('useRun', () => {
  it('loads the run with its epochs and gradient flow, then applies each finished epoch once and in order', async () => {
    const { wrapper, serverSends } = harness(loaded);
    const { result } = renderHook(() => useRun(RUN_ID), { wrapper });
    await waitFor(() => expect(result.current.data?.epochs.map((e) => e.epoch)).toEqual([0]));

    await serverSends('epoch.completed', { runId: RUN_ID, epoch: epoch(2), layers: [] });
    await serverSends('epoch.completed', { runId: RUN_ID, epoch: epoch(1), layers: [] });
    await serverSends('epoch.completed', { runId: RUN_ID, epoch: epoch(1), layers: [] }); // delivered twice
    await serverSends('epoch.completed', { runId: 'another-run', epoch: epoch(5), layers: [] });

    await waitFor(() => expect(result.current.data?.epochs.map((e) => e.epoch)).toEqual([0, 1, 2]));
    expect(result.current.data?.flows.map((f) => f.epoch)).toEqual([0, 1, 2]);
    expect(result.current.data?.run.epochsCompleted).toBe(3);
  });

  it('follows batch progress and a new status without asking the api again', async () => {
    const { wrapper, calls, serverSends } = harness(loaded);
    const { result } = renderHook(() => useRun(RUN_ID), { wrapper });
    await waitFor(() => expect(result.current.data).toBeDefined());
    const asked = calls.length;

    await serverSends('run.progress', { runId: RUN_ID, epoch: 1, batch: 5, batchesPerEpoch: 10 });
    await serverSends('run.updated', run('completed', 3));

    await waitFor(() => expect(result.current.data?.run.status).toBe('completed'));
    expect(result.current.progress).toMatchObject({ batch: 5, batchesPerEpoch: 10 });
    expect(calls.length).toBe(asked);
  });

  it("says why a run cannot be read: another team's run is the api's 404", async () => {
    const { wrapper } = harness({
      ...loaded,
      [`GET /api/runs/{id}`]: { status: 404, body: { message: `run ${RUN_ID} not found` } },
    });
    const { result } = renderHook(() => useRun(RUN_ID), { wrapper });
    await waitFor(() => expect(result.current.error?.message).toBe(`run ${RUN_ID} not found`));
    expect(result.current.data).toBeUndefined();
  });
});

describe('useCancelRun', () => {
  it('puts the cancelled run into the cache at once', async () => {
    const cancelled = { [`POST /api/runs/{id}/cancel`]: { status: 200, body: run('cancelled', 1) } };
    const { wrapper } = harness({ ...loaded, ...cancelled });
    const { result } = renderHook(() => ({ run: useRun(RUN_ID), cancel: useCancelRun(RUN_ID) }), { wrapper });
    await waitFor(() => expect(result.current.run.data?.run.status).toBe('running'));

    await act(() => result.current.cancel.mutateAsync());

    // The cache tells its readers on its next tick.
    await waitFor(() => expect(result.current.run.data?.run.status).toBe('cancelled'));
    expect(result.current.cancel.error).toBeNull();
  });

  it("keeps the run as it was and holds the api's reason when the cancel is refused", async () => {
    const refused = {
      [`POST /api/runs/{id}/cancel`]: { status: 409, body: { message: `run ${RUN_ID} is already completed` } },
    };
    const { wrapper } = harness({ ...loaded, ...refused });
    const { result } = renderHook(() => ({ run: useRun(RUN_ID), cancel: useCancelRun(RUN_ID) }), { wrapper });
    await waitFor(() => expect(result.current.run.data).toBeDefined());

    await act(() => result.current.cancel.mutateAsync().catch(() => undefined));

    await waitFor(() => expect(result.current.cancel.error?.message).toBe(`run ${RUN_ID} is already completed`));
    expect(result.current.run.data?.run.status).toBe('running');
  });
});
