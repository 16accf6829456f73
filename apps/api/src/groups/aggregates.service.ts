import { Injectable } from '@nestjs/common';
import { aggregateRuns, type LayerValues } from '@gradlab/analysis';
import { cellKey, type AggregateDto, type ExperimentConfig, type GridCell } from '@gradlab/contracts';
import { DomainError } from '../common/domain-error';
import { isUuid } from '../common/is-uuid';
import type { Principal } from '../auth/principal';
import { PrismaService } from '../prisma/prisma.service';
import { toEpochDto } from '../runs/run.mapper';
import { GroupsService } from './groups.service';

const MAX_RUNS = 200;

type LayerRow = Omit<LayerValues, 'values'> & Record<keyof LayerValues['values'], (number | null)[]>;

/** Dotted paths where two configs differ. */
function differences(a: unknown, b: unknown, path = ''): string[] {
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((key) => differences((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], path ? `${path}.${key}` : key));
  }
  return a === b ? [] : [path];
}
const withoutSeed = (config: ExperimentConfig) => ({ ...config, training: { ...config.training, seed: 0 } });

/**
 * Mean, std, min, max and n across runs of one config (up to seed), per epoch, per layer and epoch, and of
 * the final test metrics. Postgres groups the gradient rows (one row per epoch and layer with every run's
 * values side by side); libs/analysis computes the statistics, the same functions the tests check by hand.
 */
@Injectable()
export class AggregatesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly groups: GroupsService,
  ) {}

  /** A group's runs, or one cell of its grid (`cell` as GET /api/groups/:id lists them). */
  async ofGroup(principal: Principal, id: string, cell: string | undefined): Promise<AggregateDto> {
    await this.groups.findGroup(principal, id);
    const runs = await this.prisma.run.findMany({ where: { groupId: id }, select: { id: true, cell: true }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    const keys = [...new Set(runs.map((r) => cellKey((r.cell ?? {}) as GridCell)))];
    const wanted = cell ?? (keys.length === 1 ? keys[0] : undefined);
    if (wanted === undefined || !keys.includes(wanted)) {
      const message = `${cell === undefined ? 'the group is a grid: name one of its cells' : `no cell "${cell}"`}; its cells are ${keys.map((k) => JSON.stringify(k)).join(', ')}`;
      throw new DomainError('VALIDATION_FAILED', `invalid query: cell: ${message}`, [{ field: 'cell', message }]);
    }
    return this.aggregate(runs.filter((r) => cellKey((r.cell ?? {}) as GridCell) === wanted).map((r) => r.id));
  }

  /** Chosen runs of the caller's team (`?runs=a,b,c`); they must share one config up to the seed. */
  async ofRuns(principal: Principal, runsParam: string | undefined): Promise<AggregateDto> {
    const ids = [...new Set((runsParam ?? '').split(',').map((id) => id.trim()).filter(Boolean))];
    const fail = (message: string) => new DomainError('VALIDATION_FAILED', `invalid query: runs: ${message}`, [{ field: 'runs', message }]);
    if (ids.length === 0) throw fail('name the runs to aggregate: ?runs=ID,ID,...');
    if (ids.length > MAX_RUNS) throw fail(`at most ${MAX_RUNS} runs`);
    const found = await this.prisma.run.findMany({ where: { id: { in: ids.filter(isUuid) }, teamId: principal.teamId }, select: { id: true, config: true } });
    const missing = ids.filter((id) => !found.some((r) => r.id === id));
    if (missing.length > 0) throw new DomainError('NOT_FOUND', `run ${missing[0]} not found`);
    const [first, ...rest] = found.map((r) => withoutSeed(r.config as unknown as ExperimentConfig));
    const differ = [...new Set(rest.flatMap((config) => differences(first, config)))];
    if (differ.length > 0) throw fail(`the runs' configs differ in ${differ.join(', ')}: aggregate runs of one config over seeds`);
    return this.aggregate(ids);
  }

  async aggregate(runIds: string[]): Promise<AggregateDto> {
    const [runs, epochs, layers] = await Promise.all([
      this.prisma.run.findMany({ where: { id: { in: runIds } }, select: { id: true, testAccuracy: true, testLoss: true, bestValAccuracy: true } }),
      this.prisma.epoch.findMany({ where: { runId: { in: runIds } }, orderBy: [{ runId: 'asc' }, { index: 'asc' }] }),
      this.prisma.$queryRaw<LayerRow[]>`
        SELECT epoch, "layerIndex", min(name) AS name, min("shortName") AS "shortName", min(kind) AS kind,
               array_agg("meanAbs") AS "meanAbs", array_agg("lastBatchMeanAbs") AS "lastBatchMeanAbs", array_agg(l2) AS l2,
               array_agg("maxAbs") AS "maxAbs", array_agg("updateRatio") AS "updateRatio", array_agg("weightL2") AS "weightL2",
               array_agg("nonFiniteCount") AS "nonFiniteCount"
        FROM "LayerGradient" WHERE "runId" = ANY(${runIds}::uuid[])
        GROUP BY epoch, "layerIndex" ORDER BY epoch, "layerIndex"`,
    ]);
    const order = new Map(runIds.map((id, i) => [id, i]));
    runs.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
    const epochsOf = (id: string) => epochs.filter((e) => e.runId === id).map(toEpochDto);
    return aggregateRuns(
      runs.map((run) => ({ ...run, epochs: epochsOf(run.id) })),
      layers.map(({ meanAbs, lastBatchMeanAbs, l2, maxAbs, updateRatio, weightL2, nonFiniteCount, ...layer }) => ({ ...layer, values: { meanAbs, lastBatchMeanAbs, l2, maxAbs, updateRatio, weightL2, nonFiniteCount } })),
    );
  }
}
