import type { EpochDto, RunDto } from '@gradlab/contracts';
import { startStack, waitUntil, type Stack } from './support/stack';

/**
 * A worker killed mid-run: BullMQ hands the job to another worker once its lock expires, and that worker
 * resumes from the latest checkpoint the api holds; no epoch is lost or stored twice.
 */
describe('worker killed mid-run', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ WORKERS: '0', WORKER_LOCK_MS: '3000' });
  }, 90_000);
  afterAll(async () => {
    await stack?.stop();
  }, 30_000);

  const api = <T>(path: string, init?: RequestInit) => stack.api<T>(path, init);

  it('another worker resumes the run from its latest checkpoint', async () => {
    const first = stack.startWorker({ WORKER_ID: 'first' });
    const run = await api<RunDto>('/runs', {
      method: 'POST',
      body: JSON.stringify({
        name: 'failover',
        config: {
          model: { numFilters: 8, numStages: 1, numBlocksPerStage: 0 },
          training: { epochs: 6, batchSize: 50 },
          data: { dataset: 'synthetic', trainLimit: 1000, valLimit: 100, testLimit: 100 },
        },
      }),
    });
    await waitUntil(
      'two epochs on the first worker',
      async () => {
        const current = await api<RunDto>(`/runs/${run.id}`);
        return current.workerId === 'first' && current.epochsCompleted >= 2 ? current : null;
      },
      120_000,
    );
    await waitUntil(
      'a checkpoint',
      async () =>
        (
          await fetch(`${stack.apiUrl}/api/runs/${run.id}/checkpoints/latest`, {
            headers: { authorization: `Bearer ${stack.workerToken}` },
          })
        ).ok,
      30_000,
    );
    first.kill('SIGKILL');
    const killedAfter = (await api<RunDto>(`/runs/${run.id}`)).epochsCompleted;

    stack.startWorker({ WORKER_ID: 'second' });
    const done = await waitUntil(
      'the run to finish on the second worker',
      async () => {
        const current = await api<RunDto>(`/runs/${run.id}`);
        return ['completed', 'failed'].includes(current.status) ? current : null;
      },
      180_000,
    );
    expect(done.status).toBe('completed');
    expect(done.workerId).toBe('second');
    const epochs = await api<EpochDto[]>(`/runs/${run.id}/epochs`);
    expect(epochs.map((e) => e.epoch)).toEqual([0, 1, 2, 3, 4, 5]); // every epoch once
    expect(killedAfter).toBeGreaterThanOrEqual(2);
    expect(stack.logs.join('')).toContain(`run ${run.id} resumes from its latest checkpoint`);
  }, 300_000);
});
