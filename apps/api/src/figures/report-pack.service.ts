import { Injectable } from '@nestjs/common';
import { FIGURE_FORMATS, fileSlug, type RunDto } from '@gradlab/contracts';
import { zipSync } from 'fflate';
import type { Principal } from '../auth/principal';
import { RunsService } from '../runs/runs.service';
import { FiguresService } from './figures.service';
import { RunFilesService } from './run-files.service';
import { resultsTableTex } from './results-table';


/**
 * Everything a report needs from a set of runs, in one zip: every figure in every format (each run's and the
 * set's), the course framework's CSVs of each run, results.tex, and a README.txt saying what each file is.
 */
@Injectable()
export class ReportPackService {
  constructor(
    private readonly runs: RunsService,
    private readonly figures: FiguresService,
    private readonly files: RunFilesService,
  ) {}

  async pack(principal: Principal, query: { runs?: string }): Promise<{ body: Buffer; fileName: string }> {
    const runs = await this.figures.runsOf(principal, query.runs);
    const ids = runs.map((run) => run.id);
    const entries: Record<string, Uint8Array> = {};
    const readme: string[] = ['gradlab report pack', '', `Runs: ${runs.map((r) => `${r.name} (${r.kind}, ${r.id})`).join('; ')}`, ''];
    const add = (file: string, body: Buffer | string, what: string) => {
      entries[file] = typeof body === 'string' ? Buffer.from(body) : body;
      readme.push(`${file}: ${what}`);
    };
    const formats = FIGURE_FORMATS.join(', ');
    const query1: Record<string, string> = { width: 'column' };

    const valLossAtBest = new Map<string, number | null>();
    for (const run of runs) {
      const dir = `${fileSlug(run.name)}-${run.id.slice(0, 8)}`;
      const epochs = await this.runs.epochs(principal, run.id);
      valLossAtBest.set(run.id, epochs.find((e) => e.epoch === run.bestEpoch)?.valLoss ?? null);
      add(`${dir}/summary.csv`, (await this.files.runFile(principal, run.id, 'summary.csv')).body, `the course framework's summary.csv of ${run.name} (row k is epoch k)`);
      if (run.status === 'completed') add(`${dir}/test_summary.csv`, (await this.files.runFile(principal, run.id, 'test_summary.csv')).body, `its test_summary.csv (the best-validation weights)`);
      const figures = epochs.length === 0 ? [] : run.kind === 'imported' ? ['learning-curves'] : ['learning-curves', 'gradient-flow', 'gradient-heatmap'];
      for (const figure of figures) {
        for (const format of FIGURE_FORMATS) {
          const file = await this.figures.runFigure(principal, run.id, `${figure}.${format}`, query1);
          entries[`${dir}/${figure}.${format}`] = file.body;
        }
        readme.push(`${dir}/${figure}.{${formats}}: ${figure} of ${run.name}, one column wide (SVG, vector PDF, 300 dpi PNG, the plotted data, pgfplots)`);
      }
    }
    if (runs.length > 1) {
      const query: Record<string, string> = { ...query1, runs: ids.join(',') };
      const withEpochs = runs.filter((r) => r.epochsCompleted > 0);
      const withFlow = runs.filter((r) => r.kind === 'trained' && r.epochsCompleted > 0);
      const sets: [string, RunDto[]][] = [['learning-curves', withEpochs], ['gradient-flow', withFlow]];
      for (const [figure, members] of sets) {
        if (members.length < 2) continue;
        for (const format of FIGURE_FORMATS) entries[`compare/${figure}.${format}`] = (await this.figures.setFigure(principal, `${figure}.${format}`, { ...query, runs: members.map((r) => r.id).join(',') })).body;
        readme.push(`compare/${figure}.{${formats}}: ${figure === 'learning-curves' ? 'Figure 1, the runs overlaid' : 'gradient flow of the runs by relative depth'} (${members.map((r) => r.name).join(', ')})`);
      }
    }
    add('results.tex', resultsTableTex(runs, valLossAtBest), 'the table of results (standalone LaTeX; runs differing only by seed as mean ± std)');
    readme.push('', 'Epochs are numbered from 0, as the course framework numbers them. Every .tex compiles on its own with pdflatex.');
    entries['README.txt'] = Buffer.from(readme.join('\n') + '\n');
    return { body: Buffer.from(zipSync(entries, { level: 6 })), fileName: runs.length === 1 ? `${fileSlug(runs[0].name)}_report-pack.zip` : `report-pack_${runs.length}-runs.zip` };
  }
}
