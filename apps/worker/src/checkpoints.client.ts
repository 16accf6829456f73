/** Waits between tries while the api is unreachable: doubling from the first, up to the cap. */
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;

/**
 * Uploads and downloads a run's checkpoints through the api, presenting the worker token. The api may be
 * restarting or waiting for Postgres: a download is tried again for `retryForMs` (CHECKPOINT_RETRY_S)
 * before it fails the run, since without it the run cannot know where to resume.
 */
export class CheckpointsClient {
  constructor(
    private readonly apiUrl: string,
    private readonly workerToken: string | undefined,
    private readonly retryForMs = 60_000,
    private readonly sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  ) {}

  async download(runId: string, kind: 'latest' | 'best'): Promise<Buffer | null> {
    const response = await this.withRetries(`downloading the ${kind} checkpoint of run ${runId}`, () =>
      this.fetch(this.url(runId, kind), { headers: this.headers() }),
    );
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`downloading the ${kind} checkpoint of run ${runId}: HTTP ${response.status} ${await response.text()}`);
    return Buffer.from(await response.arrayBuffer());
  }

  async upload(runId: string, kind: 'latest' | 'best', bytes: Buffer, epoch: number): Promise<void> {
    const response = await this.fetch(this.url(runId, kind), {
      method: 'PUT',
      headers: { ...this.headers(), 'content-type': 'application/octet-stream', 'x-gradlab-epoch': String(epoch) },
      body: Uint8Array.from(bytes),
    });
    if (!response.ok) throw new Error(`uploading the ${kind} checkpoint of run ${runId}: HTTP ${response.status} ${await response.text()}`);
  }

  /** Tries again while the api cannot be reached or answers 502-504 (restarting, or its database down). */
  private async withRetries(what: string, attempt: () => Promise<Response>): Promise<Response> {
    let waited = 0;
    for (let wait = FIRST_RETRY_MS; ; wait = Math.min(MAX_RETRY_MS, wait * 2)) {
      let outcome: Response | Error;
      try {
        outcome = await attempt();
        if (![502, 503, 504].includes(outcome.status)) return outcome;
      } catch (error) {
        outcome = error as Error;
      }
      if (waited + wait > this.retryForMs) {
        if (outcome instanceof Error) throw new Error(`${outcome.message} (tried for ${Math.round(this.retryForMs / 1000)} s, CHECKPOINT_RETRY_S)`);
        return outcome;
      }
      await this.sleep(wait);
      waited += wait;
    }
  }

  private async fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, init);
    } catch (error) {
      throw new Error(
        `cannot reach the api at ${this.apiUrl} for checkpoints (API_URL): ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`,
      );
    }
  }

  private url(runId: string, kind: string): string {
    return `${this.apiUrl}/api/runs/${encodeURIComponent(runId)}/checkpoints/${kind}`;
  }

  private headers(): Record<string, string> {
    return this.workerToken ? { authorization: `Bearer ${this.workerToken}` } : {};
  }
}
