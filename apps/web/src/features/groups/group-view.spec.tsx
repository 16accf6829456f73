import type { AggregateDto, GroupCellDto, GroupDto, GroupRunDto, RunDto } from '@gradlab/contracts';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { SpecForWidth } from '../../components/vega-chart';
import { harness } from '../../test-support/api-harness';
import { GroupView } from './group-view';

// Vega draws in a browser (the e2e tests see it); here a chart shows what it was given to draw.
jest.mock('../../components/vega-chart', () => ({
  VegaChart: ({ spec, testId }: { spec: SpecForWidth; testId: string }) => (
    <pre data-testid={testId}>{JSON.stringify(spec(600).data)}</pre>
  ),
}));

const GROUP_ID = '00000000-0000-4000-8000-0000000000a1';
const runId = (i: number) => `00000000-0000-4000-8000-00000000000${i}`;

const member = (i: number, lr: number, status: RunDto['status']): GroupRunDto =>
  ({
    id: runId(i),
    name: `run ${i}`,
    status,
    epochsCompleted: status === 'completed' ? 2 : 1,
    config: { training: { epochs: 2 } },
    bestValAccuracy: null,
    testAccuracy: null,
    seed: i % 2,
    cell: { lr },
  }) as unknown as GroupRunDto;
const cell = (lr: number, runs: number[], mean: number, best: boolean): GroupCellDto => ({
  key: `lr=${lr}`,
  cell: { lr },
  runIds: runs.map(runId),
  bestValAccuracy: { mean, std: 0.01, n: 2 },
  testAccuracy: { mean: null, std: null, n: 0 },
  best,
});
const group = (statuses: RunDto['status'][]): GroupDto =>
  ({
    id: GROUP_ID,
    name: 'lr sweep',
    createdAt: '2026-12-07T10:00:00.000Z',
    seeds: [0, 1],
    grid: { lr: [0.001, 0.0003] },
    counts: { running: statuses.filter((s) => s === 'running').length },
    runs: [member(1, 0.001, statuses[0]), member(2, 0.001, statuses[1]), member(3, 0.0003, statuses[2])],
    cells: [cell(0.001, [1, 2], 0.2, false), cell(0.0003, [3], 0.4, true)],
  }) as unknown as GroupDto;
const stat = { mean: 1, std: 0, min: 1, max: 1, n: 2 };
const logStat = { geometricMean: 1e-3, log10Std: 0.1, min: 1e-3, max: 1e-3, n: 2, zeros: 0 };
const aggregate = {
  runs: [runId(1), runId(2)],
  epochs: [{ epoch: 0, n: 2, trainLoss: stat, trainAccuracy: stat, valLoss: stat, valAccuracy: stat }],
  test: { testAccuracy: stat, testLoss: stat, bestValAccuracy: stat },
  gradientFlow: [
    {
      epoch: 0,
      layers: [
        {
          layerIndex: 0,
          name: 'conv_0',
          shortName: 'conv_0',
          kind: 'conv',
          n: 2,
          meanAbs: logStat,
          lastBatchMeanAbs: logStat,
          l2: logStat,
          maxAbs: logStat,
          updateRatio: logStat,
          weightL2: stat,
          nonFiniteCount: stat,
        },
      ],
    },
  ],
  logScale: ['meanAbs'],
} as unknown as AggregateDto;

function renderGroup(statuses: RunDto['status'][] = ['running', 'running', 'completed']) {
  const routes = {
    'GET /api/groups/{id}': { status: 200, body: group(statuses) },
    'GET /api/groups/{id}/aggregate': { status: 200, body: aggregate },
  };
  const api = harness(routes);
  render(<GroupView groupId={GROUP_ID} />, { wrapper: api.wrapper });
  const aggregatesAsked = () => api.queries.filter((q) => q.call === 'GET /api/groups/{id}/aggregate');
  /** What the api answers for the group from now on. */
  const groupBecomes = (next: GroupDto) => (routes['GET /api/groups/{id}'].body = next);
  return { ...api, aggregatesAsked, groupBecomes };
}
const cellRows = () => screen.getAllByTestId('grid-cell').map((row) => row.textContent);

