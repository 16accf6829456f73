import { answerOf, createApiClient, type GradlabApi } from '@gradlab/api-client';
import type {
  BlockDto,
  CreateBlockRequest,
  QuotaDto,
  AggregateDto,
  CreateGroupRequest,
  CreateRunRequest,
  EpochDto,
  GradientFlowDto,
  GroupDto,
  GroupSummaryDto,
  PageDto,
  RunDto,
} from '@gradlab/contracts';

/** The requests the CLI makes, each one call of the one REST client (@gradlab/api-client); errors are its ApiError. */
export class CliApi {
  private readonly api: GradlabApi;

  constructor(
    readonly url: string,
    /** An API key; the api answers 401 without one. */
    readonly key: string | undefined,
  ) {
    this.api = createApiClient({ baseUrl: url, token: key });
  }

  submit(body: CreateRunRequest): Promise<RunDto> {
    return answerOf(this.api.POST('/api/runs', { body }));
  }
  submitGroup(body: CreateGroupRequest): Promise<GroupDto> {
    return answerOf(this.api.POST('/api/groups', { body }));
  }
  group(id: string): Promise<GroupDto> {
    return answerOf(this.api.GET('/api/groups/{id}', { params: { path: { id } } }));
  }
  /** A group's runs aggregated: epochs as mean ± std, gradient statistics in log space. */
  aggregate(id: string): Promise<AggregateDto> {
    return answerOf(this.api.GET('/api/groups/{id}/aggregate', { params: { path: { id } } }));
  }
  groups(): Promise<{ items: GroupSummaryDto[] }> {
    return answerOf(this.api.GET('/api/groups'));
  }
  cancelGroup(id: string): Promise<GroupDto> {
    return answerOf(this.api.POST('/api/groups/{id}/cancel', { params: { path: { id } } }));
  }
  list(page: number): Promise<PageDto<RunDto>> {
    return answerOf(this.api.GET('/api/runs', { params: { query: { page, pageSize: 20 } } }));
  }
  run(id: string): Promise<RunDto> {
    return answerOf(this.api.GET('/api/runs/{id}', { params: { path: { id } } }));
  }
  blocks(): Promise<BlockDto[]> {
    return answerOf(this.api.GET('/api/blocks'));
  }
  addBlock(body: CreateBlockRequest): Promise<BlockDto> {
    return answerOf(this.api.POST('/api/blocks', { body }));
  }
  /** The block as a Python module for the course framework. */
  blockPytorch(id: string): Promise<string> {
    return answerOf(this.api.GET('/api/blocks/{id}/pytorch', { params: { path: { id } }, parseAs: 'text' }));
  }
  quota(): Promise<QuotaDto> {
    return answerOf(this.api.GET('/api/quota'));
  }

  cancel(id: string): Promise<RunDto> {
    return answerOf(this.api.POST('/api/runs/{id}/cancel', { params: { path: { id } } }));
  }
  epochs(id: string): Promise<EpochDto[]> {
    return answerOf(this.api.GET('/api/runs/{id}/epochs', { params: { path: { id } } }));
  }
  /** Every stored epoch's gradient flow, in epoch order. */
  gradientFlowHistory(id: string): Promise<GradientFlowDto[]> {
    return answerOf(this.api.GET('/api/runs/{id}/gradient-flow/all', { params: { path: { id } } }));
  }

  /** The report pack of these runs: a zip. */
  async reportPack(ids: string[]): Promise<Buffer> {
    const zip = await answerOf(
      this.api.GET('/api/report-pack', { params: { query: { runs: ids.join(',') } }, parseAs: 'arrayBuffer' }),
    );
    return Buffer.from(zip);
  }

  /** A course framework result folder's files, as multipart: the api makes a read-only run of them. */
  importResults(fields: Record<string, string>, files: { name: string; bytes: Buffer }[]): Promise<RunDto> {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    for (const file of files) form.append('files', new Blob([Uint8Array.from(file.bytes)]), file.name);
    return answerOf(this.api.POST('/api/imports', { body: {}, bodySerializer: () => form }));
  }
}
