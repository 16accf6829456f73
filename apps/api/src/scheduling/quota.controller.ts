import { Controller, Get } from '@nestjs/common';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { Answers, ApiDoc } from '../docs/api-route';
import { QuotaDto } from '../docs/contract-dtos';
import { QuotaService } from './quota.service';

/** The caller's team's worker-time budget and fair-share standing (every team's: GET /api/teams/quota). */
@Controller('quota')
export class QuotaController {
  constructor(private readonly quota: QuotaService) {}

  @Get()
  @ApiDoc("The caller's team: worker hours used this week against its budget, and its fair-share standing")
  @Answers(200, 'the quota', QuotaDto)
  own(@CurrentPrincipal() principal: Principal): Promise<QuotaDto> {
    return this.quota.own(principal);
  }
}
