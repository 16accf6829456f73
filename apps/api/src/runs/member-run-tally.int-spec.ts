import { ExperimentConfigSchema, RUN_STATUSES, type RunStatus } from '@gradlab/contracts';
import { AppConfig } from '../config/app-config';
import { migrateDatabase } from '../database/migrator';
import { PrismaService } from '../prisma/prisma.service';
import { epochCompletedEvent } from '../test-support/run-event-builders';
import { createTestDatabase } from '../test-support/test-database';
import { RunRepository } from './run.repository';

/** The team the migration creates. */
const DEFAULT_TEAM_ID = '00000000-0000-4000-8000-000000000001';
const PLACEMENT = { requiredPool: null, minSpeed: null, prefersGpu: false };

/** What a member's tally must hold, counted afresh from their runs in JavaScript: the test's own recount. */
function recount(
  runs: {
    status: RunStatus;
    kind: string;
    findings: unknown;
    epochsCompleted: number;
    startedAt: Date | null;
    finishedAt: Date | null;
    createdAt: Date;
  }[],
) {
  const byFinding: Record<string, number> = {};
  for (const run of runs) {
    const codes = new Set(Array.isArray(run.findings) ? run.findings.map((f: { code: string }) => f.code) : []);
    for (const code of codes) byFinding[code] = (byFinding[code] ?? 0) + 1;
  }
  return {
    total: runs.length,
    byStatus: Object.fromEntries(
      RUN_STATUSES.map((s): [string, number] => [s, runs.filter((r) => r.status === s).length]).filter(([, n]) => n),
    ),
    byFinding,
    healthyRuns: runs.filter((r) => Array.isArray(r.findings) && r.findings.length === 0 && r.epochsCompleted > 0)
      .length,
    settledWorkerMs: runs
      .filter((r) => r.kind === 'trained' && r.startedAt && r.status !== 'running')
      .reduce((ms, r) => {
        const started = r.startedAt?.getTime() ?? 0;
        return ms + ((r.finishedAt?.getTime() ?? started) - started);
      }, 0),
    lastRunAt: runs.length ? new Date(Math.max(...runs.map((r) => r.createdAt.getTime()))) : null,
  };
}

