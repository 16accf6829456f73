import { Injectable } from '@nestjs/common';
import {
  ModelConfigSchema,
  UNSTORED_BLOCK_ID,
  type BlockCheckDto,
  type BlockDocument,
  type BlockDto,
  type ExperimentConfig,
  type FieldError,
} from '@gradlab/contracts';
import {
  checkBlock,
  describeBlockOrder,
  describeNetwork,
  exportBlockToPytorch,
  formatShape,
  parameterCount,
  type BlockIssue,
  type BlockShape,
} from '@gradlab/models';
import type { Principal } from '../auth/principal';
import { DomainError } from '../common/domain-error';
import { BlockRepository, type StoredBlock } from './block.repository';

/**
 * A team's block library: blocks are checked (checkBlock, libs/models) before anything is stored, never changed
 * afterwards, exported to the course framework's Python, and resolved into a run's config at submission, so a
 * run keeps the graph it trained.
 */
@Injectable()
export class BlocksService {
  constructor(private readonly repository: BlockRepository) {}

  /** A document checked without storing it: issues by node, the shapes inferred, parameter counts. */
  check(document: unknown): BlockCheckDto {
    const result = checkBlock(document);
    const shapes = result.ok
      ? { processing: result.graphs.processing.shapes, reduction: result.graphs.reduction.shapes }
      : result.shapes;
    return {
      ok: result.ok,
      errors: result.ok ? [] : result.issues,
      shapes: Object.fromEntries(
        Object.entries(shapes).map(([role, map]) => [role, shapesByNode(map as Map<string, BlockShape>)]),
      ),
      parameterCounts: result.ok ? parameterCounts(result.block) : null,
      order: result.ok ? describeBlockOrder(result.block) : null,
    };
  }

  /** Stores a sound block; an unsound one is a 400 naming each node at fault, and nothing is stored. */
  async create(principal: Principal, name: string, document: unknown): Promise<BlockDto> {
    const result = checkBlock(document);
    if (!result.ok) {
      const errors = result.issues.map(toFieldError);
      throw new DomainError(
        'VALIDATION_FAILED',
        `invalid block: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
        errors,
      );
    }
    return toBlockDto(await this.repository.create(principal, name, result.block));
  }

  async list(principal: Principal): Promise<BlockDto[]> {
    return (await this.repository.list(principal)).map(toBlockDto);
  }

  async get(principal: Principal, id: string): Promise<BlockDto> {
    return toBlockDto(await this.repository.find(principal, id));
  }

  /** The block as one Python module for the course framework (libs/models/src/blocks/pytorch-export.ts). */
  async pytorch(principal: Principal, id: string): Promise<{ name: string; code: string }> {
    const block = await this.repository.find(principal, id);
    return { name: block.name, code: exportBlockToPytorch(block.name, block.document) };
  }

  delete(principal: Principal, id: string): Promise<void> {
    return this.repository.delete(principal, id);
  }

  /**
   * The config as a worker trains it: `model.block`, an id of the caller's team's block on submission, becomes
   * the block itself. A block of another team is named as missing, exactly like one that does not exist.
   */
  async resolve<C extends Pick<ExperimentConfig, 'model'>>(
    principal: Principal,
    config: C,
    field = 'config',
  ): Promise<C> {
    const ref = config.model.block;
    if (ref === undefined) return config;
    const id = typeof ref === 'string' ? ref : ref.id;
    const block = await this.repository.find(principal, id).catch((error: unknown) => {
      if (error instanceof DomainError && error.code === 'NOT_FOUND') {
        const message = `no block ${id} in your team`;
        throw new DomainError('VALIDATION_FAILED', `invalid ${field}: model.block: ${message}`, [
          { field: `${field}.model.block`, message },
        ]);
      }
      throw error;
    });
    return { ...config, model: { ...config.model, block: { id: block.id, name: block.name, graph: block.document } } };
  }
}

function toFieldError(issue: BlockIssue): FieldError {
  const field = ['block', issue.graph, issue.node].filter(Boolean).join('.');
  return { field, message: issue.message };
}

function shapesByNode(shapes: Map<string, BlockShape>): Record<string, string> {
  return Object.fromEntries([...shapes].map(([id, shape]) => [id, formatShape(shape)]));
}

/** Parameters of the whole network with this block at the coursework's two depths (32 filters, 3 stages). */
function parameterCounts(document: BlockDocument): BlockDto['parameterCounts'] {
  const count = (numBlocksPerStage: number) =>
    parameterCount(
      describeNetwork(
        ModelConfigSchema.parse({
          numBlocksPerStage,
          block: { id: UNSTORED_BLOCK_ID, name: 'block', graph: document },
        }),
      ),
    );
  return { VGG_08: count(0), VGG_38: count(5) };
}

function toBlockDto(block: StoredBlock): BlockDto {
  return {
    id: block.id,
    name: block.name,
    block: block.document,
    order: describeBlockOrder(block.document),
    parameterCounts: parameterCounts(block.document),
    runCount: block.runCount,
    createdAt: block.createdAt.toISOString(),
  };
}
