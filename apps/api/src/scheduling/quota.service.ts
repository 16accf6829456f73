import { Injectable } from '@nestjs/common';
import type { QuotaDto, TeamShareRequest } from '@gradlab/contracts';
import { teamScope } from '../auth/access-scopes';
import type { Principal } from '../auth/principal';
import { DomainError } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { PrismaService } from '../prisma/prisma.service';
import { SchedulingRepository } from './scheduling.repository';
import { nextWeekStart, overWeeklyBudget, weekStart } from './scheduling-policy';

const HOUR_MS = 3600_000;
const hours = (ms: number) => Math.round((ms / HOUR_MS) * 1000) / 1000;

/**
 * Teams' budgets and weights (Kubernetes' ResourceQuota, in worker hours a week): staff set them, a
 * submission past the budget is refused with 429, and a run already running finishes.
 */
@Injectable()
export class QuotaService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {}

  /** The caller's team's use against its budget. */
  async own(principal: Principal): Promise<QuotaDto> {
    return (await this.quotas([principal.teamId]))[0];
  }

  /** Every team the caller may manage: staff their own, an admin every team. */
  async teams(principal: Principal): Promise<QuotaDto[]> {
    const teams = await this.prisma.team.findMany({ where: teamScope(principal, 'id'), select: { id: true } });
    return this.quotas(teams.map((t) => t.id));
  }

  async quotas(teamIds: string[]): Promise<QuotaDto[]> {
    const now = new Date();
    const windowStart = new Date(now.getTime() - this.config.fairShareWindowMs);
    const [teams, use, queued] = await Promise.all([
      this.prisma.team.findMany({ where: { id: { in: teamIds } }, orderBy: { name: 'asc' } }),
      SchedulingRepository.teamUse(this.prisma, windowStart, weekStart(now), teamIds),
      this.prisma.run.groupBy({
        by: ['teamId'],
        where: { teamId: { in: teamIds }, status: 'queued', dispatchedAt: null },
        _count: { _all: true },
      }),
    ]);
    return teams.map((team) => {
      const usedMs = use.get(team.id)?.weekMs ?? 0;
      const spent = overWeeklyBudget(team.weeklyBudgetHours, usedMs);
      return {
        teamId: team.id,
        teamName: team.name,
        weight: team.shareWeight,
        weeklyBudgetHours: team.weeklyBudgetHours,
        usedHours: hours(usedMs),
        weekStartsAt: weekStart(now).toISOString(),
        freesAt: spent ? nextWeekStart(now).toISOString() : null,
        windowHours: this.config.fairShareWindowMs / HOUR_MS,
        windowUsedHours: hours(use.get(team.id)?.windowMs ?? 0),
        queued: queued.find((q) => q.teamId === team.id)?._count._all ?? 0,
      };
    });
  }

  /** Before a submission: 429 with the budget, what is used and when it frees up, once the week's is spent. */
  async checkBudget(principal: Principal): Promise<void> {
    const quota = await this.own(principal);
    if (quota.weeklyBudgetHours === null || quota.freesAt === null) return;
    throw new DomainError(
      'QUOTA_EXCEEDED',
      `team ${quota.teamName} has used ${quota.usedHours} of its ${quota.weeklyBudgetHours} worker hours this week; the budget frees up at ${quota.freesAt} (runs already running finish)`,
      undefined,
      Math.max(1, Math.ceil((Date.parse(quota.freesAt) - Date.now()) / 1000)),
      { budgetHours: quota.weeklyBudgetHours, usedHours: quota.usedHours, freesAt: quota.freesAt },
    );
  }

  /** Staff set their team's weight and budget; an admin any team's. */
  async setShare(principal: Principal, teamId: string, request: TeamShareRequest): Promise<QuotaDto> {
    if (principal.role === 'student') throw new DomainError('FORBIDDEN', "only staff set a team's share and budget");
    const team = await this.prisma.team.findFirst({ where: { id: teamId, ...teamScope(principal, 'id') } });
    if (!team) throw new DomainError('NOT_FOUND', `team ${teamId} not found`);
    await this.prisma.team.update({
      where: { id: teamId },
      data: {
        ...(request.weight !== undefined ? { shareWeight: request.weight } : {}),
        ...(request.weeklyBudgetHours !== undefined ? { weeklyBudgetHours: request.weeklyBudgetHours } : {}),
      },
    });
    return (await this.quotas([teamId]))[0];
  }
}
