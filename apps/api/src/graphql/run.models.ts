import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { BLOCK_TYPES, RUN_STATUSES, type BlockType, type RunStatus } from '@gradlab/contracts';
import { JsonScalar } from './json.scalar';

const RunStatusEnum = Object.fromEntries(RUN_STATUSES.map((s) => [s, s])) as Record<RunStatus, RunStatus>;
registerEnumType(RunStatusEnum, { name: 'RunStatus' });
const BlockTypeEnum = Object.fromEntries(BLOCK_TYPES.map((b) => [b, b])) as Record<BlockType, BlockType>;
registerEnumType(BlockTypeEnum, { name: 'BlockType' });

@ObjectType({ description: 'One epoch: train and validation metrics, as the framework logs them' })
export class EpochModel {
  @Field(() => Int) epoch!: number;
  @Field(() => Float, { nullable: true }) trainLoss!: number | null;
  @Field(() => Float) trainAccuracy!: number;
  @Field(() => Float, { nullable: true }) valLoss!: number | null;
  @Field(() => Float) valAccuracy!: number;
  @Field(() => Float) learningRate!: number;
  @Field(() => Float) durationMs!: number;
}

@ObjectType({ description: 'Gradient statistics of one weight tensor over one epoch' })
class LayerGradientModel {
  @Field(() => Int) layerIndex!: number;
  @Field() name!: string;
  @Field() shortName!: string;
  @Field() kind!: string;
  @Field(() => Float, { nullable: true }) meanAbs!: number | null;
  @Field(() => Float, { nullable: true, description: 'what the framework plots' }) lastBatchMeanAbs!: number | null;
  @Field(() => Float, { nullable: true }) l2!: number | null;
  @Field(() => Float, { nullable: true }) maxAbs!: number | null;
  @Field(() => Int) nonFiniteCount!: number;
  @Field(() => Float, { nullable: true }) weightL2!: number | null;
  @Field(() => Float, { nullable: true, description: "||w - w_before|| / ||w_before|| of the epoch's last step" })
  updateRatio!: number | null;
}

@ObjectType()
export class GradientFlowModel {
  @Field(() => Int) epoch!: number;
  @Field(() => [LayerGradientModel], { description: 'one row per weight tensor, in network order' })
  layers!: LayerGradientModel[];
}

@ObjectType({ description: 'A training run of the caller’s team' })
export class RunModel {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => RunStatusEnum) status!: RunStatus;
  @Field({ description: "trained (by gradlab) or imported (the course framework's result files, read-only)" })
  kind!: string;
  @Field(() => JsonScalar, { description: 'the complete ExperimentConfig' }) config!: unknown;
  @Field() architecture!: string;
  @Field(() => String, { nullable: true }) backend!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'what the backend computed with: the GPU adapter, the GPU, or the CPU',
  })
  device!: string | null;
  @Field(() => String, { nullable: true }) workerHost!: string | null;
  @Field() createdAt!: string;
  @Field(() => String, { nullable: true }) startedAt!: string | null;
  @Field(() => String, { nullable: true }) finishedAt!: string | null;
  @Field(() => Int) epochsCompleted!: number;
  @Field(() => Float, { nullable: true }) bestValAccuracy!: number | null;
  @Field(() => Int, { nullable: true }) bestEpoch!: number | null;
  @Field(() => Float, { nullable: true }) testLoss!: number | null;
  @Field(() => Float, { nullable: true }) testAccuracy!: number | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => ID, { nullable: true, description: 'the group (seeds, sweep) the run belongs to' }) groupId!:
    string | null;
}

@ObjectType()
export class RunConnection {
  @Field(() => [RunModel]) items!: RunModel[];
  @Field(() => String, { nullable: true, description: 'pass as `after` for the next page' }) endCursor!: string | null;
  @Field() hasNextPage!: boolean;
  @Field(() => Int, { description: 'runs matching the filter' }) totalCount!: number;
}

@InputType()
export class RunFilter {
  @Field(() => RunStatusEnum, { nullable: true }) status?: RunStatus;
  @Field(() => BlockTypeEnum, { nullable: true }) blockType?: BlockType;
  @Field(() => String, { nullable: true, description: 'depth, e.g. VGG_38' }) architecture?: string;
  @Field(() => String, { nullable: true, description: 'part of the name, case-insensitive' }) q?: string;
}

@InputType()
export class SubmitRunInput {
  @Field(() => String, { nullable: true }) name?: string;
  @Field(() => JsonScalar, { description: 'an ExperimentConfig; every field has the framework’s default' })
  config!: unknown;
}

@ObjectType({ description: 'A live event of one run: batch progress, a finished epoch, or a new status' })
export class RunProgressEvent {
  @Field(() => ID) runId!: string;
  @Field(() => String, { description: 'progress | epoch | run | diagnosis' }) kind!:
    'progress' | 'epoch' | 'run' | 'diagnosis';
  @Field(() => Int, { nullable: true }) epoch?: number;
  @Field(() => Int, { nullable: true }) batch?: number;
  @Field(() => Int, { nullable: true }) batchesPerEpoch?: number;
  @Field(() => EpochModel, { nullable: true }) epochResult?: EpochModel;
  @Field(() => RunModel, { nullable: true }) run?: RunModel;
  @Field(() => [String], { nullable: true, description: 'for kind diagnosis: the finding codes, most severe first' })
  findingCodes?: string[];
}

@ObjectType()
class WorkerModel {
  @Field(() => ID) id!: string;
  @Field() host!: string;
  @Field() backend!: string;
  @Field(() => String, { nullable: true }) device!: string | null;
  @Field(() => String, {
    nullable: true,
    description: "the run it trains; null when idle, or when the run is another team's",
  })
  currentRunId!: string | null;
  @Field({ description: "whether it trains a run, whoever's" }) busy!: boolean;
  @Field(() => String, {
    nullable: true,
    description: 'since when it waits for an api it cannot reach (or that answers 503); null when not',
  })
  waitingForApiSince!: string | null;
  @Field() startedAt!: string;
  @Field() lastHeartbeatAt!: string;
}

@ObjectType()
class QueueDepth {
  @Field(() => Int) waiting!: number;
  @Field(() => Int) active!: number;
  @Field(() => Int) delayed!: number;
  @Field(() => Int) failed!: number;
}

@ObjectType()
export class WorkersModel {
  @Field(() => [WorkerModel]) workers!: WorkerModel[];
  @Field(() => Int, { description: 'how long a silent worker stays listed, in ms' }) forgetAfterMs!: number;
  @Field(() => QueueDepth) queue!: QueueDepth;
}
