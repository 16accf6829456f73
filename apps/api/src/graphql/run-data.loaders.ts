import { Injectable } from '@nestjs/common';
import type { EpochDto, GradientFlowDto } from '@gradlab/contracts';
import DataLoader from 'dataloader';
import { RunRepository } from '../runs/run.repository';
import type { GraphqlContext } from './graphql-context';

interface RunLoaders {
  epochs: DataLoader<string, EpochDto[]>;
  gradientFlow: DataLoader<{ runId: string; epoch: number | null }, GradientFlowDto | null>;
}

/**
 * Batches a run list's `epochs` and `gradientFlow` fields: one query for all the runs of a page instead of
 * two a run. The runs came from a team-scoped query, so their fields need no team check of their own.
 * Loaders are per request (per context) and batch without caching: a subscription's context lives long.
 */
@Injectable()
export class RunDataLoaders {
  private readonly perRequest = new WeakMap<GraphqlContext, RunLoaders>();

  constructor(private readonly repository: RunRepository) {}

  for(ctx: GraphqlContext): RunLoaders {
    let loaders = this.perRequest.get(ctx);
    if (!loaders) {
      loaders = {
        epochs: new DataLoader((runIds) => this.repository.epochsOfRuns(runIds), { cache: false }),
        gradientFlow: new DataLoader((requests) => this.repository.gradientFlowOfRuns(requests), { cache: false }),
      };
      this.perRequest.set(ctx, loaders);
    }
    return loaders;
  }
}
