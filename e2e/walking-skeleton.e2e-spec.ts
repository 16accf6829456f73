import type { ClientToServerEvents, EpochDto, GradientFlowDto, RunDto, ServerToClientEvents } from '@gradlab/contracts';
import { ExperimentConfigSchema } from '@gradlab/contracts';
import { describeNetwork, weightParams } from '@gradlab/models';
import { io, type Socket } from 'socket.io-client';
import { startStack, waitUntil, type Stack } from './support/stack';

const SMALL_RUN = {
  name: 'e2e small run',
  config: {
    model: { numFilters: 8, numStages: 1, numBlocksPerStage: 0 },
    training: { epochs: 2, batchSize: 50 },
    data: { dataset: 'synthetic', trainLimit: 300, valLimit: 100, testLimit: 100 },
  },
};

describe('walking skeleton: REST submission to stored gradient flow', () => {
  let stack: Stack;
  let socket: Socket<ServerToClientEvents, ClientToServerEvents>;

  beforeAll(async () => {
    stack = await startStack();
    socket = io(stack.apiUrl, { transports: ['websocket'], auth: { token: stack.admin.token } });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
  }, 90_000);
  afterAll(async () => {
    socket?.disconnect();
    await stack?.stop();
  }, 30_000);

  const api = <T>(path: string, init?: RequestInit) => stack.api<T>(path, init);
  const waitForStatus = (id: string, statuses: RunDto['status'][], timeoutMs = 120_000) =>
    waitUntil(
      `run ${id} to be ${statuses.join(' or ')}`,
      async () => {
        const run = await api<RunDto>(`/runs/${id}`);
        return statuses.includes(run.status) ? run : null;
      },
      timeoutMs,
    );

  it('trains a small run submitted over REST and stores its epochs and per-layer gradient flow', async () => {
    const created = await api<RunDto>('/runs', { method: 'POST', body: JSON.stringify(SMALL_RUN) });
    expect(created.status).toBe('queued');
    const liveEpochs: number[] = [];
    const liveStatuses: string[] = [];
    socket.on('epoch.completed', (payload) => payload.runId === created.id && liveEpochs.push(payload.epoch.epoch));
    socket.on('run.updated', (run) => run.id === created.id && liveStatuses.push(run.status));
    const ack = await socket.emitWithAck('subscribe', { runId: created.id });
    expect(ack.ok).toBe(true);

    const run = await waitForStatus(created.id, ['completed', 'failed']);
    expect(run.error).toBeNull();
    expect(run.status).toBe('completed');
    expect(run.backend).toBe('wasm+onednn'); // CI installs libdnnl-dev, so the oneDNN addon is built
    expect(run.epochsCompleted).toBe(2);
    expect(run.testAccuracy).toEqual(expect.any(Number));

    const epochs = await api<EpochDto[]>(`/runs/${created.id}/epochs`);
    expect(epochs.map((e) => e.epoch)).toEqual([0, 1]);
    for (const e of epochs)
      for (const v of [e.trainLoss, e.trainAccuracy, e.valLoss, e.valAccuracy, e.learningRate])
        expect(Number.isFinite(v)).toBe(true);

    const weightTensors = weightParams(describeNetwork(ExperimentConfigSchema.parse(SMALL_RUN.config).model)).map(
      (p) => p.name,
    );
    for (const epoch of [0, 1]) {
      const flow = await api<GradientFlowDto>(`/runs/${created.id}/gradient-flow?epoch=${epoch}`);
      expect(flow.epoch).toBe(epoch);
      expect(flow.layers.map((l) => l.name)).toEqual(weightTensors); // one row per weight tensor, network order
      for (const l of flow.layers)
        for (const v of [l.meanAbs, l.lastBatchMeanAbs, l.l2, l.maxAbs, l.weightL2, l.updateRatio])
          expect(Number.isFinite(v)).toBe(true);
    }
    expect((await api<GradientFlowDto>(`/runs/${created.id}/gradient-flow`)).epoch).toBe(1); // latest by default

    // followed live over socket.io
    await waitUntil('the live events', async () => liveStatuses.includes('completed'), 10_000);
    expect(liveEpochs).toContain(1);
    const page = await api<{ items: RunDto[] }>('/runs');
    expect(page.items[0].id).toBe(created.id);
  }, 180_000);

  it('cancels a running run, and the worker goes on to the next one', async () => {
    const long = await api<RunDto>('/runs', {
      method: 'POST',
      body: JSON.stringify({
        ...SMALL_RUN,
        name: 'long',
        config: { ...SMALL_RUN.config, training: { epochs: 200, batchSize: 50 } },
      }),
    });
    await waitForStatus(long.id, ['running']);
    const cancelled = await api<RunDto>(`/runs/${long.id}/cancel`, { method: 'POST' });
    expect(cancelled.status).toBe('cancelled');

    const next = await api<RunDto>('/runs', { method: 'POST', body: JSON.stringify(SMALL_RUN) });
    expect((await waitForStatus(next.id, ['completed', 'failed'])).status).toBe('completed');
    const longAfter = await api<RunDto>(`/runs/${long.id}`);
    expect(longAfter.status).toBe('cancelled');
    expect(longAfter.epochsCompleted).toBeLessThan(200);
  }, 180_000);

  it('answers 400 naming the field, and 404 for an unknown run', async () => {
    const bad = await fetch(`${stack.apiUrl}/api/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.admin.token}` },
      body: JSON.stringify({ config: { training: { epochs: -1 } } }),
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors).toEqual([{ field: 'config.training.epochs', message: expect.any(String) }]);
    expect(
      (
        await fetch(`${stack.apiUrl}/api/runs/00000000-0000-4000-8000-000000000000`, {
          headers: { authorization: `Bearer ${stack.admin.token}` },
        })
      ).status,
    ).toBe(404);
    expect((await fetch(`${stack.apiUrl}/api/runs`)).status).toBe(401);
  });

  it('lists the worker with its backend', async () => {
    const { workers } = await api<{ workers: { backend: string; lastHeartbeatAt: string }[] }>('/workers');
    expect(workers).toEqual([expect.objectContaining({ backend: 'wasm+onednn' })]);
  });
});
