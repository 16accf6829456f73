import { Injectable } from '@nestjs/common';
import { aggregateEpochs, aggregateTest } from '@gradlab/analysis';
import {
  cellKey,
  LOG_GRADIENT_STATISTICS,
  type AggregateDto,
  type AggregateGradientFlow,
  type AggregateLayerDto,
  type ExperimentConfig,
  type GridCell,
  type LogStatDto,
  type StatDto,
} from '@gradlab/contracts';
import { DomainError } from '../common/domain-error';
import { isUuid } from '../common/is-uuid';
import type { Principal } from '../auth/principal';
import { PrismaService } from '../prisma/prisma.service';
import { toEpochDto } from '../runs/run.mapper';
import { readCellStatistics } from './group-layer-statistics';
import { GroupsService } from './groups.service';
import { storedConfig } from '../common/stored-config';

const MAX_RUNS = 200;
/** Group cells whose aggregates are kept in memory (about 1 MB each for 24 runs of 20 epochs): the latest read. */
const KEPT_AGGREGATES = 8;

/**
 * Chosen runs' layer statistics, per (epoch, layer), computed by Postgres where the rows lie (a group cell's
 * are kept as running statistics instead: group-layer-statistics.ts). The definitions are libs/analysis's
 * summarize (sample std, null under two values) and summarizeLog (log10 of the positive values, zeros
 * counted apart); groups.int-spec checks both paths against those functions and numbers worked by hand.
 */
const logColumns = (s: string) =>
  `avg(log("${s}")) FILTER (WHERE "${s}" > 0) AS "${s}_logMean", stddev_samp(log("${s}")) FILTER (WHERE "${s}" > 0) AS "${s}_logStd",
   min("${s}") FILTER (WHERE "${s}" > 0) AS "${s}_min", max("${s}") FILTER (WHERE "${s}" > 0) AS "${s}_max",
   count(*) FILTER (WHERE "${s}" > 0) AS "${s}_n", count(*) FILTER (WHERE "${s}" = 0) AS "${s}_zeros"`;
const linearColumns = (s: string) =>
  `avg("${s}") AS "${s}_mean", stddev_samp("${s}") AS "${s}_std", min("${s}") AS "${s}_min", max("${s}") AS "${s}_max", count("${s}") AS "${s}_n"`;
const LAYER_STATISTICS_SQL = `
  SELECT epoch, "layerIndex", count(*) AS n, ${LOG_GRADIENT_STATISTICS.map(logColumns).join(', ')}, ${linearColumns('weightL2')}, ${linearColumns('nonFiniteCount')}
  FROM "LayerGradient" WHERE "runId" = ANY($1::uuid[])
  GROUP BY epoch, "layerIndex" ORDER BY epoch, "layerIndex"`;
/** Enough memory for the sort of 150,000 narrow rows not to spill to disk (it halves the query's time). */
const AGGREGATE_WORK_MEM = '64MB';

type LayerStatsRow = { epoch: number; layerIndex: number; n: bigint } & Record<string, number | bigint | null>;
const num = (v: number | bigint | null | undefined) => (v === null || v === undefined ? null : Number(v));

function toLayerDto(
  row: LayerStatsRow,
  names: Map<number, { name: string; shortName: string; kind: string }>,
): AggregateLayerDto {
  const log = (s: string): LogStatDto => {
    const mean = num(row[`${s}_logMean`]);
    return {
      geometricMean: mean === null ? null : 10 ** mean,
      log10Std: num(row[`${s}_logStd`]),
      min: num(row[`${s}_min`]),
      max: num(row[`${s}_max`]),
      n: Number(row[`${s}_n`]),
      zeros: Number(row[`${s}_zeros`]),
    };
  };
  const linear = (s: string): StatDto => ({
    mean: num(row[`${s}_mean`]),
    std: num(row[`${s}_std`]),
    min: num(row[`${s}_min`]),
    max: num(row[`${s}_max`]),
    n: Number(row[`${s}_n`]),
  });
  const label = names.get(row.layerIndex) ?? {
    name: `layer ${row.layerIndex}`,
    shortName: `layer ${row.layerIndex}`,
    kind: 'conv',
  };
  return {
    layerIndex: row.layerIndex,
    ...label,
    n: Number(row.n),
    ...(Object.fromEntries(LOG_GRADIENT_STATISTICS.map((s) => [s, log(s)])) as Pick<
      AggregateLayerDto,
      (typeof LOG_GRADIENT_STATISTICS)[number]
    >),
    weightL2: linear('weightL2'),
    nonFiniteCount: linear('nonFiniteCount'),
  };
}

