import { Injectable } from '@nestjs/common';
import { RUN_STATUSES, type CohortDto, type CohortMemberDto, type RunStatus } from '@gradlab/contracts';
import { teamScope } from '../auth/access-scopes';
import type { Principal } from '../auth/principal';
import { Prisma } from '../generated/prisma/client';
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
    const [teams, members, findings, groups] = await Promise.all([
      this.prisma.team.findMany({
        where: teamScope(principal, 'id'),
        orderBy: { name: 'asc' },
        include: { users: { orderBy: { email: 'asc' }, select: { id: true, email: true, role: true } } },
      }),
      // Counted where the runs lie: a course's 100,000 runs never travel to the api (bench:load's Scale phase).
      this.prisma.$queryRaw<MemberRow[]>`
        SELECT "createdById" AS "userId", count(*)::int AS total,
               ${Prisma.join(
                 // the statuses are gradlab's own names: safe as column aliases
                 RUN_STATUSES.map(
                   (status) =>
                     Prisma.sql`count(*) FILTER (WHERE status = ${status}::"RunStatus")::int AS ${Prisma.raw(`"${status}"`)}`,
                 ),
               )} ,
               count(*) FILTER (WHERE jsonb_typeof(findings) = 'array' AND jsonb_array_length(findings) = 0
                                AND "epochsCompleted" > 0)::int AS "healthyRuns",
               round(coalesce(sum(extract(epoch FROM coalesce("finishedAt",
                   CASE WHEN status = 'running' THEN (now() AT TIME ZONE 'UTC') ELSE "startedAt" END) - "startedAt") * 1000)
                 FILTER (WHERE kind = 'trained' AND "startedAt" IS NOT NULL), 0))::float8 AS "workerMs",
               max("createdAt") AS "lastRunAt"
        FROM "Run"
        WHERE "createdById" IS NOT NULL AND (${team}::uuid IS NULL OR "teamId" = ${team}::uuid)
        GROUP BY "createdById"`,
      // a run counts once for each code its findings hold
      this.prisma.$queryRaw<{ userId: string; code: string; runs: number }[]>`
        SELECT r."createdById" AS "userId", codes.code, count(*)::int AS runs
        FROM "Run" r
        CROSS JOIN LATERAL (SELECT DISTINCT f->>'code' AS code FROM jsonb_array_elements(r.findings) f) codes
        WHERE r."createdById" IS NOT NULL AND jsonb_typeof(r.findings) = 'array'
          AND (${team}::uuid IS NULL OR r."teamId" = ${team}::uuid)
        GROUP BY r."createdById", codes.code`,
      this.prisma.runGroup.groupBy({
        by: ['createdById'],
        where: teamScope(principal, 'teamId'),
        _count: { _all: true },
      }),
    ]);
    const rowOf = new Map(members.map((m) => [m.userId, m]));
    const memberOf = (user: { id: string; email: string; role: string }): CohortMemberDto => {
      const row = rowOf.get(user.id);
      return {
        userId: user.id,
        email: user.email,
        role: user.role,
        runs: {
          total: row?.total ?? 0,
          ...Object.fromEntries(RUN_STATUSES.map((status) => [status, row?.[status] ?? 0])),
        },
        groups: groups.find((g) => g.createdById === user.id)?._count._all ?? 0,
        findings: Object.fromEntries(findings.filter((f) => f.userId === user.id).map((f) => [f.code, f.runs])),
        healthyRuns: row?.healthyRuns ?? 0,
        workerMs: row?.workerMs ?? 0,
        lastRunAt: row?.lastRunAt ? row.lastRunAt.toISOString() : null,
      };
    };
    return {
      teams: teams.map((t) => ({ id: t.id, name: t.name, members: t.users.map(memberOf) })),
    };
  }
}

/** A member's runs as Postgres counts them, with the runs of each status under its name. */
type MemberRow = Record<RunStatus, number> & {
  userId: string;
  total: number;
  healthyRuns: number;
  workerMs: number;
  lastRunAt: Date | null;
};
