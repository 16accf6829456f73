import type { ErrorDto, FieldError } from '@gradlab/contracts';

/** The api answered with an error status; `errors` names each bad field for a 400. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fieldErrors: FieldError[] = [],
  ) {
    super(message);
  }
}

/** The api did not answer at all: down, restarting, or the wrong address. */
export class ApiUnreachableError extends Error {}

export async function apiFetch<T>(apiUrl: string, path: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    // credentials: the session cookie of the dashboard's sign-in goes with every call.
    // A FormData body (an upload) sets its own multipart content type, boundary included.
    const json = !(init.body instanceof FormData);
    response = await fetch(`${apiUrl}/api${path}`, {
      ...init,
      headers: { ...(json ? { 'content-type': 'application/json' } : {}), ...init.headers },
      cache: 'no-store',
      credentials: 'include',
    });
  } catch {
    throw new ApiUnreachableError(`cannot reach the gradlab api at ${apiUrl}`);
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as ErrorDto | null;
    throw new ApiError(response.status, body?.message ?? `the api answered ${response.status}`, body?.errors ?? []);
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}
