import { Injectable } from '@nestjs/common';
import {
  FIGURE_FORMATS,
  FigureQuerySchema,
  fileSlug,
  type FigureQuery,
  type GroupDto,
  type RunDto,
} from '@gradlab/contracts';
import { zipSync } from 'fflate';
import type { Principal } from '../auth/principal';
import { DomainError } from '../common/domain-error';
import { GroupsService } from '../groups/groups.service';
import { RunsService } from '../runs/runs.service';
import { FiguresService } from './figures.service';
import { RunFilesService } from './run-files.service';
import { resultsTableTex } from './results-table';

/** At most this many groups in one pack (each cell's figures are rendered in four formats). */
const MAX_GROUPS = 8;
/** A group's figures: no pgfplots version of the bands. */
const GROUP_FORMATS = ['svg', 'pdf', 'png', 'csv'] as const;

/**
 * Everything a report needs from a set of runs, in one zip: every figure in every format (each run's and the
 * set's), the course framework's CSVs of each run, results.tex, and a README.txt saying what each file is.
 * Groups (`?groups=`) add each cell's figures over seeds (mean ± std), and their runs join results.tex,
 * where runs differing only by seed make one row of mean ± std.
 */
@Injectable()
export class ReportPackService {
  constructor(
    private readonly runs: RunsService,
    private readonly figures: FiguresService,
    private readonly files: RunFilesService,
    private readonly groups: GroupsService,
  ) {}

