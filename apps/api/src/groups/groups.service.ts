import { Injectable } from '@nestjs/common';
import { summarize } from '@gradlab/analysis';
import { architectureName } from '@gradlab/models';
import { BlocksService } from '../blocks/blocks.service';
import {
  cellKey,
  type ParsedCreateGroupRequest,
  FINISHED_STATUSES,
  planGroup,
  RUN_STATUSES,
  type GridCell,
  type GroupCellDto,
  type GroupDto,
  type GroupRunDto,
  type GroupSummaryDto,
} from '@gradlab/contracts';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../common/domain-error';
import { isUuid } from '../common/is-uuid';
import type { Principal } from '../auth/principal';
import type { Run, RunGroup } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import { RunQueue } from '../runs/run-queue';
import { QuotaService } from '../scheduling/quota.service';
import { RunPlacementService } from '../scheduling/run-placement.service';
import { RunsService } from '../runs/runs.service';
import { SubmissionLimitsService } from '../runs/submission-limits.service';
import { toRunDto } from '../runs/run.mapper';
import { RunRepository } from '../runs/run.repository';
import { storedConfig } from '../common/stored-config';

const counts = (runs: readonly Pick<Run, 'status'>[]) =>
  Object.fromEntries(RUN_STATUSES.map((s) => [s, runs.filter((r) => r.status === s).length]));

function toGroupRunDto(run: Run): GroupRunDto {
  return {
    ...toRunDto(run),
    seed: storedConfig(run).training.seed,
    cell: (run.cell ?? {}) as GridCell,
  };
}

/** The grid's cells, in submission order, with mean +- std of best validation and test accuracy; the best marked. */
function groupCells(runs: readonly GroupRunDto[]): GroupCellDto[] {
  const byKey = new Map<string, GroupRunDto[]>();
  for (const run of runs) {
    const key = cellKey(run.cell);
    const members = byKey.get(key) ?? [];
    members.push(run);
    byKey.set(key, members);
  }
  const cells = [...byKey.entries()].map(([key, members]) => {
    const stat = (values: (number | null)[]) => {
      const { mean, std, n } = summarize(values);
      return { mean, std, n };
    };
    return {
      key,
      cell: members[0].cell,
      runIds: members.map((r) => r.id),
      bestValAccuracy: stat(members.map((r) => r.bestValAccuracy)),
      testAccuracy: stat(members.map((r) => r.testAccuracy)),
      best: false,
    };
  });
  const scored = cells.filter((c) => c.bestValAccuracy.mean !== null);
  if (scored.length > 0)
    scored.reduce((a, b) => ((b.bestValAccuracy.mean as number) > (a.bestValAccuracy.mean as number) ? b : a)).best =
      true;
  return cells;
}

/**
 * Seed groups and sweeps: one request queues the cross product of seeds and grid cells as runs of the group,
 * all or none (they count against the team's queue cap together), and the group is listed, shown and
 * cancelled as a whole.
 */
@Injectable()
export class GroupsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly runs: RunsService,
    private readonly runRows: RunRepository,
    private readonly queue: RunQueue,
    private readonly limits: SubmissionLimitsService,
    private readonly quota: QuotaService,
    private readonly placement: RunPlacementService,
    private readonly config: AppConfig,
    private readonly blocks: BlocksService,
  ) {}

  async create(principal: Principal, submitted: ParsedCreateGroupRequest): Promise<GroupDto> {
    const request = { ...submitted, config: await this.blocks.resolve(principal, submitted.config) };
    const plan = planGroup(request, this.config.maxGroupRuns);
    if (!plan.ok)
      throw new DomainError(
        'VALIDATION_FAILED',
        `invalid group: ${plan.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
        plan.errors,
      );
    // One submission against the rate limits: the queue cap below counts every run.
    await this.limits.checkRate(principal);
    await this.quota.checkBudget(principal);
    const placements = await this.placement.placement(
      plan.members.map((m) => m.config),
      request.resources,
    );
    const architecture = architectureName(request.config.model);
    const model = request.config.model;
    const block = typeof model.block === 'object' ? model.block.name : model.blockType;
    const name =
      request.name ??
      `${architecture} ${block}${Object.keys(request.grid ?? {}).length ? ' sweep' : ''} x${plan.members.length}`;
    const { group, runs } = await this.limits.withQueueRoom(
      principal,
      async (tx) => {
        const group = await tx.runGroup.create({
          data: {
            name,
            teamId: principal.teamId,
            createdById: principal.userId,
            config: request.config as object,
            seeds: [...new Set(plan.members.map((m) => m.seed))],
            grid: Object.fromEntries(
              Object.entries(plan.members[0].cell).map(([alias]) => [
                alias,
                [...new Set(plan.members.map((m) => m.cell[alias]))],
              ]),
            ),
          },
        });
        const runs: Run[] = [];
        for (const [i, member] of plan.members.entries()) {
          const cell = cellKey(member.cell);
          runs.push(
            await this.runRows.createQueued(
              tx,
              principal,
              `${name}${cell ? ` ${cell}` : ''} seed ${member.seed}`,
              member.config,
              placements[i],
              { groupId: group.id, cell: cell ? member.cell : undefined },
            ),
          );
        }
        return { group, runs };
      },
      plan.members.length,
    );
    this.queue.submitted();
    return this.toGroupDto(group, runs);
  }

  async list(principal: Principal): Promise<{ items: GroupSummaryDto[] }> {
    const groups = await this.prisma.runGroup.findMany({
      where: { teamId: principal.teamId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: 200,
      include: { runs: { select: { status: true } } },
    });
    return { items: groups.map(({ runs, ...group }) => ({ ...this.summary(group, runs), size: runs.length })) };
  }

  async get(principal: Principal, id: string): Promise<GroupDto> {
    const group = await this.findGroup(principal, id);
    const runs = await this.prisma.run.findMany({
      where: { groupId: id },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return this.toGroupDto(group, runs);
  }

  /** Cancels every member still queued or running; finished ones are left as they are. */
  async cancel(principal: Principal, id: string): Promise<GroupDto> {
    await this.findGroup(principal, id);
    const open = await this.prisma.run.findMany({
      where: { groupId: id, status: { notIn: [...FINISHED_STATUSES] } },
      select: { id: true },
    });
    for (const run of open) {
      await this.runs.cancel(principal, run.id).catch((error: unknown) => {
        if (!(error instanceof DomainError && error.code === 'CONFLICT')) throw error; // finished meanwhile
      });
    }
    return this.get(principal, id);
  }

  /** Another team's group is answered exactly like one that does not exist. */
  async findGroup(principal: Pick<Principal, 'teamId'>, id: string): Promise<RunGroup> {
    const group = isUuid(id) ? await this.prisma.runGroup.findFirst({ where: { id, teamId: principal.teamId } }) : null;
    if (!group) throw new DomainError('NOT_FOUND', `group ${id} not found`);
    return group;
  }

  private summary(group: RunGroup, runs: readonly Pick<Run, 'status'>[]): Omit<GroupSummaryDto, 'size'> {
    return {
      id: group.id,
      name: group.name,
      createdAt: group.createdAt.toISOString(),
      config: storedConfig(group),
      seeds: group.seeds,
      grid: group.grid as GroupDto['grid'],
      counts: counts(runs),
    };
  }

  private toGroupDto(group: RunGroup, runs: readonly Run[]): GroupDto {
    const members = runs.map(toGroupRunDto);
    return { ...this.summary(group, runs), runs: members, cells: groupCells(members) };
  }
}
