import { Controller, Get } from '@nestjs/common';
import { CohortDtoSchema, type CohortDto } from '@gradlab/contracts';
import { CurrentPrincipal, StaffOnly } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ApiDoc } from '../docs/api-route';
import { CohortService } from './cohort.service';

/** Staff: their team's members with their runs, groups, findings and worker time; an admin sees every team. */
@Controller('cohort')
export class CohortController {
  constructor(private readonly cohort: CohortService) {}

  @StaffOnly()
  @Get()
  @ApiDoc('Staff: per team member, runs by status, groups, findings and worker time', {
    200: ['the cohort', CohortDtoSchema],
  })
  view(@CurrentPrincipal() principal: Principal): Promise<CohortDto> {
    return this.cohort.view(principal);
  }
}
