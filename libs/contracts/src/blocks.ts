import { z } from 'zod';
import { text } from './validation';

/**
 * A student's block, `gradlab.block/1`: one graph for the processing block and one for the reduction block
 * (issue 33 fixes the format). A block is data, never code: the api validates and stores it
 * (`checkBlock` in @gradlab/models: acyclic, no dead nodes, shapes inferred), the worker interprets it, the
 * export turns it back into the course framework's Python. These schemas give the shape of the JSON only;
 * every rule that needs the graph (references, cycles, shapes) is checkBlock's, which names the node at fault.
 */
export const BLOCK_FORMAT = 'gradlab.block/1';
export const BLOCK_OPS = [
  'conv',
  'batch_norm',
  'leaky_relu',
  'relu',
  'tanh',
  'avg_pool',
  'max_pool',
  'add',
  'dropout',
] as const;
export type BlockOp = (typeof BLOCK_OPS)[number];
/** Node ids are the framework's `layer_dict` keys (conv and batch_norm) and Python-safe names. */
export const BLOCK_NODE_ID = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The block's input, which no node may be called. */
export const BLOCK_INPUT = 'x';
export const MAX_BLOCK_NODES = 64;
export const BLOCK_GRAPH_ROLES = ['processing', 'reduction'] as const;
export type BlockGraphRole = (typeof BLOCK_GRAPH_ROLES)[number];

export interface BlockNode {
  id: string;
  op: BlockOp;
  /** One input id (or `x`), or a list of them (`add` takes two or more). */
  in: string | string[];
  /** conv: 3 or 1 (default 3), padding (kernel - 1) / 2. */
  kernel?: 1 | 3;
  /** conv: 1 or 2 (default 1). */
  stride?: 1 | 2;
  /** conv: `framework` (default): none in processing blocks, a bias in reduction blocks, as the framework passes. */
  bias?: boolean | 'framework';
  /** leaky_relu: the negative slope (default 0.01, PyTorch's). */
  slope?: number;
  /** dropout: the probability of zeroing an element, in training only. */
  p?: number;
}

export interface BlockGraph {
  output: string;
  nodes: BlockNode[];
}

export interface BlockDocument {
  format: typeof BLOCK_FORMAT;
  processing: BlockGraph;
  reduction: BlockGraph;
}

const BlockNodeSchema = z
  .object({
    id: z.string(),
    op: z.enum(BLOCK_OPS),
    in: z.union([z.string(), z.array(z.string())]),
    kernel: z.union([z.literal(1), z.literal(3)]).optional(),
    stride: z.union([z.literal(1), z.literal(2)]).optional(),
    bias: z.union([z.boolean(), z.literal('framework')]).optional(),
    slope: z.number().optional(),
    p: z.number().optional(),
  })
  .describe('one operation: its id, op, input id(s) and attributes');

const BlockGraphSchema = z.object({
  output: z.string().describe("the node whose value the block returns (or 'x')"),
  nodes: z.array(BlockNodeSchema),
});

/** The JSON shape of a block, for documents and types; `checkBlock` is what decides whether one is sound. */
export const BlockDocumentSchema = z
  .object({
    format: z.literal(BLOCK_FORMAT),
    processing: BlockGraphSchema,
    reduction: BlockGraphSchema,
  })
  .describe('a block: gradlab.block/1, one graph for the processing block and one for the reduction block');

/** The id a block goes by where no team's library holds it (a fixture's, a benchmark's, one being checked). */
export const UNSTORED_BLOCK_ID = '00000000-0000-0000-0000-000000000000';

/** What a run's config holds once the api has resolved `model.block`: the graph itself, so history never changes. */
export const ResolvedBlockSchema = z.strictObject({
  id: z.string().uuid(),
  name: z.string(),
  graph: BlockDocumentSchema,
});
export type ResolvedBlock = z.infer<typeof ResolvedBlockSchema>;

/** A block's name: what the export's class names and the framework's `--block_type` are made of. */
export const BLOCK_NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/;

export const CreateBlockRequestSchema = z.strictObject({
  name: text()
    .trim()
    .min(1)
    .max(60)
    .regex(BLOCK_NAME, 'must start with a letter and hold only letters, digits, _, - and . (it names Python classes)'),
  // Checked by checkBlock, which names the node at fault; the schema here only documents the shape.
  block: z.unknown().describe('a gradlab.block/1 document (see BlockDocument)'),
});
export type CreateBlockRequest = z.input<typeof CreateBlockRequestSchema>;

/** The editor's check as the student types: a block to check, stored nowhere. */
export const CheckBlockRequestSchema = z.strictObject({ block: z.unknown().describe('a gradlab.block/1 document') });

/** Parameters the block gives the whole network at the two depths the coursework compares. */
export const BlockParameterCountsSchema = z.object({
  VGG_08: z.number().int().describe('3 stages, 0 processing blocks per stage, 32 filters'),
  VGG_38: z.number().int().describe('3 stages, 5 processing blocks per stage, 32 filters'),
});

/** A block's two graphs in words, in execution order: "conv, BN, leaky_relu, conv, BN, + x, leaky_relu". */
export const BlockOrderSchema = z.object({ processing: z.string(), reduction: z.string() });

export const BlockDtoSchema = z.object({
  id: z.string().uuid(),
  name: z.string(),
  block: BlockDocumentSchema,
  order: BlockOrderSchema,
  parameterCounts: BlockParameterCountsSchema,
  /** How many runs use it: a block used by a run cannot change, only be replaced by a new one. */
  runCount: z.number().int(),
  createdAt: z.string().describe('ISO 8601 timestamp'),
});
export type BlockDto = z.infer<typeof BlockDtoSchema>;

/** `POST /api/blocks/check`: a document checked without storing it (the dashboard's editor). */
export const BlockCheckDtoSchema = z.object({
  ok: z.boolean(),
  errors: z.array(
    z.object({
      graph: z.enum(BLOCK_GRAPH_ROLES).nullable(),
      node: z.string().nullable().describe('the node at fault, where there is one'),
      message: z.string(),
    }),
  ),
  /** Each node's inferred output shape, e.g. `(F, H/2, W/2)`, where the graph could be read. */
  shapes: z.record(z.string(), z.record(z.string(), z.string())),
  parameterCounts: BlockParameterCountsSchema.nullable(),
  order: BlockOrderSchema.nullable(),
});
export type BlockCheckDto = z.infer<typeof BlockCheckDtoSchema>;

/**
 * A block file as the CLI and the fixture maker read it: `{ name, block }` (an `about` line may sit beside
 * them), or a bare gradlab.block/1 document named by `fallbackName` (the file's name).
 */
export function readBlockFile(text: string, fileName: string, fallbackName: string): { name: string; block: unknown } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${fileName}: not JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null) throw new Error(`${fileName}: a block file holds a JSON object`);
  const record = parsed as Record<string, unknown>;
  if ('format' in record) return { name: fallbackName, block: record };
  if (typeof record.name !== 'string' || !('block' in record)) {
    throw new Error(
      `${fileName}: give { "name": ..., "block": { "format": "${BLOCK_FORMAT}", ... } } or the block alone`,
    );
  }
  return { name: record.name, block: record.block };
}
