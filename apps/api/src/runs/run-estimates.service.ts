import { Injectable } from '@nestjs/common';
import type { DurationEstimateDto, ExperimentConfig, RunResources } from '@gradlab/contracts';
import { BlocksService } from '../blocks/blocks.service';
import type { Principal } from '../auth/principal';
import { RunPlacementService } from '../scheduling/run-placement.service';

/**
 * How long a config will train, from the epoch times stored, with the caller's block resolved (where a queued
 * run stands: scheduling/queue-position.service.ts).
 */
@Injectable()
export class RunEstimatesService {
  constructor(
    private readonly placement: RunPlacementService,
    private readonly blocks: BlocksService,
  ) {}

  async estimate(
    principal: Principal,
    config: ExperimentConfig,
    resources?: RunResources,
  ): Promise<DurationEstimateDto> {
    return this.placement.estimate(await this.blocks.resolve(principal, config), resources);
  }
}
