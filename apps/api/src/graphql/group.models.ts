import { Field, Float, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { JsonScalar } from './json.scalar';
import { RunModel } from './run.models';

@ObjectType({ description: 'mean, sample std (null under two values), min, max and n of one metric over runs' })
class StatModel {
  @Field(() => Float, { nullable: true }) mean!: number | null;
  @Field(() => Float, { nullable: true }) std!: number | null;
  @Field(() => Float, { nullable: true }) min!: number | null;
  @Field(() => Float, { nullable: true }) max!: number | null;
  @Field(() => Int) n!: number;
}

@ObjectType({ description: "mean, sample std (null under two values) and n of one metric over a cell's runs" })
class MeanStdModel {
  @Field(() => Float, { nullable: true }) mean!: number | null;
  @Field(() => Float, { nullable: true }) std!: number | null;
  @Field(() => Int) n!: number;
}

@ObjectType({ description: 'one epoch index across runs; n: the runs that reached it' })
class AggregateEpochModel {
  @Field(() => Int) epoch!: number;
  @Field(() => Int) n!: number;
  @Field(() => StatModel) trainLoss!: StatModel;
  @Field(() => StatModel) trainAccuracy!: StatModel;
  @Field(() => StatModel) valLoss!: StatModel;
  @Field(() => StatModel) valAccuracy!: StatModel;
  @Field(() => StatModel) learningRate!: StatModel;
  @Field(() => StatModel) durationMs!: StatModel;
}

@ObjectType()
class AggregateTestModel {
  @Field(() => StatModel) testAccuracy!: StatModel;
  @Field(() => StatModel) testLoss!: StatModel;
  @Field(() => StatModel) bestValAccuracy!: StatModel;
}

@ObjectType({ description: 'runs of one config over seeds, side by side (GET /api/groups/:id/aggregate)' })
export class AggregateModel {
  @Field(() => [ID]) runs!: string[];
  @Field(() => [AggregateEpochModel]) epochs!: AggregateEpochModel[];
  @Field(() => AggregateTestModel) test!: AggregateTestModel;
  @Field(() => JsonScalar, {
    description:
      'per epoch, per layer: the log-scale statistics (logScale) as geometricMean/log10Std, the rest as mean/std',
  })
  gradientFlow!: unknown;
  @Field(() => [String]) logScale!: string[];
}

@ObjectType({ description: "one cell of a group's grid" })
class GroupCellModel {
  @Field() key!: string;
  @Field(() => JsonScalar) cell!: unknown;
  @Field(() => [ID]) runIds!: string[];
  @Field(() => MeanStdModel) bestValAccuracy!: MeanStdModel;
  @Field(() => MeanStdModel) testAccuracy!: MeanStdModel;
  @Field() best!: boolean;
}

@ObjectType({ description: 'one config over seeds and a grid, each combination a run' })
export class GroupModel {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field() createdAt!: string;
  @Field(() => JsonScalar) config!: unknown;
  @Field(() => [Int]) seeds!: number[];
  @Field(() => JsonScalar, { description: 'parameter alias -> values' }) grid!: unknown;
  @Field(() => JsonScalar, { description: 'runs by status' }) counts!: unknown;
  @Field(() => [RunModel]) runs!: RunModel[];
  @Field(() => [GroupCellModel]) cells!: GroupCellModel[];
}

@InputType()
export class SubmitGroupInput {
  @Field(() => String, { nullable: true }) name?: string;
  @Field(() => JsonScalar, { description: 'an ExperimentConfig' }) config!: unknown;
  @Field(() => [Int], { nullable: true, description: "default: the config's seed" }) seeds?: number[];
  @Field(() => JsonScalar, {
    nullable: true,
    description: 'parameter -> values, e.g. { "lr": [0.001, 0.0003], "batch": [64, 128] }',
  })
  grid?: unknown;
}

@ObjectType()
class FixModel {
  @Field() fix!: string;
  @Field() reference!: string;
}

@ObjectType()
class FindingEvidenceModel {
  @Field({ description: 'learning-curves | gradient-flow' }) chart!: string;
  @Field(() => [Int]) epochs!: number[];
  @Field(() => [String]) layers!: string[];
  @Field(() => JsonScalar) values!: unknown;
}

@ObjectType({ description: 'one thing wrong with a run, with its evidence and the usual fixes' })
class FindingModel {
  @Field() code!: string;
  @Field({ description: 'critical | warning | info' }) severity!: string;
  @Field() summary!: string;
  @Field(() => FindingEvidenceModel) evidence!: FindingEvidenceModel;
  @Field(() => [FixModel]) fixes!: FixModel[];
}

@ObjectType()
export class DiagnosisModel {
  @Field(() => Int) epochsSeen!: number;
  @Field(() => [FindingModel], { description: 'most severe first; empty: nothing found' }) findings!: FindingModel[];
}