describe('the group page', () => {
  it('draws the best cell first, with only the latest layer statistics asked for, and sorts and picks cells', async () => {
    const { aggregatesAsked } = renderGroup();
    await screen.findByText('lr sweep');
    // best first (highest mean best-validation accuracy), marked and chosen
    expect(cellRows()).toEqual([expect.stringMatching(/^ ★0.0003/), expect.stringMatching(/^0.001/)]);
    await waitFor(() => expect(aggregatesAsked()).toEqual([expect.objectContaining({ query: expect.anything() })]));
    expect(aggregatesAsked()[0].query).toEqual({ cell: 'lr=0.0003', gradientFlow: 'latest' });
    await screen.findByText(/Mean \(line\) ± one standard deviation \(band\) of 2 runs; epoch 0 reached by 2/);
    expect(screen.getByTestId('aggregate-gradient-flow').textContent).toContain('conv_0');
    expect(screen.getByRole('heading', { name: 'Gradient flow over seeds (epoch 0)' })).toBeTruthy();

    // ascending by best validation accuracy, then by the parameter
    fireEvent.click(screen.getByTestId('sort-best-val'));
    expect(cellRows()).toEqual([expect.stringMatching(/^0.001/), expect.stringMatching(/^ ★0.0003/)]);
    fireEvent.click(screen.getByRole('button', { name: 'lr' }));
    expect(cellRows()).toEqual([expect.stringMatching(/^ ★0.0003/), expect.stringMatching(/^0.001/)]);
    fireEvent.click(screen.getByRole('button', { name: 'lr ▲' }));
    expect(cellRows()).toEqual([expect.stringMatching(/^0.001/), expect.stringMatching(/^ ★0.0003/)]);

    // a row picked: its aggregate asked for
    fireEvent.click(screen.getAllByTestId('grid-cell')[0]);
    await waitFor(() => expect(aggregatesAsked()).toHaveLength(2));
    expect(aggregatesAsked()[1].query).toEqual({ cell: 'lr=0.001', gradientFlow: 'latest' });
    expect(screen.getByRole('radio', { name: 'Draw lr=0.001' })).toHaveProperty('checked', true);
  });

  it('follows its runs live: a status in the table, a finished run reloads the cells, an epoch the aggregate', async () => {
    const { calls, serverSends, aggregatesAsked, groupBecomes } = renderGroup();
    const runs = await screen.findByTestId('group-runs');
    await waitFor(() => expect(aggregatesAsked()).toHaveLength(1));
    const groupReads = () => calls.filter((c) => c === 'GET /api/groups/{id}').length;
    expect(groupReads()).toBe(1);

    // an epoch done: the row changes, the group is not read again
    await serverSends('run.updated', { ...member(1, 0.001, 'running'), epochsCompleted: 2 });
    const firstRun = () => within(runs).getAllByRole('row')[1].textContent;
    await waitFor(() => expect(firstRun()).toContain('2 of 2'));
    expect(groupReads()).toBe(1);

    // a run fails: the cells' means change, so the group is read again
    const failed = group(['failed', 'running', 'completed']);
    groupBecomes({ ...failed, cells: [{ ...failed.cells[0], runIds: [runId(2)] }, failed.cells[1]] });
    await serverSends('run.updated', member(1, 0.001, 'failed'));
    await waitFor(() => expect(groupReads()).toBe(2));
    expect(firstRun()).toContain('failed');
    expect(within(screen.getAllByTestId('grid-cell')[1]).getAllByRole('cell')[2].textContent).toBe('1');

    // epochs reload the aggregate once, a moment after the last of them
    await serverSends('epoch.completed', { runId: runId(2), epoch: { epoch: 1 }, layers: [] });
    await serverSends('epoch.completed', { runId: runId(3), epoch: { epoch: 1 }, layers: [] });
    await act(() => new Promise((resolve) => setTimeout(resolve, 2200)));
    expect(aggregatesAsked()).toHaveLength(2);
  });

  it('offers to cancel only while a run is open', async () => {
    renderGroup(['completed', 'failed', 'completed']);
    await screen.findByText('lr sweep');
    expect(screen.queryByTestId('cancel-group')).toBeNull();
  });
});
