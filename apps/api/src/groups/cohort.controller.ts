import { Controller, Get } from '@nestjs/common';
import { CurrentPrincipal, StaffOnly } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { Answers, ApiDoc } from '../docs/api-route';
import { CohortDto } from '../docs/contract-dtos';
import { CohortService } from './cohort.service';

/** Staff: their team's members with their runs, groups, findings and worker time; an admin sees every team. */
@Controller('cohort')
export class CohortController {
  constructor(private readonly cohort: CohortService) {}

  @StaffOnly()
  @Get()
  @ApiDoc('Staff: per team member, runs by status, groups, findings and worker time')
  @Answers(200, 'the cohort', CohortDto)
  view(@CurrentPrincipal() principal: Principal): Promise<CohortDto> {
    return this.cohort.view(principal);
  }
}
