import type { GradlabApi } from '@gradlab/api-client';
import type { QueuePositionDto } from '@gradlab/contracts';
import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { ApiContext, type ApiContextValue } from '../../lib/api-context';
import { makeQueryClient } from '../../lib/query-client';
import { QueuePosition } from './queue-position';

const RUN_ID = '00000000-0000-4000-8000-000000000001';

/** QueuePosition against an api that answers its one read with `place`. */
function renderWith(place: QueuePositionDto) {
  const api = {
    GET: (path: string) => {
      if (path !== '/api/runs/{id}/queue') throw new Error(`no route GET ${path}`);
      return Promise.resolve({ data: place, error: undefined, response: { ok: true, status: 200 } });
    },
  } as unknown as GradlabApi;
  const value = {
    api,
    me: { id: 'user-1' },
    reportUnreachable: () => undefined,
    reportReachable: () => undefined,
    reportSignedOut: () => undefined,
  } as unknown as ApiContextValue;
  render(
    <ApiContext.Provider value={value}>
      <QueryClientProvider client={makeQueryClient()}>
        <QueuePosition runId={RUN_ID} />
      </QueryClientProvider>
    </ApiContext.Provider>,
  );
}

const queued: QueuePositionDto = {
  status: 'queued',
  position: 2,
  ahead: 1,
  pool: null,
  running: 1,
  workers: 1,
  estimatedWaitMs: 90_000,
  waitsForGpuUntil: null,
};

describe('QueuePosition', () => {
  it('says the place, the workers and the wait', async () => {
    renderWith(queued);
    const text = (await screen.findByTestId('queue-position')).textContent;
    expect(text).toContain('number 2 in the queue');
    expect(text).toContain('1 worker online, 1 run training');
    expect(screen.queryByTestId('queue-gpu-wait')).toBeNull();
  });

  it('says until when a run too long for a CPU worker waits for a GPU worker', async () => {
    const until = '2026-12-07T10:30:00.000Z';
    renderWith({ ...queued, waitsForGpuUntil: until });
    const note = await screen.findByTestId('queue-gpu-wait');
    expect(screen.getByTestId('queue-position').textContent).toContain('it starts when a GPU worker takes it');
    expect(note.textContent).toContain('it waits for a GPU worker');
    expect(note.textContent).toContain('a CPU worker takes it');
    expect(note.querySelector('time')?.getAttribute('dateTime')).toBe(until);
  });
});
