import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import type { BlockDocument } from '@gradlab/contracts';
import { JsonScalar } from './json.scalar';

@ObjectType({ description: 'Parameters of the whole network with the block, 32 filters and 3 stages' })
class BlockParameterCountsModel {
  @Field(() => Int, { description: '0 processing blocks per stage' }) VGG_08!: number;
  @Field(() => Int, { description: '5 processing blocks per stage' }) VGG_38!: number;
}

@ObjectType()
class BlockOrderModel {
  @Field() processing!: string;
  @Field() reduction!: string;
}

@ObjectType({ description: "A team's own block (gradlab.block/1), as GET /api/blocks/:id" })
export class BlockModel {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => JsonScalar, { description: 'the gradlab.block/1 document' }) block!: BlockDocument;
  @Field(() => BlockOrderModel, { description: 'the graphs in words' }) order!: BlockOrderModel;
  @Field(() => BlockParameterCountsModel) parameterCounts!: BlockParameterCountsModel;
  @Field(() => Int, { description: 'runs that train it: a block never changes' }) runCount!: number;
  @Field() createdAt!: string;
}

@InputType()
export class AddBlockInput {
  @Field() name!: string;
  @Field(() => JsonScalar, { description: 'a gradlab.block/1 document' }) block!: unknown;
}
