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
    const [teams, members, groups] = await Promise.all([
      this.prisma.team.findMany({
        where: teamScope(principal, 'id'),
        orderBy: { name: 'asc' },
        include: { users: { orderBy: { email: 'asc' }, select: { id: true, email: true, role: true } } },
      }),
      // Counted where the runs lie, in one pass over them: a course's 100,000 runs never travel to the api
      // (bench:load's Scale phase). A run counts once for each finding code its findings hold.
      this.prisma.$queryRaw<MemberRow[]>`
        SELECT "createdById" AS "userId", count(*)::int AS total,
               ${Prisma.join(
                 // the statuses and finding codes are gradlab's own names: safe as column aliases
                 RUN_STATUSES.map(
                   (status) =>
                     Prisma.sql`count(*) FILTER (WHERE status = ${status}::"RunStatus")::int AS ${Prisma.raw(`"${status}"`)}`,
                 ),
               )},
               ${Prisma.join(
                 FINDING_CODES.map(
                   (code) =>
                     Prisma.sql`count(*) FILTER (WHERE findings @> ${JSON.stringify([{ code }])}::jsonb)::int AS ${Prisma.raw(`"finding:${code}"`)}`,
                 ),
               )},
               count(*) FILTER (WHERE jsonb_typeof(findings) = 'array' AND jsonb_array_length(findings) = 0
                                AND "epochsCompleted" > 0)::int AS "healthyRuns",
               round(coalesce(sum(extract(epoch FROM coalesce("finishedAt",
                   CASE WHEN status = 'running' THEN (now() AT TIME ZONE 'UTC') ELSE "startedAt" END) - "startedAt") * 1000)
                 FILTER (WHERE kind = 'trained' AND "startedAt" IS NOT NULL), 0))::float8 AS "workerMs",
               max("createdAt") AS "lastRunAt"
        FROM "Run"
        WHERE "createdById" IS NOT NULL AND (${team}::uuid IS NULL OR "teamId" = ${team}::uuid)
        GROUP BY "createdById"`,
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
        findings: Object.fromEntries(
          FINDING_CODES.map((code): [string, number] => [code, row?.[`finding:${code}`] ?? 0]).filter(
            ([, runs]) => runs > 0,
          ),
        ),
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

/** A member's runs as Postgres counts them: those of each status under its name, of each finding as `finding:code`. */
type MemberRow = Record<RunStatus, number> &
  Record<`finding:${FindingCode}`, number> & {
    userId: string;
    total: number;
    healthyRuns: number;
    workerMs: number;
    lastRunAt: Date | null;
  };
