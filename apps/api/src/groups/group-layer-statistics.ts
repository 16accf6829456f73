import {
  LOG_GRADIENT_STATISTICS,
  type AggregateLayerDto,
  type LayerGradientStat,
  type LogStatDto,
  type StatDto,
} from '@gradlab/contracts';
import type { PrismaClient } from '../generated/prisma/client';

/**
 * Running statistics per group cell, epoch and layer, kept up to date as each epoch is stored, so that a
 * group's aggregate is read (7,700 rows for 100 epochs x 77 layers), not computed from every run's rows
 * (154,000 for 20 runs, which took Postgres alone 150 ms on two cores). Each statistic keeps its count, mean
 * and sum of squared deviations, merged one run at a time with Welford's update (Chan et al. 1979): stable
 * where sums of squares are not. Log-scale statistics keep these of log10 of the positive values, and count
 * zeros apart, exactly as libs/analysis's summarizeLog; the others as summarize.
 */
const LINEAR_STATISTICS = ['weightL2', 'nonFiniteCount'] as const;
type LinearStatistic = (typeof LINEAR_STATISTICS)[number];
type Statistic = (typeof LOG_GRADIENT_STATISTICS)[number] | LinearStatistic;
const isLog = (s: Statistic) => (LOG_GRADIENT_STATISTICS as readonly string[]).includes(s);
const STATISTICS: readonly Statistic[] = [...LOG_GRADIENT_STATISTICS, ...LINEAR_STATISTICS];

/** Columns of "GroupLayerStat" per statistic: n, mean, m2, min, max (and zeros for the log-scale ones). */
const columnsOf = (s: Statistic) => [
  `${s}N`,
  `${s}Mean`,
  `${s}M2`,
  `${s}Min`,
  `${s}Max`,
  ...(isLog(s) ? [`${s}Zeros`] : []),
];

/** One run's contribution for one layer: n is 0 or 1. */
function contribution(layer: LayerGradientStat): Record<string, number | null> {
  const row: Record<string, number | null> = {};
  for (const s of STATISTICS) {
    const value = (layer as unknown as Record<string, number | null | undefined>)[s] ?? null;
    const kept = value !== null && Number.isFinite(value) && (!isLog(s) || value > 0) ? value : null;
    const x = kept === null ? null : isLog(s) ? Math.log10(kept) : kept;
    Object.assign(row, {
      [`${s}N`]: x === null ? 0 : 1,
      [`${s}Mean`]: x,
      [`${s}M2`]: 0,
      [`${s}Min`]: kept,
      [`${s}Max`]: kept,
    });
    if (isLog(s)) row[`${s}Zeros`] = value === 0 ? 1 : 0;
  }
  return row;
}

const q = (column: string) => `"${column}"`;

/** Merges a new value (EXCLUDED, n 0 or 1) into the running statistic (the stored row t). */
function mergeOf(s: Statistic): string[] {
  const [n, mean, m2, min, max] = columnsOf(s).map(q);
  const delta = `(EXCLUDED.${mean} - t.${mean})`;
  return [
    `${n} = t.${n} + EXCLUDED.${n}`,
    `${mean} = CASE WHEN EXCLUDED.${n} = 0 THEN t.${mean} WHEN t.${n} = 0 THEN EXCLUDED.${mean} ELSE t.${mean} + ${delta} / (t.${n} + 1) END`,
    `${m2} = CASE WHEN EXCLUDED.${n} = 0 OR t.${n} = 0 THEN t.${m2} ELSE t.${m2} + ${delta} * ${delta} * t.${n} / (t.${n} + 1) END`,
    // LEAST and GREATEST skip nulls.
    `${min} = LEAST(t.${min}, EXCLUDED.${min})`,
    `${max} = GREATEST(t.${max}, EXCLUDED.${max})`,
    ...(isLog(s) ? [`${q(`${s}Zeros`)} = t.${q(`${s}Zeros`)} + EXCLUDED.${q(`${s}Zeros`)}`] : []),
  ];
}

const VALUE_COLUMNS = STATISTICS.flatMap(columnsOf);
const RECORD_TYPES = VALUE_COLUMNS.map(
  (c) => `${q(c)} ${c.endsWith('N') || c.endsWith('Zeros') ? 'int' : 'float8'}`,
).join(', ');

/**
 * Adds one stored epoch of one run to its group cell's statistics ($1 group id, $2 cell key, $3 epoch, $4 the
 * layers' contributions as JSON). Run once per stored epoch, in the transaction that stores it.
 */
const ADD_EPOCH_SQL = `
  INSERT INTO "GroupLayerStat" AS t ("groupId", cell, epoch, "layerIndex", name, "shortName", kind, n, ${VALUE_COLUMNS.map(q).join(', ')})
  SELECT $1::uuid, $2, $3, x."layerIndex", x.name, x."shortName", x.kind, 1, ${VALUE_COLUMNS.map((c) => `x.${q(c)}`).join(', ')}
  FROM jsonb_to_recordset($4::jsonb) AS x("layerIndex" int, name text, "shortName" text, kind text, ${RECORD_TYPES})
  ON CONFLICT ("groupId", cell, epoch, "layerIndex") DO UPDATE SET n = t.n + 1, ${STATISTICS.flatMap(mergeOf).join(', ')}`;

