import { ApiError, ApiUnreachableError } from '@gradlab/api-client';
import { makeQueryClient, UNREACHABLE_RETRY_MS } from './query-client';

describe("the dashboard's query cache", () => {
  afterEach(() => jest.useRealTimers());

  it('does not ask again what the api answered: a 404 fails at once', async () => {
    const load = jest.fn(async () => {
      throw new ApiError(404, 'run not found');
    });
    await expect(makeQueryClient().fetchQuery({ queryKey: ['run'], queryFn: load })).rejects.toThrow('run not found');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('asks again, every few seconds, while the api cannot be reached, and resolves once it is back', async () => {
    jest.useFakeTimers();
    let answered = 0;
    const load = jest.fn(async () => {
      if (++answered <= 3) throw new ApiUnreachableError('cannot reach the gradlab api');
      return { runs: 2 };
    });
    const result = makeQueryClient().fetchQuery({ queryKey: ['runs'], queryFn: load });
    await jest.advanceTimersByTimeAsync(UNREACHABLE_RETRY_MS - 1);
    expect(load).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(3 * UNREACHABLE_RETRY_MS);
    await expect(result).resolves.toEqual({ runs: 2 });
    expect(load).toHaveBeenCalledTimes(4);
  });
});
