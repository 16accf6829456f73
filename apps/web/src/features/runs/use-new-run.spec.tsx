import { ApiError } from '@gradlab/api-client';
import type { CreateGroupRequest, CreateRunRequest, DurationEstimateDto } from '@gradlab/contracts';
import { act, renderHook, waitFor } from '@testing-library/react';
import { harness } from '../../test-support/api-harness';
import { useDurationEstimate } from './use-duration-estimate';
import { useSubmitRun } from './use-submit-run';

const estimate = { totalMs: 3_600_000, epochMs: 60_000 } as DurationEstimateDto;
const request = (epochs: number) => JSON.stringify({ config: { training: { epochs } } });

describe("the New run form's estimate: a query on the config once typing pauses", () => {
  it('asks for the config the form settles on, not each one typed on the way, and never shows an older one', async () => {
    const { wrapper, bodies } = harness({ 'POST /api/runs/estimate': { status: 200, body: estimate } });
    const { result, rerender } = renderHook(({ asked }) => useDurationEstimate(asked), {
      wrapper,
      initialProps: { asked: request(10) as string | null },
    });
    await waitFor(() => expect(result.current).toEqual(estimate));

    // typed through 20 to 30 within the pause: 20 is never asked for
    rerender({ asked: request(20) });
    expect(result.current).toBeNull(); // the estimate of 10 epochs is not one of 20
    rerender({ asked: request(30) });
    await waitFor(() => expect(result.current).toEqual(estimate));
    expect(bodies.map((b) => b.body)).toEqual([JSON.parse(request(10)), JSON.parse(request(30))]);

    // an invalid config: nothing asked, nothing shown
    rerender({ asked: null });
    expect(result.current).toBeNull();
    await act(() => new Promise((resolve) => setTimeout(resolve, 600))); // past the pause
    expect(bodies).toHaveLength(2);
  });

  it('shows no estimate when the api cannot give one', async () => {
    const { wrapper } = harness({
      'POST /api/runs/estimate': { status: 400, body: { message: 'invalid config', errors: [] } },
    });
    const { result } = renderHook(() => useDurationEstimate(request(10)), { wrapper });
    await act(() => new Promise((resolve) => setTimeout(resolve, 600))); // past the pause
    expect(result.current).toBeNull();
  });
});

describe("the New run form's submission: a mutation", () => {
  const runRequest = { name: 'r', config: {} } as CreateRunRequest;
  const groupRequest = { name: 'g', config: {}, seeds: [0, 1] } as CreateGroupRequest;

  it('queues a run or a group and gives the page to go to', async () => {
    const { wrapper, calls } = harness({
      'POST /api/runs': { status: 201, body: { id: 'run-1' } },
      'POST /api/groups': { status: 201, body: { id: 'group-1' } },
    });
    const { result } = renderHook(() => useSubmitRun(), { wrapper });
    await act(async () => {
      expect(await result.current.mutateAsync({ kind: 'run', request: runRequest })).toBe('/runs/run-1');
      expect(await result.current.mutateAsync({ kind: 'group', request: groupRequest })).toBe('/groups/group-1');
    });
    expect(calls).toEqual(['POST /api/runs', 'POST /api/groups']);
  });

  it("fails with the api's field errors, for the form to show beside its fields", async () => {
    const errors = [{ field: 'config.training.epochs', message: 'must be at most 1000' }];
    const { wrapper } = harness({ 'POST /api/runs': { status: 400, body: { message: 'invalid run', errors } } });
    const { result } = renderHook(() => useSubmitRun(), { wrapper });
    let failure: unknown;
    await act(() => result.current.mutateAsync({ kind: 'run', request: runRequest }).catch((e) => (failure = e)));
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ status: 400, message: 'invalid run', fieldErrors: errors });
  });
});
