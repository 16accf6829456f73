import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CreateGroupRequestSchema, type AggregateDto, type GroupDto } from '@gradlab/contracts';
import { parseInput } from '../common/parse-input';
import { AggregatesService } from '../groups/aggregates.service';
import { GroupsService } from '../groups/groups.service';
import type { GraphqlContext } from './graphql-context';
import { AggregateModel, GroupModel, SubmitGroupInput } from './group.models';
import { orNull } from './or-null';

const SQL_QUERY = 10;

@Resolver(() => GroupModel)
export class GroupsResolver {
  constructor(
    private readonly groups: GroupsService,
    private readonly aggregates: AggregatesService,
  ) {}

  @Query(() => [GroupModel], {
    description: "The team's groups, newest first (200 at most)",
    complexity: ({ childComplexity }) => 2 * SQL_QUERY + 20 * childComplexity,
  })
  async groupList(@Context() ctx: GraphqlContext): Promise<GroupDto[]> {
    const { items } = await this.groups.list(ctx.principal);
    return items.map((item) => ({ ...item, runs: [], cells: [] }));
  }

  @Query(() => GroupModel, { nullable: true, complexity: ({ childComplexity }) => 2 * SQL_QUERY + childComplexity })
  group(@Context() ctx: GraphqlContext, @Args('id', { type: () => ID }) id: string): Promise<GroupDto | null> {
    return orNull(this.groups.get(ctx.principal, id));
  }

  @ResolveField(() => AggregateModel, {
    description: 'mean +- std over the seeds of one cell (omit cell for a group without a grid)',
    complexity: ({ childComplexity }) => 4 * SQL_QUERY + 50 * childComplexity,
  })
  aggregate(
    @Context() ctx: GraphqlContext,
    @Parent() group: GroupDto,
    @Args('cell', { type: () => String, nullable: true }) cell: string | null,
  ): Promise<AggregateDto> {
    return this.aggregates.ofGroup(ctx.principal, group.id, cell ?? undefined);
  }

  @Mutation(() => GroupModel, {
    description: 'The same contract and limits as POST /api/groups',
    complexity: ({ childComplexity }) => 5 * SQL_QUERY + childComplexity,
  })
  submitGroup(
    @Context() ctx: GraphqlContext,
    @Args('input', { type: () => SubmitGroupInput }) input: SubmitGroupInput,
  ): Promise<GroupDto> {
    const body: Record<string, unknown> = { config: input.config };
    if (input.name !== undefined && input.name !== null) body.name = input.name;
    if (input.seeds !== undefined && input.seeds !== null) body.seeds = input.seeds;
    if (input.grid !== undefined && input.grid !== null) body.grid = input.grid;
    return this.groups.create(ctx.principal, parseInput(CreateGroupRequestSchema, body, 'group'));
  }

  @Mutation(() => GroupModel, { description: 'Cancels every queued or running run of the group' })
  cancelGroup(@Context() ctx: GraphqlContext, @Args('id', { type: () => ID }) id: string): Promise<GroupDto> {
    return this.groups.cancel(ctx.principal, id);
  }
}