describe("a member's run tally (the cohort page's counts), kept by RunRepository (real Postgres)", () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let prisma: PrismaService;
  let runs: RunRepository;

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateDatabase(db.url);
    prisma = new PrismaService(new AppConfig({ DATABASE_URL: db.url }));
    runs = new RunRepository(prisma);
  });
  afterAll(async () => {
    await prisma.$disconnect();
    await db.drop();
  });

  async function expectTalliesToMatchRecount(userIds: string[]) {
    for (const userId of userIds) {
      const tally = await prisma.memberRunTally.findUnique({
        where: { teamId_userId: { teamId: DEFAULT_TEAM_ID, userId } },
      });
      const theirs = await prisma.run.findMany({ where: { createdById: userId, teamId: DEFAULT_TEAM_ID } });
      const expected = recount(theirs);
      if (expected.total === 0) {
        expect(tally).toBeNull();
        continue;
      }
      if (!tally) throw new Error(`member ${userId} has runs but no tally`);
      expect({ ...tally, settledWorkerMs: Math.round(tally.settledWorkerMs) }).toEqual({
        teamId: DEFAULT_TEAM_ID,
        userId,
        ...expected,
      });
    }
  }

  it('equals a recount of the runs after every kind of write, many at once on the same members', async () => {
    const students = await Promise.all(
      ['tally-a@uni.test', 'tally-b@uni.test'].map((email) =>
        prisma.user.create({ data: { email, role: 'student', teamId: DEFAULT_TEAM_ID } }),
      ),
    );
    const config = ExperimentConfigSchema.parse({ training: { epochs: 3 } });
    // 24 runs submitted at once, 12 a member
    const created = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        runs.createQueued(
          prisma,
          { teamId: DEFAULT_TEAM_ID, userId: students[i % 2].id },
          `tally run ${i}`,
          config,
          PLACEMENT,
        ),
      ),
    );
    await expectTalliesToMatchRecount(students.map((s) => s.id));
    const queued = await prisma.memberRunTally.findMany({ where: { userId: { in: students.map((s) => s.id) } } });
    expect(queued.map((t) => t.byStatus)).toEqual([{ queued: 12 }, { queued: 12 }]);

    // Then each run its own life, all at the same time: started by a worker, epochs, a diagnosis, and an end
    // (completed, failed, cancelled, still running or cancelled while queued), or deleted (a submission undone).
    const worker = { backend: 'wasm', device: null, workerId: 'w-tally', host: 'h' };
    const t0 = Date.UTC(2026, 11, 7, 12);
    await Promise.all(
      created.map(async (run, i) => {
        const at = (minutes: number) => new Date(t0 + i * 60_000 + minutes * 60_000);
        switch (i % 6) {
          case 0:
            return runs.delete(run.id);
          case 1:
            return runs.markCancelled(run.id, at(0));
        }
        await runs.markStarted(run.id, at(0), worker);
        await runs.recordEpoch(epochCompletedEvent(run.id, 0));
        await runs.recordFindings(run.id, i % 4 === 0 ? [] : [{ code: 'vanishing_gradients', severity: 'critical' }]);
        await runs.recordFindings(
          run.id,
          i % 3 === 0
            ? []
            : [
                { code: 'stuck_at_chance', severity: 'critical' },
                { code: 'stuck_at_chance', severity: 'critical' },
              ],
        );
        if (i % 6 === 2) return runs.complete(run.id, at(7), { testLoss: 1, testAccuracy: 0.5, bestEpoch: 0 });
        if (i % 6 === 3) return runs.fail(run.id, at(3), 'out of memory');
        if (i % 6 === 4) return runs.markCancelled(run.id, at(5));
        // i % 6 === 5: still running
      }),
    );
    await expectTalliesToMatchRecount(students.map((s) => s.id));
    const [a] = await prisma.memberRunTally.findMany({ where: { userId: students[0].id } });
    // member a has the even runs: 4 deleted (i % 6 = 0), 4 completed after 7 minutes (2), 4 cancelled after 5 (4)
    expect(a.total).toBe(8);
    expect(a.byStatus).toEqual({ completed: 4, cancelled: 4 });
    expect(a.settledWorkerMs).toBe(4 * 7 * 60_000 + 4 * 5 * 60_000);
  });

  it('is recounted by each write alone: no write leaves it to a later one', async () => {
    const student = await prisma.user.create({
      data: { email: 'tally-each@uni.test', role: 'student', teamId: DEFAULT_TEAM_ID },
    });
    const config = ExperimentConfigSchema.parse({ training: { epochs: 3 } });
    const principal = { teamId: DEFAULT_TEAM_ID, userId: student.id };
    const worker = { backend: 'wasm', device: null, workerId: 'w-each', host: 'h' };
    const at = (minutes: number) => new Date(Date.UTC(2026, 11, 7, 13, minutes));
    const [one, two, three] = [
      await runs.createQueued(prisma, principal, 'one', config, PLACEMENT),
      await runs.createQueued(prisma, principal, 'two', config, PLACEMENT),
      await runs.createQueued(prisma, principal, 'three', config, PLACEMENT),
    ];
    const steps: [string, () => Promise<unknown>][] = [
      ['markStarted', () => runs.markStarted(one.id, at(0), worker)],
      // no finding yet no epoch: not yet healthy, so the tally stays as it was
      ['recordFindings before an epoch', () => runs.recordFindings(one.id, [])],
      ['recordEpoch, the first: now healthy', () => runs.recordEpoch(epochCompletedEvent(one.id, 0))],
      ['recordFindings', () => runs.recordFindings(one.id, [{ code: 'dead_layers', severity: 'warning' }])],
      ['complete', () => runs.complete(one.id, at(9), { testLoss: 1, testAccuracy: 0.5, bestEpoch: 0 })],
      ['markStarted', () => runs.markStarted(two.id, at(10), worker)],
      ['fail', () => runs.fail(two.id, at(12), 'out of memory')],
      ['markCancelled', () => runs.markCancelled(three.id, at(13))],
      ['delete', () => runs.delete(three.id)],
    ];
    let before = await prisma.memberRunTally.findFirstOrThrow({ where: { userId: student.id } });
    for (const [write, step] of steps) {
      await step();
      const after = await prisma.memberRunTally.findFirstOrThrow({ where: { userId: student.id } });
      if (write !== 'recordFindings before an epoch') expect([write, after]).not.toEqual([write, before]);
      await expectTalliesToMatchRecount([student.id]);
      before = after;
    }
  });

  it('takes an imported run in its import transaction, and forgets a member with no runs left', async () => {
    const student = await prisma.user.create({
      data: { email: 'tally-import@uni.test', role: 'student', teamId: DEFAULT_TEAM_ID },
    });
    const config = ExperimentConfigSchema.parse({});
    const imported = await prisma.$transaction((tx) =>
      runs.createImported(
        tx,
        { teamId: DEFAULT_TEAM_ID, userId: student.id },
        {
          name: 'imported',
          config,
          architecture: 'VGG_08',
          epochs: 3,
          bestEpoch: 2,
          bestValAccuracy: 0.4,
          testAccuracy: 0.4,
          testLoss: 2,
        },
      ),
    );
    await expectTalliesToMatchRecount([student.id]);
    await runs.delete(imported.id);
    expect(await prisma.memberRunTally.count({ where: { userId: student.id } })).toBe(0);
  });
});
