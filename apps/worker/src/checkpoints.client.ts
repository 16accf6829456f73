/** Uploads and downloads a run's checkpoints through the api, presenting the worker token. */
export class CheckpointsClient {
  constructor(
    private readonly apiUrl: string,
    private readonly workerToken: string | undefined,
  ) {}

  async download(runId: string, kind: 'latest' | 'best'): Promise<Buffer | null> {
    const response = await this.fetch(this.url(runId, kind), { headers: this.headers() });
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

  private async fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, init);
    } catch (error) {
      throw new Error(`cannot reach the api at ${this.apiUrl} for checkpoints (API_URL): ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`);
    }
  }

  private url(runId: string, kind: string): string {
    return `${this.apiUrl}/api/runs/${encodeURIComponent(runId)}/checkpoints/${kind}`;
  }

  private headers(): Record<string, string> {
    return this.workerToken ? { authorization: `Bearer ${this.workerToken}` } : {};
  }
}
