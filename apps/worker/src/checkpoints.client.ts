import { ApiUnreachableError, createApiClient, type GradlabApi } from '@gradlab/api-client';

/** Waits between tries while the api is unreachable: doubling from the first, up to the cap. */
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;

type CheckpointKind = 'latest' | 'best';

/** Told when the api stops answering (with the moment it stopped) and when it answers again (null). */
export type OutageListener = (since: Date | null) => void;

/**
 * Uploads and downloads a run's checkpoints through the api, presenting the worker token. The api may be
 * restarting, or answer 503 while Postgres is down: an outage is not the run's fault, so a download waits it
 * out with backoff for as long as it lasts (without it the run cannot know where to resume), and the job's
 * attempts are kept for failures of the run itself. `onOutage` hears when the waiting starts and ends, for
 * the worker's heartbeat ("waiting for the api" on the Workers page).
 */
export class CheckpointsClient {
  private readonly api: GradlabApi;

  constructor(
    apiUrl: string,
    workerToken: string | undefined,
    private readonly onOutage: OutageListener = () => undefined,
    private readonly sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  ) {
    this.api = createApiClient({ baseUrl: apiUrl, token: workerToken });
  }

  async download(runId: string, kind: CheckpointKind): Promise<Buffer | null> {
    const what = `downloading the ${kind} checkpoint of run ${runId}`;
    const { data, error, response } = await this.withRetries(() =>
      this.api.GET('/api/runs/{id}/checkpoints/{kind}', {
        params: { path: { id: runId, kind } },
        parseAs: 'arrayBuffer',
      }),
    );
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${JSON.stringify(error)}`);
    return Buffer.from(data as ArrayBuffer);
  }

  async upload(runId: string, kind: CheckpointKind, bytes: Buffer, epoch: number): Promise<void> {
    const { error, response } = await this.withRetries(() =>
      this.api.PUT('/api/runs/{id}/checkpoints/{kind}', {
        params: { path: { id: runId, kind }, header: { 'x-gradlab-epoch': epoch } },
        headers: { 'content-type': 'application/octet-stream' },
        body: Uint8Array.from(bytes),
        bodySerializer: (body) => body as BodyInit,
      }),
    );
    if (!response.ok)
      throw new Error(
        `uploading the ${kind} checkpoint of run ${runId}: HTTP ${response.status} ${JSON.stringify(error)}`,
      );
  }

  /** Tries again, for as long as it takes, while the api cannot be reached or answers 502-504. */
  private async withRetries<T extends { response: Response }>(attempt: () => Promise<T>): Promise<T> {
    let outageSince: Date | null = null;
    for (let wait = FIRST_RETRY_MS; ; wait = Math.min(MAX_RETRY_MS, wait * 2)) {
      try {
        const outcome = await attempt();
        if (![502, 503, 504].includes(outcome.response.status)) {
          if (outageSince) this.onOutage(null);
          return outcome;
        }
      } catch (error) {
        if (!(error instanceof ApiUnreachableError)) throw error;
      }
      if (!outageSince) {
        outageSince = new Date();
        this.onOutage(outageSince);
      }
      await this.sleep(wait);
    }
  }
}
