import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { diagnose, type LayerStats } from '@gradlab/analysis';
import { DATASET_CLASSES, type DiagnosisDto, type ExperimentConfig, type LayerKind } from '@gradlab/contracts';
import { PrismaService } from '../prisma/prisma.service';
import { LiveEventsPublisher } from '../live-events/live-events.publisher';
import { toEpochDto } from './run.mapper';
import { RunRepository } from './run.repository';
import { storedConfig } from '../common/stored-config';

type LayerRow = {
  epoch: number;
  shortName: string;
  kind: LayerKind;
  meanAbs: number | null;
  updateRatio: number | null;
  nonFiniteCount: number;
};

/**
 * A run's diagnosis (libs/analysis) from its stored epochs and gradient statistics. Recomputed after every
 * stored epoch, off the epoch's own path: the result is kept on the run (for the staff cohort view) and sent
 * to the run's room as `run.diagnosis`.
 */
@Injectable()
export class DiagnosisService implements OnModuleDestroy {
  private readonly logger = new Logger(DiagnosisService.name);
  /** Runs being diagnosed now, and whether another epoch arrived meanwhile (then once more, not once each). */
  private readonly inFlight = new Map<string, boolean>();
  /** Diagnoses under way: shutting down waits for them, so none writes or emits after the connections close. */
  private readonly running = new Set<Promise<unknown>>();
  private stopping = false;

  constructor(
    private readonly prisma: PrismaService,
    private readonly runs: RunRepository,
    private readonly live: LiveEventsPublisher,
  ) {}

  /** The run's diagnosis now. The caller has checked that the run is the caller's team's. */
  async diagnose(runId: string, config: ExperimentConfig): Promise<DiagnosisDto> {
    // Only the layer rows the findings read: the first epoch, the last two, and any with non-finite
    // gradients; batch norm's scales are not compared. A 100-epoch VGG_38 is then ~120 rows, not 7,700.
    const [epochs, layers] = await Promise.all([
      this.prisma.epoch.findMany({ where: { runId }, orderBy: { index: 'asc' } }),
      this.prisma.$queryRaw<LayerRow[]>`
        WITH stored AS (SELECT DISTINCT epoch FROM "LayerGradient" WHERE "runId" = ${runId}::uuid),
             wanted AS (SELECT min(epoch) AS epoch FROM stored UNION (SELECT epoch FROM stored ORDER BY epoch DESC LIMIT 2))
        SELECT l.epoch, l."shortName", l.kind, l."meanAbs", l."updateRatio", l."nonFiniteCount"
        FROM "LayerGradient" l
        WHERE l."runId" = ${runId}::uuid AND l.kind <> 'batchnorm'
          AND (l.epoch IN (SELECT epoch FROM wanted) OR l."nonFiniteCount" > 0)
        ORDER BY l.epoch, l."layerIndex"`,
    ]);
    const byEpoch = new Map<number, LayerStats[]>();
    for (const row of layers) {
      const rows = byEpoch.get(row.epoch) ?? [];
      rows.push(row);
      byEpoch.set(row.epoch, rows);
    }
    const findings = diagnose({
      numClasses: DATASET_CLASSES[config.data.dataset],
      epochs: epochs.map(toEpochDto),
      gradientFlow: [...byEpoch.entries()].map(([epoch, rows]) => ({ epoch, layers: rows })),
    });
    return { runId, epochsSeen: epochs.length, findings };
  }

  /** Diagnoses the run, keeps the findings' codes on it and tells its room; never throws (logged instead). */
  refresh(runId: string): Promise<DiagnosisDto | null> {
    if (this.stopping) return Promise.resolve(null);
    const work = this.refreshNow(runId);
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
    return work;
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.running]);
  }

  private async refreshNow(runId: string): Promise<DiagnosisDto | null> {
    if (this.inFlight.has(runId)) {
      this.inFlight.set(runId, true);
      return null;
    }
    this.inFlight.set(runId, false);
    try {
      let diagnosis: DiagnosisDto | null = null;
      do {
        this.inFlight.set(runId, false);
        const run = await this.prisma.run.findUnique({ where: { id: runId }, select: { config: true } });
        if (!run) return null;
        diagnosis = await this.diagnose(runId, storedConfig(run));
        await this.runs.recordFindings(
          runId,
          diagnosis.findings.map(({ code, severity }) => ({ code, severity })),
        );
        this.live.emit(runId, 'run.diagnosis', diagnosis);
      } while (this.inFlight.get(runId));
      return diagnosis;
    } catch (error) {
      this.logger.warn(`could not diagnose run ${runId}: ${(error as Error).message}`);
      return null;
    } finally {
      this.inFlight.delete(runId);
    }
  }
}
