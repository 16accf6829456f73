import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RUN_EVENT_VERSION, type EpochCompletedEvent, type RunDto } from '@gradlab/contracts';
import { learningCurvePoints } from '@gradlab/figures';
import { unzipSync } from 'fflate';
import { migrateDatabase } from '../database/migrator';
import { RunEventsService } from '../run-events/run-events.service';
import { createTestDatabase, testQueuePrefix } from '../test-support/test-database';
import { createStudent } from '../test-support/create-student';
import { startTestApi, type TestApi } from '../test-support/test-api';

const smallConfig = {
  model: { numFilters: 8, numStages: 1, numBlocksPerStage: 0 },
  training: { epochs: 3 },
  data: { dataset: 'synthetic' },
};
const layers = Array.from({ length: 5 }, (_, i) => ({
  layerIndex: i,
  name: `layer_dict.block_${i}.weight`,
  shortName: `block_${i}`,
  kind: 'conv' as const,
  meanAbs: 10 ** -(i + 2),
  lastBatchMeanAbs: i === 1 ? 0 : 10 ** -(i + 2),
  l2: 1,
  maxAbs: 1,
  nonFiniteCount: 0,
  weightL2: 1,
  updateRatio: 1e-3,
}));
const epoch = (runId: string, index: number): EpochCompletedEvent => ({
  v: RUN_EVENT_VERSION,
  type: 'epoch.completed',
  runId,
  at: new Date().toISOString(),
  epoch: index,
  totalEpochs: 3,
  trainLoss: 4.6 - index,
  trainAccuracy: 0.01 + 0.1 * index,
  valLoss: 4.7 - index,
  valAccuracy: 0.01 + 0.08 * index,
  learningRate: 1e-3,
  durationMs: 1000,
  layers,
});

/** Poppler's tools (Debian's poppler-utils), as a reader of the PDF would see it. */
const poppler = (tool: 'pdffonts' | 'pdftotext', pdf: Buffer, ...args: string[]) => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'gradlab-pdf-')), 'figure.pdf');
  writeFileSync(file, pdf);
  return execFileSync(tool, [...args, file, ...(tool === 'pdftotext' ? ['-'] : [])]).toString();
};

