import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CreateBlockRequestSchema, type BlockDto } from '@gradlab/contracts';
import { BlocksService } from '../blocks/blocks.service';
import { parseInput } from '../common/parse-input';
import { AddBlockInput, BlockModel } from './block.models';
import type { GraphqlContext } from './graphql-context';
import { orNull } from './or-null';

const SQL_QUERY = 10;

/** The block library over GraphQL: the same service, contract and errors as /api/blocks. */
@Resolver(() => BlockModel)
export class BlocksResolver {
  constructor(private readonly library: BlocksService) {}

  @Query(() => [BlockModel], {
    description: "The team's blocks, newest first",
    complexity: ({ childComplexity }) => 2 * SQL_QUERY + 20 * childComplexity,
  })
  blocks(@Context() ctx: GraphqlContext): Promise<BlockDto[]> {
    return this.library.list(ctx.principal);
  }

  @Query(() => BlockModel, { nullable: true, complexity: ({ childComplexity }) => SQL_QUERY + childComplexity })
  block(@Context() ctx: GraphqlContext, @Args('id', { type: () => ID }) id: string): Promise<BlockDto | null> {
    return orNull(this.library.get(ctx.principal, id));
  }

  @ResolveField(() => String, { description: 'the block as a Python module for the course framework' })
  async pytorch(@Context() ctx: GraphqlContext, @Parent() block: BlockDto): Promise<string> {
    return (await this.library.pytorch(ctx.principal, block.id)).code;
  }

  @Mutation(() => BlockModel, {
    description: 'The same contract as POST /api/blocks; nodes at fault in extensions.fieldErrors',
    complexity: ({ childComplexity }) => 2 * SQL_QUERY + childComplexity,
  })
  addBlock(@Context() ctx: GraphqlContext, @Args('input', { type: () => AddBlockInput }) input: AddBlockInput) {
    const request = parseInput(CreateBlockRequestSchema, { name: input.name, block: input.block }, 'block');
    return this.library.create(ctx.principal, request.name, request.block);
  }
}
