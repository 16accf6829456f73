import { Injectable, Logger } from '@nestjs/common';
import { cellKey, poolOfBackend, type GridCell } from '@gradlab/contracts';
import type {
  EpochCompletedEvent,
  RunCancelledEvent,
  RunCompletedEvent,
  RunEvent,
  RunFailedEvent,
  RunProgressEvent,
  RunStartedEvent,
  WorkerHeartbeatEvent,
  LiveOnlyEvent,
} from '@gradlab/contracts';
import { addEpochToGroupStatistics } from '../groups/group-layer-statistics';
import { PrismaService } from '../prisma/prisma.service';
import { WorkersService } from '../workers/workers.service';
import { DiagnosisService } from '../runs/diagnosis.service';
import { LiveEventsPublisher } from '../live-events/live-events.publisher';
import { toRunDto } from '../runs/run.mapper';
import { DispatcherService } from '../scheduling/dispatcher.service';

/** A run.completed came before all of the run's epochs were stored: it waits for them. */
export class EpochsPendingError extends Error {}

/**
 * How long a run.completed waits for missing epochs while Postgres is up. Epoch events delayed by an outage
 * arrive within a minute of its end; an epoch still missing after this was lost, and the run completes
 * without it (said in the log) rather than never.
 */
const EPOCHS_WAIT_MAX_MS = 10 * 60_000;

/**
 * Persists what workers report and relays it to the run's socket.io room. Every write is idempotent, so a
 * repeated delivery or a retried job changes nothing twice; a finished run is never reopened.
 */