/** Dotted paths where two configs differ. */
function differences(a: unknown, b: unknown, path = ''): string[] {
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((key) =>
      differences(
        (a as Record<string, unknown>)[key],
        (b as Record<string, unknown>)[key],
        path ? `${path}.${key}` : key,
      ),
    );
  }
  return a === b ? [] : [path];
}
const withoutSeed = (config: ExperimentConfig) => ({ ...config, training: { ...config.training, seed: 0 } });

/** The aggregate with the epochs' layer statistics asked for; `latest` is the last epoch every run reached. */
function withGradientFlow(aggregate: AggregateDto, which: AggregateGradientFlow): AggregateDto {
  if (which === 'all') return aggregate;
  const latest = aggregate.gradientFlow
    .filter((f) => f.layers.length > 0 && f.layers.every((l) => l.n === aggregate.runs.length))
    .at(-1);
  return { ...aggregate, gradientFlow: which === 'latest' && latest ? [latest] : [] };
}

/**
 * Mean, std, min, max and n across runs of one config (up to seed), per epoch, per layer and epoch, and of
 * the final test metrics: epochs and test metrics by libs/analysis, the layers' statistics by Postgres.
 * Aggregates are of runs of one config up to the seed: a group's cell, or chosen runs checked to be such.
 */
@Injectable()
export class AggregatesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly groups: GroupsService,
  ) {}

  /**
   * Group cells' aggregates as last read, by what they are made of. A cell's epochs, running statistics and
   * test metrics change only as its runs store an epoch (counted on the run in the epoch's transaction) or
   * complete, so its runs' epochs and completed runs, both only ever growing and read before the aggregate,
   * name it: one read after a later change is kept under counts no reader asks for again. A finished group's
   * aggregate, read again and again as a report is written, then skips its 1,540 statistics rows and the runs'
   * epochs (24 runs, 20 epochs, 77 layers: 26 ms and 4 ms of the aggregate's 53 here, bench:load's Scale phase).
   * Its readers (the route, GraphQL, the figures) build from it and never change it.
   */
  private readonly keptAggregates = new Map<string, AggregateDto>();

  private async keptAggregate(key: string, read: () => Promise<AggregateDto>): Promise<AggregateDto> {
    const kept = this.keptAggregates.get(key);
    if (kept) {
      // most recently read last: the first key is the one to drop
      this.keptAggregates.delete(key);
      this.keptAggregates.set(key, kept);
      return kept;
    }
    const aggregate = await read();
    const oldest = this.keptAggregates.keys().next();
    if (this.keptAggregates.size >= KEPT_AGGREGATES && !oldest.done) this.keptAggregates.delete(oldest.value);
    this.keptAggregates.set(key, aggregate);
    return aggregate;
  }

  /**
   * A group's runs, or one cell of its grid (`cell` as GET /api/groups/:id lists them), with every epoch's
   * layer statistics or only the latest epoch's (`gradientFlow`).
   */
  async ofGroup(
    principal: Principal,
    id: string,
    cell: string | undefined,
    gradientFlow: AggregateGradientFlow = 'all',
  ): Promise<AggregateDto> {
    await this.groups.findGroup(principal, id);
    const runs = await this.prisma.run.findMany({
      where: { groupId: id },
      select: { id: true, cell: true, epochsCompleted: true, status: true },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    const keys = [...new Set(runs.map((r) => cellKey((r.cell ?? {}) as GridCell)))];
    const wanted = cell ?? (keys.length === 1 ? keys[0] : undefined);
    if (wanted === undefined || !keys.includes(wanted)) {
      const message = `${cell === undefined ? 'the group is a grid: name one of its cells' : `no cell "${cell}"`}; its cells are ${keys.map((k) => JSON.stringify(k)).join(', ')}`;
      throw new DomainError('VALIDATION_FAILED', `invalid query: cell: ${message}`, [{ field: 'cell', message }]);
    }
    const members = runs.filter((r) => cellKey((r.cell ?? {}) as GridCell) === wanted);
    const epochs = members.reduce((sum, r) => sum + r.epochsCompleted, 0);
    const completed = members.filter((r) => r.status === 'completed').length;
    const aggregate = await this.keptAggregate(JSON.stringify([id, wanted, epochs, completed]), () =>
      this.aggregate(
        members.map((r) => r.id),
        { groupId: id, cell: wanted },
      ),
    );
    return withGradientFlow(aggregate, gradientFlow);
  }

  /** Chosen runs of the caller's team (`?runs=a,b,c`); they must share one config up to the seed. */
  async ofRuns(principal: Principal, runsParam: string | undefined): Promise<AggregateDto> {
    const ids = [
      ...new Set(
        (runsParam ?? '')
          .split(',')
          .map((id) => id.trim())
          .filter(Boolean),
      ),
    ];
    const fail = (message: string) =>
      new DomainError('VALIDATION_FAILED', `invalid query: runs: ${message}`, [{ field: 'runs', message }]);
    if (ids.length === 0) throw fail('name the runs to aggregate: ?runs=ID,ID,...');
    if (ids.length > MAX_RUNS) throw fail(`at most ${MAX_RUNS} runs`);
    const found = await this.prisma.run.findMany({
      where: { id: { in: ids.filter(isUuid) }, teamId: principal.teamId },
      select: { id: true, config: true },
    });
    const missing = ids.filter((id) => !found.some((r) => r.id === id));
    if (missing.length > 0) throw new DomainError('NOT_FOUND', `run ${missing[0]} not found`);
    const [first, ...rest] = found.map((r) => withoutSeed(storedConfig(r)));
    const differ = [...new Set(rest.flatMap((config) => differences(first, config)))];
    if (differ.length > 0)
      throw fail(`the runs' configs differ in ${differ.join(', ')}: aggregate runs of one config over seeds`);
    return this.aggregate(ids);
  }

  /**
   * The aggregate of these runs. A group cell's layer statistics are read from its running statistics
   * (GroupLayerStat); chosen runs' are computed from their rows.
   */
  async aggregate(runIds: string[], groupCell?: { groupId: string; cell: string }): Promise<AggregateDto> {
    if (groupCell) {
      const [base, byEpoch] = await Promise.all([
        this.epochsAndTest(runIds),
        readCellStatistics(this.prisma, groupCell),
      ]);
      return {
        ...base,
        gradientFlow: [...byEpoch.entries()].map(([epoch, layers]) => ({ epoch, layers })),
        logScale: [...LOG_GRADIENT_STATISTICS],
      };
    }
    return this.computed(runIds);
  }

  private async epochsAndTest(runIds: string[]): Promise<Pick<AggregateDto, 'runs' | 'epochs' | 'test'>> {
    const [runs, epochs] = await Promise.all([
      this.prisma.run.findMany({
        where: { id: { in: runIds } },
        select: { id: true, testAccuracy: true, testLoss: true, bestValAccuracy: true },
      }),
      this.prisma.epoch.findMany({ where: { runId: { in: runIds } }, orderBy: [{ runId: 'asc' }, { index: 'asc' }] }),
    ]);
    const order = new Map(runIds.map((id, i) => [id, i]));
    runs.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
    const withEpochs = runs.map((run) => ({
      ...run,
      epochs: epochs.filter((e) => e.runId === run.id).map(toEpochDto),
    }));
    return { runs: runs.map((r) => r.id), epochs: aggregateEpochs(withEpochs), test: aggregateTest(withEpochs) };
  }

  private async computed(runIds: string[]): Promise<AggregateDto> {
    const [base, layers, names] = await Promise.all([
      this.epochsAndTest(runIds),
      this.prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`SET LOCAL work_mem = '${AGGREGATE_WORK_MEM}'`);
        return tx.$queryRawUnsafe<LayerStatsRow[]>(LAYER_STATISTICS_SQL, runIds);
      }),
      // Names and kinds per layer index: the runs share one network.
      this.prisma.$queryRaw<{ layerIndex: number; name: string; shortName: string; kind: string }[]>`
        SELECT DISTINCT ON ("layerIndex") "layerIndex", name, "shortName", kind FROM "LayerGradient"
        WHERE "runId" = ANY(${runIds}::uuid[]) AND epoch = (SELECT min(epoch) FROM "LayerGradient" WHERE "runId" = ANY(${runIds}::uuid[]))
        ORDER BY "layerIndex"`,
    ]);
    const labels = new Map(names.map(({ layerIndex, ...label }) => [layerIndex, label]));
    const byEpoch = new Map<number, AggregateLayerDto[]>();
    for (const row of layers) {
      const rows = byEpoch.get(row.epoch) ?? [];
      rows.push(toLayerDto(row, labels));
      byEpoch.set(row.epoch, rows);
    }
    return {
      ...base,
      gradientFlow: [...byEpoch.entries()].map(([epoch, rows]) => ({ epoch, layers: rows })),
      logScale: [...LOG_GRADIENT_STATISTICS],
    };
  }
}