  async pack(
    principal: Principal,
    query: { runs?: string; groups?: string },
  ): Promise<{ body: Buffer; fileName: string }> {
    const groupIds = (query.groups ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean);
    if (groupIds.length > MAX_GROUPS)
      throw new DomainError('VALIDATION_FAILED', `invalid query: groups: at most ${MAX_GROUPS} group ids`, [
        { field: 'groups', message: `at most ${MAX_GROUPS} group ids` },
      ]);
    const runs = groupIds.length > 0 && !query.runs ? [] : await this.figures.runsOf(principal, query.runs);
    const groups: GroupDto[] = [];
    for (const id of groupIds) groups.push(await this.groups.get(principal, id));
    const ids = runs.map((run) => run.id);
    const entries: Record<string, Uint8Array> = {};
    const readme: string[] = [
      'gradlab report pack',
      '',
      `Runs: ${runs.map((r) => `${r.name} (${r.kind}, ${r.id})`).join('; ') || "none but the groups'"}`,
      `Groups: ${groups.map((g) => `${g.name} (${g.id})`).join('; ') || 'none'}`,
      '',
    ];
    const add = (file: string, body: Buffer | string, what: string) => {
      entries[file] = typeof body === 'string' ? Buffer.from(body) : body;
      readme.push(`${file}: ${what}`);
    };
    const formats = FIGURE_FORMATS.join(', ');
    const query1: FigureQuery = FigureQuerySchema.parse({ width: 'column' });

    const valLossAtBest = new Map<string, number | null>();
    for (const run of runs) {
      const dir = `${fileSlug(run.name)}-${run.id.slice(0, 8)}`;
      const epochs = await this.runs.epochs(principal, run.id);
      valLossAtBest.set(run.id, epochs.find((e) => e.epoch === run.bestEpoch)?.valLoss ?? null);
      add(
        `${dir}/summary.csv`,
        (await this.files.runFile(principal, run.id, 'summary.csv')).body,
        `the course framework's summary.csv of ${run.name} (row k is epoch k)`,
      );
      if (run.status === 'completed')
        add(
          `${dir}/test_summary.csv`,
          (await this.files.runFile(principal, run.id, 'test_summary.csv')).body,
          `its test_summary.csv (the best-validation weights)`,
        );
      const figures =
        epochs.length === 0
          ? []
          : run.kind === 'imported'
            ? ['learning-curves']
            : ['learning-curves', 'gradient-flow', 'gradient-heatmap'];
      for (const figure of figures) {
        for (const format of FIGURE_FORMATS) {
          const file = await this.figures.runFigure(principal, run.id, `${figure}.${format}`, query1);
          entries[`${dir}/${figure}.${format}`] = file.body;
        }
        readme.push(
          `${dir}/${figure}.{${formats}}: ${figure} of ${run.name}, one column wide (SVG, vector PDF, 300 dpi PNG, the plotted data, pgfplots)`,
        );
      }
    }
    if (runs.length > 1) {
      const query: FigureQuery = { ...query1, runs: ids.join(',') };
      const withEpochs = runs.filter((r) => r.epochsCompleted > 0);
      const withFlow = runs.filter((r) => r.kind === 'trained' && r.epochsCompleted > 0);
      const sets: [string, RunDto[]][] = [
        ['learning-curves', withEpochs],
        ['gradient-flow', withFlow],
      ];
      for (const [figure, members] of sets) {
        if (members.length < 2) continue;
        for (const format of FIGURE_FORMATS)
          entries[`compare/${figure}.${format}`] = (
            await this.figures.setFigure(principal, `${figure}.${format}`, {
              ...query,
              runs: members.map((r) => r.id).join(','),
            })
          ).body;
        readme.push(
          `compare/${figure}.{${formats}}: ${figure === 'learning-curves' ? 'Figure 1, the runs overlaid' : 'gradient flow of the runs by relative depth'} (${members.map((r) => r.name).join(', ')})`,
        );
      }
    }
    const groupRuns: RunDto[] = [];
    for (const group of groups) {
      const dir = `groups/${fileSlug(group.name)}-${group.id.slice(0, 8)}`;
      readme.push(`${dir}: group ${group.name} (${group.runs.length} runs, seeds ${group.seeds.join(', ')})`);
      for (const cell of group.cells) {
        const cellDir = cell.key ? `${dir}/${fileSlug(cell.key)}` : dir;
        for (const figure of ['learning-curves', 'gradient-flow']) {
          for (const format of GROUP_FORMATS) {
            const file = await this.figures
              .groupFigure(principal, group.id, `${figure}.${format}`, {
                ...query1,
                ...(cell.key ? { cell: cell.key } : {}),
              })
              .catch((error: unknown) => {
                if (error instanceof DomainError && error.code === 'NOT_FOUND') return null; // no epoch yet
                throw error;
              });
            if (file) entries[`${cellDir}/${figure}.${format}`] = file.body;
          }
          readme.push(
            `${cellDir}/${figure}.{${GROUP_FORMATS.join(', ')}}: ${figure === 'learning-curves' ? 'loss and accuracy' : 'gradient flow'} over the seeds of ${cell.key || group.name}, mean ± std`,
          );
        }
      }
      for (const run of group.runs) {
        groupRuns.push(run);
        const epochs = await this.runs.epochs(principal, run.id);
        valLossAtBest.set(run.id, epochs.find((e) => e.epoch === run.bestEpoch)?.valLoss ?? null);
      }
    }
    const tableRuns = [...runs, ...groupRuns.filter((r) => !ids.includes(r.id))];
    add(
      'results.tex',
      resultsTableTex(tableRuns, valLossAtBest),
      'the table of results (standalone LaTeX; runs differing only by seed as mean ± std)',
    );
    readme.push(
      '',
      'Epochs are numbered from 0, as the course framework numbers them. Every .tex compiles on its own with pdflatex.',
    );
    entries['README.txt'] = Buffer.from(readme.join('\n') + '\n');
    const fileName =
      runs.length === 1 && groups.length === 0
        ? `${fileSlug(runs[0].name)}_report-pack.zip`
        : groups.length === 1 && runs.length === 0
          ? `${fileSlug(groups[0].name)}_report-pack.zip`
          : `report-pack_${tableRuns.length}-runs.zip`;
    return { body: Buffer.from(zipSync(entries, { level: 6 })), fileName };
  }
}