@Injectable()
export class RunEventsService {
  private readonly logger = new Logger(RunEventsService.name);
  /** Runs whose run.completed is waiting for epochs, and since when. */
  private readonly waitingForEpochs = new Map<string, number>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly live: LiveEventsPublisher,
    private readonly workers: WorkersService,
    private readonly diagnosis: DiagnosisService,
    private readonly dispatcher: DispatcherService,
  ) {}

  async handle(event: RunEvent): Promise<void> {
    switch (event.type) {
      case 'run.started':
        return this.started(event);
      case 'epoch.completed':
        return void (await this.epochCompleted(event));
      // From the queue only from a worker older than pub/sub for these (WorkerLiveEventsListener).
      case 'run.progress':
      case 'worker.heartbeat':
        return this.handleLive(event);
      case 'run.completed':
        await this.completed(event);
        return this.dispatcher.kick(); // its worker is free: the next run now, not at the next tick
      case 'run.failed':
        await this.failed(event);
        return this.dispatcher.kick();
      case 'run.cancelled':
        await this.cancelled(event);
        return this.dispatcher.kick();
    }
  }

  /**
   * Progress and heartbeats, which every api instance receives over Redis pub/sub: each tells its own
   * clients. Every instance records the heartbeat too; the writes are the same and idempotent.
   */
  async handleLive(event: LiveOnlyEvent): Promise<void> {
    if (event.type === 'run.progress') return this.progress(event);
    return this.heartbeat(event);
  }

  private async started(e: RunStartedEvent): Promise<void> {
    await this.prisma.run.updateMany({ where: { id: e.runId, status: 'queued' }, data: { startedAt: new Date(e.at) } });
    await this.prisma.run.updateMany({
      where: { id: e.runId, status: { in: ['queued', 'running'] } },
      data: {
        status: 'running',
        backend: e.backend,
        device: e.device ?? null,
        workerId: e.workerId,
        workerHost: e.host,
        error: null,
      },
    });
    await this.broadcastRun(e.runId);
  }

  /**
   * Writes the epoch and its layer rows in one transaction; returns false when it was already stored. Plain
   * SQL, the layer rows in one statement: through Prisma's query builder the 77 rows of a VGG_38 epoch took
   * about 60% of the api's CPU while 30 workers reported (bench:load, bench/README.md).
   */
  async epochCompleted(e: EpochCompletedEvent): Promise<boolean> {
    const stored = await this.prisma.$transaction(async (tx) => {
      const [run] = await tx.$queryRaw<{ groupId: string | null; cell: unknown }[]>`
        SELECT "groupId", "cell" FROM "Run" WHERE "id" = ${e.runId}::uuid`;
      if (!run) return false;
      // ON CONFLICT DO NOTHING: a concurrent duplicate waits for this row, then inserts nothing.
      const count = await tx.$executeRaw`
        INSERT INTO "Epoch" ("runId", "index", "trainLoss", "trainAccuracy", "valLoss", "valAccuracy", "learningRate", "durationMs")
        VALUES (${e.runId}::uuid, ${e.epoch}, ${e.trainLoss}, ${e.trainAccuracy}, ${e.valLoss}, ${e.valAccuracy},
                ${e.learningRate}, ${Math.round(e.durationMs)})
        ON CONFLICT DO NOTHING`;
      if (count === 0) return false;
      if (e.layers.length > 0) {
        const column = <K extends keyof (typeof e.layers)[number]>(key: K) => e.layers.map((l) => l[key] ?? null);
        await tx.$executeRaw`
          INSERT INTO "LayerGradient" ("runId", "epoch", "layerIndex", "name", "shortName", "kind", "meanAbs",
            "lastBatchMeanAbs", "l2", "maxAbs", "nonFiniteCount", "weightL2", "updateRatio")
          SELECT ${e.runId}::uuid, ${e.epoch}, * FROM unnest(
            ${column('layerIndex')}::int[], ${column('name')}::text[], ${column('shortName')}::text[],
            ${column('kind')}::text[], ${column('meanAbs')}::float8[], ${column('lastBatchMeanAbs')}::float8[],
            ${column('l2')}::float8[], ${column('maxAbs')}::float8[], ${column('nonFiniteCount')}::int[],
            ${column('weightL2')}::float8[], ${column('updateRatio')}::float8[])`;
      }
      // A group's running statistics take the epoch in the same transaction: counted once, with it.
      if (run.groupId && e.layers.length > 0)
        await addEpochToGroupStatistics(
          tx,
          { groupId: run.groupId, cell: cellKey((run.cell ?? {}) as GridCell) },
          e.epoch,
          e.layers,
        );
      await tx.$executeRaw`
        UPDATE "Run" SET
          -- this transaction added the epoch; + 1 under the run's row lock stays exact when several are stored
          -- at once (a recount's snapshot would miss an epoch committed meanwhile)
          "epochsCompleted" = "epochsCompleted" + 1,
          "bestEpoch" = CASE WHEN "bestValAccuracy" IS NULL OR ${e.valAccuracy} > "bestValAccuracy" THEN ${e.epoch} ELSE "bestEpoch" END,
          "bestValAccuracy" = GREATEST(COALESCE("bestValAccuracy", ${e.valAccuracy}), ${e.valAccuracy}),
          "updatedAt" = now()
        WHERE "id" = ${e.runId}::uuid`;
      return true;
    });
    if (stored) {
      const { runId, epoch, trainLoss, trainAccuracy, valLoss, valAccuracy, learningRate, durationMs, layers } = e;
      this.live.emit(runId, 'epoch.completed', {
        runId,
        epoch: {
          epoch,
          trainLoss,
          trainAccuracy,
          valLoss,
          valAccuracy,
          learningRate,
          durationMs: Math.round(durationMs),
        },
        layers: layers.map((l) => ({ ...l, updateRatio: l.updateRatio ?? null })),
      });
      await this.broadcastRun(runId);
      // Off the event's path: storing an epoch does not wait for its diagnosis.
      void this.diagnosis.refresh(runId);
    }
    return stored;
  }

  private async progress(e: RunProgressEvent): Promise<void> {
    this.live.emitHere(e.runId, 'run.progress', {
      runId: e.runId,
      epoch: e.epoch,
      batch: e.batch,
      batchesPerEpoch: e.batchesPerEpoch,
      epochElapsedMs: e.epochElapsedMs,
      ...(e.preparing ? { preparing: e.preparing } : {}),
    });
  }

  /** Only once every epoch is stored: a run.completed never overtakes its epochs. */
  private async completed(e: RunCompletedEvent): Promise<void> {
    const run = await this.prisma.run.findUnique({
      where: { id: e.runId },
      select: { epochsCompleted: true, totalEpochs: true, status: true },
    });
    if (run && (run.status === 'queued' || run.status === 'running') && run.epochsCompleted < run.totalEpochs) {
      const since = this.waitingForEpochs.get(e.runId) ?? Date.now();
      this.waitingForEpochs.set(e.runId, since);
      if (Date.now() - since < EPOCHS_WAIT_MAX_MS)
        throw new EpochsPendingError(`run ${e.runId} has ${run.epochsCompleted} of ${run.totalEpochs} epochs stored`);
      this.logger.warn(
        `run ${e.runId} completed with ${run.epochsCompleted} of ${run.totalEpochs} epochs stored: the others never arrived`,
      );
    }
    this.waitingForEpochs.delete(e.runId);
    await this.prisma.run.updateMany({
      where: { id: e.runId, status: { in: ['queued', 'running'] } },
      data: {
        status: 'completed',
        finishedAt: new Date(e.at),
        testLoss: e.testLoss,
        testAccuracy: e.testAccuracy,
        bestEpoch: e.bestEpoch,
      },
    });
    await this.broadcastRun(e.runId);
  }

  private async failed(e: RunFailedEvent): Promise<void> {
    await this.prisma.run.updateMany({
      where: { id: e.runId, status: { in: ['queued', 'running'] } },
      data: { status: 'failed', finishedAt: new Date(e.at), error: e.error },
    });
    await this.broadcastRun(e.runId);
  }

  private async cancelled(e: RunCancelledEvent): Promise<void> {
    await this.prisma.run.updateMany({
      where: { id: e.runId, status: { in: ['queued', 'running'] } },
      data: { status: 'cancelled', finishedAt: new Date(e.at) },
    });
    await this.broadcastRun(e.runId);
  }

  private async heartbeat(e: WorkerHeartbeatEvent): Promise<void> {
    const data = {
      host: e.host,
      backend: e.backend,
      device: e.device ?? null,
      currentRunId: e.runId,
      waitingForApiSince: e.waitingForApiSince ? new Date(e.waitingForApiSince) : null,
      lastHeartbeatAt: new Date(e.at),
      pool: e.pool ?? poolOfBackend(e.backend),
      memoryBytes: e.memoryBytes ?? null,
      speed: e.speed ?? null,
    };
    await this.prisma.worker.upsert({ where: { id: e.workerId }, create: { id: e.workerId, ...data }, update: data });
    this.live.emitWorkersHere(await this.workers.snapshot());
  }

  private async broadcastRun(runId: string): Promise<void> {
    const run = await this.prisma.run.findUnique({ where: { id: runId } });
    if (run) this.live.emit(runId, 'run.updated', toRunDto(run));
  }
}
