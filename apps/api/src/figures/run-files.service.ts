import { Injectable } from '@nestjs/common';
import { fileSlug, type ParsedListRunsQuery, type RunDto } from '@gradlab/contracts';
import { epochsCsv, frameworkSummaryCsv, frameworkTestSummaryCsv, gradientFlowCsv, runsCsv } from '@gradlab/figures';
import type { Principal } from '../auth/principal';
import { DomainError } from '../common/domain-error';
import { RunsService } from '../runs/runs.service';
import type { FigureFile } from './figures.service';

/** A run's data as files: the course framework's two CSVs, every epoch, every layer's statistics. */
const RUN_FILES = ['summary.csv', 'test_summary.csv', 'epochs.csv', 'gradient_flow.csv'] as const;
/** The most runs one table export holds. */
const MAX_EXPORTED_RUNS = 10_000;
const PAGE = 200;

const csvFile = (body: string, fileName: string): FigureFile => ({
  body: Buffer.from(body),
  contentType: 'text/csv; charset=utf-8',
  fileName,
});

@Injectable()
export class RunFilesService {
  constructor(private readonly runs: RunsService) {}

  async runFile(principal: Principal, id: string, file: string): Promise<FigureFile> {
    const run = await this.runs.get(principal, id);
    const name = `${fileSlug(run.name)}_${file}`;
    switch (file) {
      case 'summary.csv':
        return csvFile(frameworkSummaryCsv(await this.runs.epochs(principal, id)), name);
      case 'test_summary.csv':
        if (run.status !== 'completed')
          throw new DomainError('CONFLICT', `run ${id} is ${run.status}: its test metrics come when it completes`);
        return csvFile(frameworkTestSummaryCsv(run), name);
      case 'epochs.csv':
        return csvFile(epochsCsv(await this.runs.epochs(principal, id)), name);
      case 'gradient_flow.csv':
        return csvFile(gradientFlowCsv(await this.runs.gradientFlowHistory(principal, id)), name);
      default:
        throw new DomainError('NOT_FOUND', `no file ${file}: a run has ${RUN_FILES.join(', ')}`);
    }
  }

  /**
   * The team's runs that pass the list's filters (validated as the list validates them), newest first, as the
   * runs table shows them; the export pages through them itself, by cursor.
   */
  async runsTable(principal: Principal, filter: Omit<ParsedListRunsQuery, 'page' | 'pageSize'>): Promise<FigureFile> {
    const all: RunDto[] = [];
    let after: string | undefined;
    while (all.length < MAX_EXPORTED_RUNS) {
      const { items, nextCursor } = await this.runs.list(principal, { ...filter, page: 1, pageSize: PAGE, after });
      all.push(...items);
      if (!nextCursor) break;
      after = nextCursor;
    }
    return csvFile(runsCsv(all), 'runs.csv');
  }
}
