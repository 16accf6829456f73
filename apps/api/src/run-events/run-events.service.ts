import { Inject, Injectable, Logger } from '@nestjs/common';
import { poolOfBackend } from '@gradlab/contracts';
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
import { EventsPrismaService, PrismaService } from '../prisma/prisma.service';
import { WorkersService } from '../workers/workers.service';
import { DiagnosisService } from '../runs/diagnosis.service';
import { LiveEventsPublisher } from '../live-events/live-events.publisher';
import { toRunDto } from '../runs/run.mapper';
import { RunRepository } from '../runs/run.repository';
import { DispatcherService } from '../scheduling/dispatcher.service';

/** The RunRepository over the run events' own connections (EventsPrismaService). */
export const EVENTS_RUN_REPOSITORY = Symbol('RunRepository for run events');

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
    // every read and write of an event on the events' own connections, behind no dashboard read
    @Inject(EventsPrismaService) private readonly prisma: PrismaService,
    @Inject(EVENTS_RUN_REPOSITORY) private readonly runs: RunRepository,
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
    await this.runs.markStarted(e.runId, new Date(e.at), {
      backend: e.backend,
      device: e.device ?? null,
      workerId: e.workerId,
      host: e.host,
    });
    await this.broadcastRun(e.runId);
  }

  /** Stores the epoch (RunRepository.recordEpoch) and tells its watchers; false when it was already stored. */
  async epochCompleted(e: EpochCompletedEvent): Promise<boolean> {
    const stored = await this.runs.recordEpoch(e);
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
    const run = await this.runs.progress(e.runId);
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
    await this.runs.complete(e.runId, new Date(e.at), {
      testLoss: e.testLoss,
      testAccuracy: e.testAccuracy,
      bestEpoch: e.bestEpoch,
    });
    await this.broadcastRun(e.runId);
  }

  private async failed(e: RunFailedEvent): Promise<void> {
    await this.runs.fail(e.runId, new Date(e.at), e.error);
    await this.broadcastRun(e.runId);
  }

  private async cancelled(e: RunCancelledEvent): Promise<void> {
    await this.runs.markCancelled(e.runId, new Date(e.at));
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
