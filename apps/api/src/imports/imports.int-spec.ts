import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { EpochDto, RunDto } from '@gradlab/contracts';
import { migrateDatabase } from '../database/migrator';
import { createTestDatabase, testQueuePrefix } from '../test-support/test-database';
import { createStudent } from '../test-support/create-student';
import { startTestApi, type TestApi } from '../test-support/test-api';

const REFERENCE = path.resolve(__dirname, '../../../../../shared/reference/course-runs');

describe("imports of the course framework's result folders (real api and Postgres)", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: TestApi;
  const imported: Record<string, RunDto> = {};

  const upload = async (fields: Record<string, string>, files: Record<string, string>, key = api.adminToken) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    for (const [name, text] of Object.entries(files))
      form.append('files', new Blob([text], { type: 'text/csv' }), name);
    const response = await fetch(`${api.url}/api/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}` },
      body: form,
    });
    return { status: response.status, body: await response.json() };
  };
  const get = async <T>(route: string, key = api.adminToken) => {
    const response = await fetch(`${api.url}/api${route}`, { headers: { authorization: `Bearer ${key}` } });
    return { status: response.status, body: (await response.json().catch(() => null)) as T };
  };
  const runCount = async () => (await get<{ total: number }>('/runs')).body.total;

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateDatabase(db.url);
    api = await startTestApi({ DATABASE_URL: db.url, QUEUE_PREFIX: testQueuePrefix() });
  });
  afterAll(async () => {
    await api.app.close();
    await db.drop();
  });

  it('imports the reference runs as read-only runs, their network read from the folder name', async () => {
    for (const folder of ['VGG_08', 'VGG_38']) {
      const dir = path.join(REFERENCE, folder, 'result_outputs');
      const { status, body } = await upload(
        { folder },
        {
          'summary.csv': readFileSync(path.join(dir, 'summary.csv'), 'utf8'),
          'test_summary.csv': readFileSync(path.join(dir, 'test_summary.csv'), 'utf8'),
        },
      );
      expect(status).toBe(201);
      imported[folder] = body;
    }
    expect(imported.VGG_08).toMatchObject({
      name: 'VGG_08',
      kind: 'imported',
      status: 'completed',
      architecture: 'VGG_08',
      epochsCompleted: 101,
      testAccuracy: 0.49950000000000006,
      testLoss: 1.9105633,
    });
    expect(imported.VGG_08.config.model).toMatchObject({ numBlocksPerStage: 0, numFilters: 32, numStages: 3 });
    expect(imported.VGG_38).toMatchObject({ kind: 'imported', architecture: 'VGG_38', epochsCompleted: 100 });
    expect(imported.VGG_38.config.model.numBlocksPerStage).toBe(5);
    const epochs = (await get<EpochDto[]>(`/runs/${imported.VGG_08.id}/epochs`)).body;
    expect(epochs).toHaveLength(101);
    expect(epochs[1]).toMatchObject({ epoch: 1, trainAccuracy: 0.03562105263157895, trainLoss: 4.3888855 });
    expect(imported.VGG_08.bestValAccuracy).toBe(Math.max(...epochs.map((e) => e.valAccuracy)));
    // Beside gradlab's own runs: listed, filtered, drawn in Figure 1, never cancelled.
    const list = (await get<{ items: RunDto[] }>('/runs?architecture=VGG_38')).body.items;
    expect(list.map((r) => [r.id, r.kind])).toEqual([[imported.VGG_38.id, 'imported']]);
    const figure = await fetch(
      `${api.url}/api/figures/learning-curves.csv?runs=${imported.VGG_08.id},${imported.VGG_38.id}`,
      {
        headers: { authorization: `Bearer ${api.adminToken}` },
      },
    );
    expect((await figure.text()).trim().split('\n')).toHaveLength(1 + (101 + 100) * 4);
    // An imported run has learning curves only: its gradient flow is there, without layers (not a 404, which
    // the dashboard would log as an error); another team's run, or none, is still not found.
    expect((await get(`/runs/${imported.VGG_08.id}/gradient-flow`)).body).toEqual({
      runId: imported.VGG_08.id,
      epoch: 100,
      layers: [],
    });
    expect((await get(`/runs/${imported.VGG_08.id}/gradient-flow?epoch=101`)).status).toBe(404);
    expect((await get(`/runs/00000000-0000-4000-8000-000000000000/gradient-flow`)).status).toBe(404);
    expect(
      (
        await fetch(`${api.url}/api/runs/${imported.VGG_38.id}/cancel`, {
          method: 'POST',
          headers: { authorization: `Bearer ${api.adminToken}` },
        })
      ).status,
    ).toBe(409);
  });

  it('answers a malformed summary.csv with 400 naming the file, line and column, and stores nothing', async () => {
    const before = await runCount();
    const missing = await upload({ folder: 'VGG_08' }, { 'summary.csv': 'train_acc,train_loss,val_acc\n0.1,4,0.1\n' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([
      { field: 'summary.csv:1', message: expect.stringContaining('lacks val_loss') },
    ]);
    const notANumber = await upload(
      { folder: 'VGG_08' },
      {
        'summary.csv': 'train_acc,train_loss,val_acc,val_loss\n0.1,4,0.1,4\n0.2,4,oops,4\n',
        'test_summary.csv': 'test_acc,test_loss\n0.5,2\n',
      },
    );
    expect([notANumber.status, notANumber.body.errors]).toEqual([
      400,
      [{ field: 'summary.csv:3:val_acc', message: '"oops" is not a number' }],
    ]);
    expect((await upload({}, {})).body.errors).toEqual([{ field: 'summary.csv', message: 'is required' }]);
    expect((await upload({}, { 'notes.txt': 'x' })).status).toBe(400);
    expect(await runCount()).toBe(before);
  });

  it("keeps an imported run in its team: another team's import is 404", async () => {
    const outsider = (await createStudent(api, 'team-x', 'x@uni.test')).key;
    expect((await get(`/runs/${imported.VGG_08.id}`, outsider)).status).toBe(404);
    expect((await get(`/runs/${imported.VGG_08.id}/files/summary.csv`, outsider)).status).toBe(404);
  });
});
