import { Injectable } from '@nestjs/common';
import {
  FINDING_CODES,
  RUN_STATUSES,
  type CohortDto,
  type CohortMemberDto,
  type FindingCode,
  type RunStatus,
} from '@gradlab/contracts';
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
    // null: an admin, every team
    const team = principal.role === 'admin' ? null : principal.teamId;
    const [teams, tallies, running, groups] = await Promise.all([
      this.prisma.team.findMany({
        where: teamScope(principal, 'id'),
        orderBy: { name: 'asc' },
        include: { users: { orderBy: { email: 'asc' }, select: { id: true, email: true, role: true } } },
      }),
      // Each member's tally, counted when their runs changed (MemberRunTally): a course's 100,000 runs are
      // not recounted on each read (bench:load's Scale phase).
      this.prisma.memberRunTally.findMany({ where: team ? { teamId: team } : {} }),
      // What the tally leaves to the read: the worker time of runs still running, which grows.
      this.prisma.$queryRaw<{ teamId: string; userId: string; workerMs: number }[]>`
        SELECT "teamId", "createdById" AS "userId",
               sum(extract(epoch FROM coalesce("finishedAt", now() AT TIME ZONE 'UTC') - "startedAt") * 1000)::float8
                 AS "workerMs"
        FROM "Run"
        WHERE status = 'running' AND kind = 'trained' AND "startedAt" IS NOT NULL AND "createdById" IS NOT NULL
          AND (${team}::uuid IS NULL OR "teamId" = ${team}::uuid)
        GROUP BY "teamId", "createdById"`,
      this.prisma.runGroup.groupBy({
        by: ['createdById'],
        where: teamScope(principal, 'teamId'),
        _count: { _all: true },
      }),
    ]);
    const tallyOf = new Map(tallies.map((t) => [`${t.teamId}/${t.userId}`, t]));
    const runningMsOf = new Map(running.map((r) => [`${r.teamId}/${r.userId}`, r.workerMs]));
    const memberOf = (user: { id: string; email: string; role: string }, teamId: string): CohortMemberDto => {
      const tally = tallyOf.get(`${teamId}/${user.id}`);
      const byStatus = (tally?.byStatus ?? {}) as Partial<Record<RunStatus, number>>;
      const byFinding = (tally?.byFinding ?? {}) as Partial<Record<FindingCode, number>>;
      return {
        userId: user.id,
        email: user.email,
        role: user.role,
        runs: {
          total: tally?.total ?? 0,
          ...Object.fromEntries(RUN_STATUSES.map((status) => [status, byStatus[status] ?? 0])),
        },
        groups: groups.find((g) => g.createdById === user.id)?._count._all ?? 0,
        findings: Object.fromEntries(
          FINDING_CODES.map((code): [string, number] => [code, byFinding[code] ?? 0]).filter(([, runs]) => runs > 0),
        ),
        healthyRuns: tally?.healthyRuns ?? 0,
        workerMs: Math.round((tally?.settledWorkerMs ?? 0) + (runningMsOf.get(`${teamId}/${user.id}`) ?? 0)),
        lastRunAt: tally?.lastRunAt ? tally.lastRunAt.toISOString() : null,
      };
    };
    return {
      teams: teams.map((t) => ({ id: t.id, name: t.name, members: t.users.map((user) => memberOf(user, t.id)) })),
    };
  }
}
