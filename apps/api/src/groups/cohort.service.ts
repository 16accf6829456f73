import { Injectable } from '@nestjs/common';
import { RUN_STATUSES, type CohortDto, type CohortMemberDto } from '@gradlab/contracts';
import { teamScope } from '../auth/access-scopes';
import type { Principal } from '../auth/principal';
import { PrismaService } from '../prisma/prisma.service';

/**
 * The staff view of the course: per team member, runs by status, groups, how many runs show each finding
 * (kept on the run by its latest diagnosis), and the worker time their runs took. Counts and codes only:
 * the runs themselves stay visible to their own team alone. Staff see their own team; an admin every team.
 */
@Injectable()
export class CohortService {
  constructor(private readonly prisma: PrismaService) {}

  async view(principal: Principal): Promise<CohortDto> {
    const now = Date.now();
    const [teams, runs, groups] = await Promise.all([
      this.prisma.team.findMany({
        where: teamScope(principal, 'id'),
        orderBy: { name: 'asc' },
        include: { users: { orderBy: { email: 'asc' }, select: { id: true, email: true, role: true } } },
      }),
      this.prisma.run.findMany({
        where: { createdById: { not: null }, ...teamScope(principal, 'teamId') },
        select: {
          createdById: true,
          status: true,
          kind: true,
          findings: true,
          startedAt: true,
          finishedAt: true,
          epochsCompleted: true,
          createdAt: true,
        },
      }),
      this.prisma.runGroup.groupBy({
        by: ['createdById'],
        where: teamScope(principal, 'teamId'),
        _count: { _all: true },
      }),
    ]);
    const members = new Map<string, CohortMemberDto>();
    const memberOf = (user: { id: string; email: string; role: string }): CohortMemberDto => ({
      userId: user.id,
      email: user.email,
      role: user.role,
      runs: { total: 0, ...Object.fromEntries(RUN_STATUSES.map((s) => [s, 0])) },
      groups: groups.find((g) => g.createdById === user.id)?._count._all ?? 0,
      findings: {},
      healthyRuns: 0,
      workerMs: 0,
      lastRunAt: null,
    });
    for (const team of teams) for (const user of team.users) members.set(user.id, memberOf(user));
    for (const run of runs) {
      const member = members.get(run.createdById as string);
      if (!member) continue;
      member.runs.total += 1;
      member.runs[run.status] += 1;
      const codes = ((run.findings ?? []) as { code: string }[]).map((f) => f.code);
      for (const code of new Set(codes)) member.findings[code] = (member.findings[code] ?? 0) + 1;
      if (codes.length === 0 && run.epochsCompleted > 0 && run.findings !== null) member.healthyRuns += 1;
      if (run.kind === 'trained' && run.startedAt)
        member.workerMs +=
          (run.finishedAt?.getTime() ?? (run.status === 'running' ? now : run.startedAt.getTime())) -
          run.startedAt.getTime();
      if (!member.lastRunAt || run.createdAt.toISOString() > member.lastRunAt)
        member.lastRunAt = run.createdAt.toISOString();
    }
    return {
      teams: teams.map((team) => ({
        id: team.id,
        name: team.name,
        members: team.users.map((u) => members.get(u.id) as CohortMemberDto),
      })),
    };
  }
}
