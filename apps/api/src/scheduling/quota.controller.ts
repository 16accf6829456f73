import { Controller, Get, Put } from '@nestjs/common';
import {
  QuotaDtoSchema,
  TeamShareRequestSchema,
  TeamsQuotaDtoSchema,
  type QuotaDto,
  type TeamShareRequest,
  type TeamsQuotaDto,
} from '@gradlab/contracts';
import { CurrentPrincipal, StaffOnly } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ApiDoc, IdParam, ValidBody } from '../docs/api-route';
import { QuotaService } from './quota.service';

/** Teams' worker-time budgets and fair-share weights. */
@Controller()
export class QuotaController {
  constructor(private readonly quota: QuotaService) {}

  @Get('quota')
  @ApiDoc("The caller's team: worker hours used this week against its budget, and its fair-share standing", {
    200: ['the quota', QuotaDtoSchema],
  })
  own(@CurrentPrincipal() principal: Principal): Promise<QuotaDto> {
    return this.quota.own(principal);
  }

  @StaffOnly()
  @Get('teams/quota')
  @ApiDoc('Every team staff manage (an admin: all): use against budget, weight', {
    200: ['the teams', TeamsQuotaDtoSchema],
    403: 'students',
  })
  async teams(@CurrentPrincipal() principal: Principal): Promise<TeamsQuotaDto> {
    return { teams: await this.quota.teams(principal) };
  }

  @StaffOnly()
  @Put('teams/:id/share')
  @ApiDoc("Set a team's fair-share weight and weekly budget of worker hours (staff: their team; an admin: any)", {
    200: ['the team’s quota now', QuotaDtoSchema],
    400: 'a field is invalid',
    403: 'students',
    404: 'no such team (or not one the caller manages)',
  })
  setShare(
    @CurrentPrincipal() principal: Principal,
    @IdParam('team') id: string,
    @ValidBody(TeamShareRequestSchema, 'share') request: TeamShareRequest,
  ): Promise<QuotaDto> {
    return this.quota.setShare(principal, id, request);
  }
}
