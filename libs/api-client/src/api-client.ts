import type { ErrorDto } from '@gradlab/contracts';
import createClient, { type Client } from 'openapi-fetch';
import { ApiError, ApiUnreachableError } from './api-errors';
import type { paths } from './generated/openapi';

/** The REST api, typed route by route from its OpenAPI document (`npm run api:types`). */
export type GradlabApi = Client<paths>;

export interface ApiClientOptions {
  /** Where the api is, without `/api`: http://localhost:4000. */
  baseUrl: string;
  /** An API key or a worker token, sent as `Authorization: Bearer`. */
  token?: string;
  /** Sent with every request, e.g. a dashboard reader's session cookie from the server side. */
  headers?: Record<string, string>;
  /** `include` in the browser, so the dashboard's session cookie goes along. */
  credentials?: RequestCredentials;
}

/** An api past what it can serve answers 503 OVERLOADED with `retry-after`: asked again this many times. */
const OVERLOADED_RETRIES = 4;

/**
 * The one client of the REST api: the CLI, the dashboard (browser and server) and the workers use it. A
 * request that gets no answer at all throws ApiUnreachableError, naming the address; one the api refused
 * because it was overloaded (nothing done) is sent again after its `retry-after`, with jitter, a few times;
 * any other answer with an error status is returned as openapi-fetch returns it, for `answerOf` or the caller
 * to judge.
 */
export function createApiClient({ baseUrl, token, headers = {}, credentials }: ApiClientOptions): GradlabApi {
  const once: typeof fetch = async (input, init) => {
    try {
      // a Request's body can be read once: each try sends a copy
      return await fetch(input instanceof Request ? input.clone() : input, init);
    } catch (error) {
      const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
      throw new ApiUnreachableError(`cannot reach the gradlab api at ${baseUrl}: ${cause}`);
    }
  };
  const reach: typeof fetch = async (input, init) => {
    for (let attempt = 0; ; attempt++) {
      const response = await once(input, init);
      const wait = attempt < OVERLOADED_RETRIES ? await overloadedRetryMs(response) : undefined;
      if (wait === undefined) return response;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  };
  return createClient<paths>({
    baseUrl,
    credentials,
    cache: 'no-store',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    fetch: reach,
  });
}

/** For a 503 OVERLOADED, how long to wait before asking again: its `retry-after`, plus up to as much again. */
async function overloadedRetryMs(response: Response): Promise<number | undefined> {
  if (response.status !== 503) return undefined;
  const body = (await response
    .clone()
    .json()
    .catch(() => undefined)) as Partial<ErrorDto> | undefined;
  if (body?.code !== 'OVERLOADED') return undefined;
  const seconds = Number(response.headers.get('retry-after') ?? 1);
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : 1) * 1000 * (1 + Math.random());
}

/** The answer's body, or ApiError with the api's own message and field errors. */
export async function answerOf<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await request;
  if (!response.ok) {
    const body = error as Partial<ErrorDto> | undefined;
    throw new ApiError(response.status, body?.message ?? `the api answered ${response.status}`, body?.errors ?? []);
  }
  return data as T;
}
