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

/**
 * The one client of the REST api: the CLI, the dashboard (browser and server) and the workers use it. A
 * request that gets no answer at all throws ApiUnreachableError, naming the address; an answer with an
 * error status is returned as openapi-fetch returns it, for `answerOf` or the caller to judge.
 */
export function createApiClient({ baseUrl, token, headers = {}, credentials }: ApiClientOptions): GradlabApi {
  const reach: typeof fetch = async (input, init) => {
    try {
      return await fetch(input, init);
    } catch (error) {
      const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
      throw new ApiUnreachableError(`cannot reach the gradlab api at ${baseUrl}: ${cause}`);
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

/** The answer's body, or ApiError with the api's own message and field errors. */
export async function answerOf<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await request;
  if (!response.ok) {
    const body = error as Partial<ErrorDto> | undefined;
    throw new ApiError(response.status, body?.message ?? `the api answered ${response.status}`, body?.errors ?? []);
  }
  return data as T;
}
