import { ApiUnreachableError, createApiClient, type GradlabApi } from '@gradlab/api-client';

/** Waits between tries while the api is unreachable: doubling from the first, up to the cap. */
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;

type CheckpointKind = 'latest' | 'best';

/**
 * Uploads and downloads a run's checkpoints through the api, presenting the worker token. The api may be
 * restarting or waiting for Postgres: a download is tried again for `retryForMs` (CHECKPOINT_RETRY_S)
 * before it fails the run, since without it the run cannot know where to resume.
 */
export class CheckpointsClient {
  private readonly api: GradlabApi;

  constructor(
    apiUrl: string,
    workerToken: string | undefined,
    private readonly retryForMs = 60_000,
    private readonly sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  ) {
    this.api = createApiClient({ baseUrl: apiUrl, token: workerToken });
  }

  async download(runId: string, kind: CheckpointKind): Promise<Buffer | null> {
    const what = `downloading the ${kind} checkpoint of run ${runId}`;
    const { data, error, response } = await this.withRetries(() =>
      this.api.GET('/api/runs/{id}/checkpoints/{kind}', { params: { path: { id: runId, kind } }, parseAs: 'arrayBuffer' }),
    );
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${JSON.stringify(error)}`);
    return Buffer.from(data as ArrayBuffer);
  }

  async upload(runId: string, kind: CheckpointKind, bytes: Buffer, epoch: number): Promise<void> {
    const { error, response } = await this.api.PUT('/api/runs/{id}/checkpoints/{kind}', {
      params: { path: { id: runId, kind }, header: { 'x-gradlab-epoch': epoch } },
      headers: { 'content-type': 'application/octet-stream' },
      body: Uint8Array.from(bytes),
      bodySerializer: (body) => body as BodyInit,
    });
    if (!response.ok) throw new Error(`uploading the ${kind} checkpoint of run ${runId}: HTTP ${response.status} ${JSON.stringify(error)}`);
  }

  /** Tries again while the api cannot be reached or answers 502-504 (restarting, or its database down). */
  private async withRetries<T extends { response: Response }>(attempt: () => Promise<T>): Promise<T> {
    let waited = 0;
    for (let wait = FIRST_RETRY_MS; ; wait = Math.min(MAX_RETRY_MS, wait * 2)) {
      let outcome: T | ApiUnreachableError;
      try {
        outcome = await attempt();
        if (![502, 503, 504].includes(outcome.response.status)) return outcome;
      } catch (error) {
        if (!(error instanceof ApiUnreachableError)) throw error;
        outcome = error;
      }
      if (waited + wait > this.retryForMs) {
        if (outcome instanceof ApiUnreachableError)
          throw new Error(`${outcome.message} (API_URL; tried for ${Math.round(this.retryForMs / 1000)} s, CHECKPOINT_RETRY_S)`);
        return outcome;
      }
      await this.sleep(wait);
      waited += wait;
    }
  }
}
