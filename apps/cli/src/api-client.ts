import type { EpochDto, GradientFlowDto, GroupDto, GroupSummaryDto, PageDto, RunDto } from '@gradlab/contracts';

/** The CLI's view of the REST api; errors carry the api's own message and field errors. */
export class ApiClient {
  constructor(
    readonly url: string,
    /** An API key; the api answers 401 without one. */
    readonly key: string | undefined,
  ) {}

  submit(body: unknown): Promise<RunDto> {
    return this.request('POST', '/runs', body);
  }
  submitGroup(body: unknown): Promise<GroupDto> {
    return this.request('POST', '/groups', body);
  }
  group(id: string): Promise<GroupDto> {
    return this.request('GET', `/groups/${encodeURIComponent(id)}`);
  }
  groups(): Promise<{ items: GroupSummaryDto[] }> {
    return this.request('GET', '/groups');
  }
  cancelGroup(id: string): Promise<GroupDto> {
    return this.request('POST', `/groups/${encodeURIComponent(id)}/cancel`);
  }
  list(page: number): Promise<PageDto<RunDto>> {
    return this.request('GET', `/runs?page=${page}&pageSize=20`);
  }
  run(id: string): Promise<RunDto> {
    return this.request('GET', `/runs/${encodeURIComponent(id)}`);
  }
  cancel(id: string): Promise<RunDto> {
    return this.request('POST', `/runs/${encodeURIComponent(id)}/cancel`);
  }
  epochs(id: string): Promise<EpochDto[]> {
    return this.request('GET', `/runs/${encodeURIComponent(id)}/epochs`);
  }
  /** Every stored epoch's gradient flow, in epoch order. */
  gradientFlowHistory(id: string): Promise<GradientFlowDto[]> {
    return this.request('GET', `/runs/${encodeURIComponent(id)}/gradient-flow/all`);
  }

  /** The report pack of these runs: a zip. */
  async reportPack(ids: string[]): Promise<Buffer> {
    const response = await fetch(`${this.url}/api/report-pack?runs=${ids.map(encodeURIComponent).join(',')}`, {
      headers: this.key ? { authorization: `Bearer ${this.key}` } : {},
    }).catch((error: Error) => {
      throw new Error(`cannot reach the gradlab api at ${this.url}: ${error.message}`);
    });
    if (!response.ok) throw new Error(((await response.json().catch(() => null)) as { message?: string } | null)?.message ?? `HTTP ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  }

  /** A course framework result folder's files, as multipart: the api makes a read-only run of them. */
  importResults(fields: Record<string, string>, files: { name: string; bytes: Buffer }[]): Promise<RunDto> {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    for (const file of files) form.append('files', new Blob([Uint8Array.from(file.bytes)]), file.name);
    return this.request('POST', '/imports', form);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    const multipart = body instanceof FormData; // fetch sets its content type, with the boundary
    try {
      response = await fetch(`${this.url}/api${path}`, {
        method,
        headers: { ...(multipart ? {} : { 'content-type': 'application/json' }), ...(this.key ? { authorization: `Bearer ${this.key}` } : {}) },
        body: body === undefined ? undefined : multipart ? body : JSON.stringify(body),
      });
    } catch (error) {
      throw new Error(`cannot reach the gradlab api at ${this.url}: ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`);
    }
    const payload = await response.json().catch(() => null);
    if (!response.ok) {
      const fields = (payload?.errors ?? []).map((e: { field: string; message: string }) => `\n  ${e.field}: ${e.message}`).join('');
      const hint = response.status === 401 ? ' (save a key with `gradlab config --key KEY`, or set GRADLAB_KEY)' : '';
      throw new Error(`${payload?.message ?? `HTTP ${response.status}`}${hint}${fields}`);
    }
    return payload as T;
  }
}
