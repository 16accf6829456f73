import type { DurationEstimateDto } from '@gradlab/contracts';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { harness } from '../../test-support/api-harness';
import { NewRunForm } from './new-run-form';

// The page's place in the app: where it was opened from, and where a submission goes.
const navigation = { push: jest.fn(), search: '' };
jest.mock('next/navigation', () => ({
  useRouter: () => ({ push: navigation.push }),
  useSearchParams: () => new URLSearchParams(navigation.search),
}));

const estimate: DurationEstimateDto = {
  epochMs: 90_000,
  totalMs: 3_700_000,
  basis: 'same-network',
  epochsMeasured: 12,
  backend: 'wasm+onednn',
  pool: 'cpu',
  waitsForGpu: false,
} as DurationEstimateDto;

const ROUTES = {
  'GET /api/blocks': { status: 200, body: [] },
  'POST /api/runs/estimate': { status: 200, body: estimate },
  'POST /api/runs': { status: 201, body: { id: 'run-1' } },
  'POST /api/groups': { status: 201, body: { id: 'group-1' } },
};

function renderForm(routes: Record<string, { status: number; body: unknown }> = ROUTES) {
  const api = harness(routes);
  render(<NewRunForm />, { wrapper: api.wrapper });
  const type = (label: string | RegExp, value: string) =>
    fireEvent.change(screen.getByLabelText(label), { target: { value } });
  const submit = () => act(async () => void fireEvent.click(screen.getByRole('button', { name: /^Submit/ })));
  const sent = (call: string) => api.bodies.filter((b) => b.call === call).map((b) => b.body);
  return { ...api, type, submit, sent };
}
const fieldError = (field: string) => screen.getByTestId(`error-${field}`).textContent;
const pause = () => act(() => new Promise((resolve) => setTimeout(resolve, 600))); // past the estimate's

beforeEach(() => {
  navigation.push.mockReset();
  navigation.search = '';
});

describe('the New run form', () => {
  it('says what is wrong beside each field, and sends nothing until it is right', async () => {
    const { type, submit, calls } = renderForm();
    type(/^Epochs/, '0');
    type(/^Learning rate/, 'fast');
    type(/^Seeds/, '0..x');
    await submit();
    expect(fieldError('config.training.epochs')).toMatch(/>=\s*1|at least 1/);
    expect(fieldError('config.training.learningRate')).toMatch(/number/);
    // the seeds are read once the config is right
    type(/^Epochs/, '3');
    type(/^Learning rate/, '1e-3');
    await submit();
    expect(fieldError('config.training.epochs')).toBe('');
    expect(fieldError('seeds')).toMatch(/0\.\.x/);
    expect(calls).not.toContain('POST /api/runs');
    expect(calls).not.toContain('POST /api/groups');
    expect(navigation.push).not.toHaveBeenCalled();
  });

  it('estimates the duration of the config it holds, and of a valid one only', async () => {
    const { type, sent } = renderForm();
    await screen.findByText(/About 1 h 1 min of training \(1 min 30 s an epoch on one wasm\+onednn worker/);
    type(/^Epochs/, '7');
    await pause();
    expect(sent('POST /api/runs/estimate').at(-1)).toMatchObject({ config: { training: { epochs: 7 } } });
    const asked = sent('POST /api/runs/estimate').length;
    // an invalid config: no estimate shown, none asked
    type(/^Epochs/, '-3');
    await pause();
    expect(screen.getByTestId('estimate').textContent).toBe('Estimating the duration…');
    expect(sent('POST /api/runs/estimate')).toHaveLength(asked);
  });

  it('submits a run and opens its page', async () => {
    const { type, submit, sent } = renderForm();
    type(/^Name/, 'VGG_38 BN seed 0');
    type(/^Epochs/, '20');
    await submit();
    await waitFor(() => expect(navigation.push).toHaveBeenCalledWith('/runs/run-1'));
    expect(sent('POST /api/runs')).toEqual([
      expect.objectContaining({
        name: 'VGG_38 BN seed 0',
        config: expect.objectContaining({ training: expect.objectContaining({ epochs: 20 }) }),
      }),
    ]);
  });

  it('submits a group when given several seeds, and opens its page', async () => {
    const { type, submit, sent } = renderForm();
    type(/^Seeds/, '0..2');
    expect(screen.getByTestId('group-size').textContent).toContain('A group of 3 runs');
    await submit();
    await waitFor(() => expect(navigation.push).toHaveBeenCalledWith('/groups/group-1'));
    expect(sent('POST /api/groups')).toEqual([expect.objectContaining({ seeds: [0, 1, 2] })]);
  });

  it("shows the api's refusal beside the field it names", async () => {
    const errors = [{ field: 'config.training.epochs', message: 'must be at most 1000' }];
    const { submit } = renderForm({
      ...ROUTES,
      'POST /api/runs': { status: 400, body: { message: 'invalid run', errors } },
    });
    await submit();
    await waitFor(() => expect(fieldError('config.training.epochs')).toBe('must be at most 1000'));
    expect(screen.getByRole('alert').textContent).toBe('invalid run');
    expect(navigation.push).not.toHaveBeenCalled();
  });
});