function epochContributions(layers: readonly LayerGradientStat[]): string {
  return JSON.stringify(
    layers.map((l) => ({
      layerIndex: l.layerIndex,
      name: l.name,
      shortName: l.shortName,
      kind: l.kind,
      ...contribution(l),
    })),
  );
}

const READ_COLUMNS = ['epoch', 'layerIndex', 'name', 'shortName', 'kind', 'n', ...VALUE_COLUMNS];

/**
 * A cell's rows in epoch and layer order, as one JSON text of value arrays ($1 group id, $2 cell key):
 * Prisma converting 7,700 rows of 50 columns value by value took 140 ms here, json_agg of keyed rows 110 ms;
 * this takes 60 ms and JSON.parse a few more.
 */
const READ_CELL_SQL = `
  SELECT json_agg(json_build_array(${READ_COLUMNS.map(q).join(', ')}) ORDER BY epoch, "layerIndex")::text AS rows
  FROM "GroupLayerStat" WHERE "groupId" = $1::uuid AND cell = $2`;

const at = (column: string) => READ_COLUMNS.indexOf(column);
/** Where each statistic's n, mean, m2, min, max and zeros sit in a row. */
const POSITIONS = Object.fromEntries(
  STATISTICS.map((s) => [
    s,
    {
      n: at(`${s}N`),
      mean: at(`${s}Mean`),
      m2: at(`${s}M2`),
      min: at(`${s}Min`),
      max: at(`${s}Max`),
      zeros: at(`${s}Zeros`),
    },
  ]),
) as Record<Statistic, Record<'n' | 'mean' | 'm2' | 'min' | 'max' | 'zeros', number>>;

/**
 * The rows READ_CELL_SQL gives, as the aggregate's layers by epoch: log-scale statistics back from log10,
 * std from m2 (n - 1), straight from the value arrays (building keyed rows first cost more than the query).
 */
function cellLayersByEpoch(text: string | null): Map<number, AggregateLayerDto[]> {
  const byEpoch = new Map<number, AggregateLayerDto[]>();
  for (const row of text === null ? [] : (JSON.parse(text) as (number | string | null)[][])) {
    const value = (i: number) => row[i] as number | null;
    const count = (i: number) => row[i] as number;
    const std = (p: Record<string, number>) => (count(p.n) >= 2 ? Math.sqrt(count(p.m2) / (count(p.n) - 1)) : null);
    const log = (s: Statistic): LogStatDto => {
      const p = POSITIONS[s];
      const mean = value(p.mean);
      return {
        geometricMean: mean === null ? null : 10 ** mean,
        log10Std: std(p),
        min: value(p.min),
        max: value(p.max),
        n: count(p.n),
        zeros: count(p.zeros),
      };
    };
    const linear = (s: Statistic): StatDto => {
      const p = POSITIONS[s];
      return { mean: value(p.mean), std: std(p), min: value(p.min), max: value(p.max), n: count(p.n) };
    };
    const epoch = count(0);
    const layers = byEpoch.get(epoch) ?? [];
    layers.push({
      layerIndex: count(1),
      name: row[2] as string,
      shortName: row[3] as string,
      kind: row[4] as string,
      n: count(5),
      meanAbs: log('meanAbs'),
      lastBatchMeanAbs: log('lastBatchMeanAbs'),
      l2: log('l2'),
      maxAbs: log('maxAbs'),
      updateRatio: log('updateRatio'),
      weightL2: linear('weightL2'),
      nonFiniteCount: linear('nonFiniteCount'),
    });
    byEpoch.set(epoch, layers);
  }
  return byEpoch;
}

/** What reads and writes the statistics needs of Prisma: a transaction or the client. */
type RawSql = Pick<PrismaClient, '$executeRawUnsafe' | '$queryRawUnsafe'>;

/**
 * Adds one stored epoch of one run to its group cell's statistics. Called in the transaction that stores
 * the epoch, so the epoch is counted once, with it.
 */
export async function addEpochToGroupStatistics(
  db: Pick<RawSql, '$executeRawUnsafe'>,
  cell: { groupId: string; cell: string },
  epoch: number,
  layers: readonly LayerGradientStat[],
): Promise<void> {
  await db.$executeRawUnsafe(ADD_EPOCH_SQL, cell.groupId, cell.cell, epoch, epochContributions(layers));
}

/** One group cell's statistics as stored, per epoch and layer. */
export async function readCellStatistics(
  db: Pick<RawSql, '$queryRawUnsafe'>,
  cell: { groupId: string; cell: string },
): Promise<Map<number, AggregateLayerDto[]>> {
  const [row] = await db.$queryRawUnsafe<{ rows: string | null }[]>(READ_CELL_SQL, cell.groupId, cell.cell);
  return cellLayersByEpoch(row?.rows ?? null);
}
