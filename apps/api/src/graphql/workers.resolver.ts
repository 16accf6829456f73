import { Context, Query, Resolver } from '@nestjs/graphql';
import { isStaffRole, type WorkersDto } from '@gradlab/contracts';
import { DomainError } from '../common/domain-error';
import { WorkersService } from '../workers/workers.service';
import type { GraphqlContext } from './graphql-context';
import { WorkersModel } from './run.models';

@Resolver(() => WorkersModel)
export class WorkersResolver {
  constructor(private readonly workersService: WorkersService) {}

  @Query(() => WorkersModel, {
    description: 'Staff only: the workers and the training queue',
    complexity: ({ childComplexity }) => 20 + childComplexity,
  })
  workers(@Context() ctx: GraphqlContext): Promise<WorkersDto> {
    if (!isStaffRole(ctx.principal.role)) throw new DomainError('FORBIDDEN', 'staff only');
    return this.workersService.snapshotFor(ctx.principal);
  }
}