describe('figures as files: SVG, PDF, PNG and CSV (real api, Postgres and Redis)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: TestApi;
  const runs: RunDto[] = [];
  let outsider = '';

  const get = async (route: string, key = api.adminToken) => {
    const response = await fetch(`${api.url}/api${route}`, { headers: { authorization: `Bearer ${key}` } });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      disposition: response.headers.get('content-disposition'),
      body: Buffer.from(await response.arrayBuffer()),
    };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateDatabase(db.url);
    api = await startTestApi({ DATABASE_URL: db.url, QUEUE_PREFIX: testQueuePrefix() });
    const events = api.app.get(RunEventsService);
    for (const name of ['VGG_08 seed 0', 'VGG_38 BN+RC seed 0']) {
      const response = await fetch(`${api.url}/api/runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${api.adminToken}` },
        body: JSON.stringify({ name, config: smallConfig }),
      });
      const run = (await response.json()) as RunDto;
      for (let e = 0; e < 3; e++) await events.epochCompleted(epoch(run.id, e));
      runs.push(run);
    }
    outsider = (await createStudent(api, 'team-other', 'other@uni.test')).key;
  }, 60_000);
  afterAll(async () => {
    await api.app.close();
    await db.drop();
  });

  it('SVG: Figure 1 with its axis titles, named for the run', async () => {
    const svg = await get(`/runs/${runs[0].id}/figures/learning-curves.svg`);
    expect([svg.status, svg.type]).toEqual([200, 'image/svg+xml']);
    expect(svg.disposition).toBe('attachment; filename="vgg-08-seed-0_learning-curves.svg"');
    const text = svg.body.toString();
    expect(text.startsWith('<svg')).toBe(true);
    for (const title of ['>Loss<', '>Accuracy<', '>Epoch<']) expect(text).toContain(title);
    expect(Number(/<svg[^>]*\swidth="([\d.]+)"/.exec(text)?.[1])).toBeLessThanOrEqual(3.25 * 72 + 1); // laid out at the column's width
  });

  it('PDF: vector, its font embedded, text selectable, well under 100 KB', async () => {
    const pdf = await get(
      `/figures/learning-curves.pdf?runs=${runs.map((r) => r.id).join(',')}&title=VGG_08%20against%20VGG_38`,
    );
    expect([pdf.status, pdf.type]).toEqual([200, 'application/pdf']);
    expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.body.length).toBeLessThan(100_000);
    const fonts = poppler('pdffonts', pdf.body).split('\n').slice(2).filter(Boolean);
    expect(fonts.length).toBeGreaterThan(0);
    for (const font of fonts) expect(font).toMatch(/DejaVuSans\s+CID TrueType\s+Identity-H\s+yes/); // emb: yes
    const text = poppler('pdftotext', pdf.body);
    for (const words of [
      'Loss',
      'Accuracy',
      'Epoch',
      'VGG_08 against VGG_38',
      'VGG_08 seed 0',
      'VGG_38 BN+RC seed 0',
      'train',
      'validation',
    ])
      expect(text).toContain(words);
  });

  it('PNG: as many pixels across as dpi x inches', async () => {
    const width = async (query: string) => {
      const png = await get(`/runs/${runs[0].id}/figures/gradient-flow.png${query}`);
      expect([png.status, png.type]).toEqual([200, 'image/png']);
      expect(png.body.subarray(1, 4).toString()).toBe('PNG');
      return png.body.readUInt32BE(16); // IHDR width
    };
    expect(await width('')).toBe(975); // a column, 3.25 in at 300 dpi
    expect(await width('?width=page&dpi=200')).toBe(1350); // 6.75 in at 200 dpi
  });

  it('CSV: exactly the points plotted, and the statistic asked for', async () => {
    const csv = (await get(`/runs/${runs[0].id}/figures/learning-curves.csv`)).body.toString().trim().split('\n');
    const epochs = [0, 1, 2].map((e) => ({ ...epoch(runs[0].id, e), durationMs: 1000 }));
    const points = learningCurvePoints([{ label: runs[0].name, epochs }]);
    expect(csv[0]).toBe('run,epoch,split,metric,value');
    expect(csv.slice(1)).toEqual(points.map((p) => [p.run, p.epoch, p.split, p.metric, p.value].join(',')));
    const flow = (await get(`/runs/${runs[0].id}/figures/gradient-flow.csv?epoch=1`)).body
      .toString()
      .trim()
      .split('\n');
    expect(flow).toHaveLength(6); // a header and five layers, the zero kept
    expect(flow[0].split(',')).toEqual(expect.arrayContaining(['layer', 'value', 'zero']));
    const heatmap = (await get(`/runs/${runs[0].id}/figures/gradient-heatmap.csv?statistic=updateRatio`)).body
      .toString()
      .trim()
      .split('\n');
    expect(heatmap).toHaveLength(1 + 3 * 5);
  });

  it('TeX: pgfplots in a standalone document that pdflatex compiles on its own, for every figure, about its width', async () => {
    // Each route, words its compiled PDF must show, and the width asked (standalone adds a 2 pt border).
    const routes: [string, string, number][] = [
      [
        `/runs/${runs[0].id}/figures/learning-curves.tex?title=Figure%201%3A%20VGG_08%20%26%20more`,
        'Figure 1: VGG_08 & more',
        234,
      ],
      [`/runs/${runs[0].id}/figures/gradient-flow.tex`, 'mean |g|, last batch', 234], // |g| set as mathematics: the bars survive
      [`/runs/${runs[0].id}/figures/gradient-heatmap.tex?statistic=meanAbs`, 'Layer (network order)', 234],
      [
        `/figures/learning-curves.tex?runs=${runs.map((r) => r.id).join(',')}`,
        'VGG_08 seed 0 VGG_38 BN+RC seed 0',
        234,
      ],
      [`/figures/gradient-flow.tex?runs=${runs.map((r) => r.id).join(',')}&width=page`, 'Relative depth', 486],
    ];
    for (const [route, words, widthPt] of routes) {
      const tex = await get(route);
      expect([tex.status, tex.type]).toEqual([200, 'application/x-tex; charset=utf-8']);
      const text = tex.body.toString();
      expect(text).toContain('\\documentclass[border=2pt]{standalone}');
      expect(text).toContain('\\usepackage{pgfplots}');
      const dir = mkdtempSync(path.join(tmpdir(), 'gradlab-tex-'));
      writeFileSync(path.join(dir, 'figure.tex'), text);
      try {
        execFileSync('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', 'figure.tex'], {
          cwd: dir,
          stdio: 'pipe',
          timeout: 60_000,
        });
      } catch (error) {
        throw new Error(
          `${route} does not compile:\n${(error as { stdout?: Buffer }).stdout?.toString().slice(-1500)}`,
        );
      }
      expect(poppler('pdftotext', readFileSync(path.join(dir, 'figure.pdf'))).replace(/\s+/g, ' ')).toContain(words);
      const pageWidth = Number(
        /Page size:\s+([\d.]+)/.exec(execFileSync('pdfinfo', [path.join(dir, 'figure.pdf')]).toString())?.[1],
      );
      expect(pageWidth - 4).toBeGreaterThan(widthPt * 0.9);
      expect(pageWidth - 4).toBeLessThan(widthPt * 1.08);
    }
  }, 120_000);

  it("a run's data as the course framework writes it, and the runs table, as CSV", async () => {
    const summary = await get(`/runs/${runs[0].id}/files/summary.csv`);
    expect(summary.disposition).toBe('attachment; filename="vgg-08-seed-0_summary.csv"');
    expect(summary.body.toString().trim().split('\n')[0]).toBe('train_acc,train_loss,val_acc,val_loss');
    expect(
      summary.body
        .toString()
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(',').map(Number)),
    ).toEqual([0, 1, 2].map((e) => [0.01 + 0.1 * e, 4.6 - e, 0.01 + 0.08 * e, 4.7 - e]));
    expect((await get(`/runs/${runs[0].id}/files/test_summary.csv`)).status).toBe(409); // not completed: no test metrics yet
    expect((await get(`/runs/${runs[0].id}/files/epochs.csv`)).body.toString().split('\n')[0]).toBe(
      'epoch,train_loss,train_acc,val_loss,val_acc,learning_rate,duration_ms',
    );
    expect((await get(`/runs/${runs[0].id}/files/gradient_flow.csv`)).body.toString().trim().split('\n')).toHaveLength(
      1 + 3 * 5,
    );
    await fetch(`${api.url}/api/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.adminToken}` },
      body: JSON.stringify({ name: 'a name, with "quotes"', config: smallConfig }),
    });
    const table = (await get('/runs.csv')).body.toString().trim().split('\n');
    expect(table[0]).toMatch(/^id,name,architecture,block_type,/);
    expect(table).toHaveLength(4);
    expect(table[1]).toContain(',"a name, with ""quotes""",'); // quoted as CSV quotes
    expect((await get('/runs.csv?q=VGG_38')).body.toString().trim().split('\n')).toHaveLength(2); // the list's filters
    expect((await get('/runs.csv', outsider)).body.toString().trim().split('\n')).toHaveLength(1); // the header only
    expect((await get(`/runs/${runs[0].id}/files/summary.csv`, outsider)).status).toBe(404);
  });

  it('report pack: the reference runs and a trained run, every figure and file, results.tex compiling', async () => {
    const imports: RunDto[] = [];
    for (const folder of ['VGG_08', 'VGG_38']) {
      const dir = path.resolve(__dirname, '../../../../../shared/reference/course-runs', folder, 'result_outputs');
      const form = new FormData();
      form.append('folder', folder);
      for (const file of ['summary.csv', 'test_summary.csv'])
        form.append('files', new Blob([readFileSync(path.join(dir, file))]), file);
      imports.push(
        await (
          await fetch(`${api.url}/api/imports`, {
            method: 'POST',
            headers: { authorization: `Bearer ${api.adminToken}` },
            body: form,
          })
        ).json(),
      );
    }
    const ids = [...imports.map((r) => r.id), runs[0].id];
    const pack = await get(`/report-pack?runs=${ids.join(',')}`);
    expect([pack.status, pack.type]).toEqual([200, 'application/zip']);
    expect(pack.disposition).toBe('attachment; filename="report-pack_3-runs.zip"');
    const files = unzipSync(new Uint8Array(pack.body));
    const names = Object.keys(files).sort();
    const dir = (run: RunDto) => `${run.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${run.id.slice(0, 8)}`;
    const formats = ['csv', 'pdf', 'png', 'svg', 'tex'];
    const expected = [
      'README.txt',
      'results.tex',
      ...formats.map((f) => `compare/learning-curves.${f}`),
      ...imports.flatMap((r) => [
        `${dir(r)}/summary.csv`,
        `${dir(r)}/test_summary.csv`,
        ...formats.map((f) => `${dir(r)}/learning-curves.${f}`),
      ]),
      ...[
        `${dir(runs[0])}/summary.csv`,
        ...['learning-curves', 'gradient-flow', 'gradient-heatmap'].flatMap((fig) =>
          formats.map((f) => `${dir(runs[0])}/${fig}.${f}`),
        ),
      ],
    ].sort();
    expect(names).toEqual(expected);
    const testSummary = Buffer.from(files[`${dir(imports[1])}/test_summary.csv`])
      .toString()
      .trim()
      .split('\n');
    expect(testSummary[0]).toBe('test_acc,test_loss');
    expect(Number(testSummary[1].split(',')[0])).toBeCloseTo(0.01, 2); // VGG_38 at chance, as imported
    const readme = Buffer.from(files['README.txt']).toString();
    for (const name of ['results.tex', 'compare/learning-curves.{svg, pdf, png, csv, tex}'])
      expect(readme).toContain(name);
    const results = Buffer.from(files['results.tex']).toString();
    expect(results).toContain('VGG\\_08 (imported)');
    expect(results).toContain('50.0'); // VGG_08's test accuracy (0.4995), in percent
    // The pack's .tex files compile, each on its own, as in a report's build.
    const work = mkdtempSync(path.join(tmpdir(), 'gradlab-pack-'));
    for (const name of ['results.tex', 'compare/learning-curves.tex']) {
      const target = path.join(work, name.replace('/', '_'));
      writeFileSync(target, Buffer.from(files[name]));
      try {
        execFileSync('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', path.basename(target)], {
          cwd: work,
          stdio: 'pipe',
          timeout: 60_000,
        });
      } catch (error) {
        throw new Error(`${name} does not compile:\n${(error as { stdout?: Buffer }).stdout?.toString().slice(-1500)}`);
      }
    }
    expect(poppler('pdftotext', readFileSync(path.join(work, 'results.pdf')))).toContain('Test acc.');
    expect((await get(`/report-pack?runs=${ids.join(',')}`, outsider)).status).toBe(404);
  }, 120_000);

  it("answers another team's run, a bad figure or a bad query with 404 or 400, as for runs", async () => {
    expect((await get(`/runs/${runs[0].id}/figures/learning-curves.pdf`, outsider)).status).toBe(404);
    expect((await get(`/figures/learning-curves.pdf?runs=${runs[0].id}`, outsider)).status).toBe(404);
    expect((await get(`/runs/${runs[0].id}/figures/learning-curves.docx`)).status).toBe(404);
    expect((await get(`/runs/${runs[0].id}/figures/pie.svg`)).status).toBe(404);
    expect((await get(`/runs/${runs[0].id}/figures/learning-curves.png?dpi=5000`)).status).toBe(400);
    expect((await get('/figures/learning-curves.svg?runs=not-a-run')).status).toBe(400);
  });
});
