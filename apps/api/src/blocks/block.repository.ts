import { Injectable } from '@nestjs/common';
import type { BlockDocument } from '@gradlab/contracts';
import { Prisma } from '../generated/prisma/client';
import type { Principal } from '../auth/principal';
import { DomainError } from '../common/domain-error';
import { isUuid } from '../common/is-uuid';
import { PrismaService } from '../prisma/prisma.service';

/** A stored block with how many runs train it. */
export interface StoredBlock {
  id: string;
  name: string;
  document: BlockDocument;
  createdAt: Date;
  runCount: number;
}

const SELECT = {
  id: true,
  name: true,
  document: true,
  createdAt: true,
  _count: { select: { runs: true } },
} as const;

type BlockRow = Prisma.BlockGetPayload<{ select: typeof SELECT }>;

function toStored(row: BlockRow): StoredBlock {
  return {
    id: row.id,
    name: row.name,
    document: row.document as unknown as BlockDocument,
    createdAt: row.createdAt,
    runCount: row._count.runs,
  };
}

/** Block queries and writes, within the caller's team: another team's block is answered like none. */
@Injectable()
export class BlockRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Stores a checked block; a name the team already uses is a CONFLICT (blocks never change). */
  async create(principal: Pick<Principal, 'teamId' | 'userId'>, name: string, document: BlockDocument) {
    try {
      const row = await this.prisma.block.create({
        data: { teamId: principal.teamId, createdById: principal.userId, name, document: document as object },
        select: SELECT,
      });
      return toStored(row);
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw new DomainError(
          'CONFLICT',
          `your team already has a block named ${name}: blocks never change, so give the new one another name`,
          [{ field: 'name', message: 'already used by a block of your team' }],
        );
      }
      throw error;
    }
  }

  async list(principal: Pick<Principal, 'teamId'>): Promise<StoredBlock[]> {
    const rows = await this.prisma.block.findMany({
      where: { teamId: principal.teamId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select: SELECT,
    });
    return rows.map(toStored);
  }

  async find(principal: Pick<Principal, 'teamId'>, id: string): Promise<StoredBlock> {
    const row = isUuid(id)
      ? await this.prisma.block.findFirst({ where: { id, teamId: principal.teamId }, select: SELECT })
      : null;
    if (!row) throw new DomainError('NOT_FOUND', `block ${id} not found`);
    return toStored(row);
  }

  /** Deletes a block no run trains; one in use is a CONFLICT (the foreign key refuses it too). */
  async delete(principal: Pick<Principal, 'teamId'>, id: string): Promise<void> {
    const block = await this.find(principal, id);
    const { count } = await this.prisma.block.deleteMany({ where: { id, runs: { none: {} } } });
    if (count === 0) {
      throw new DomainError('CONFLICT', `block ${block.name} is trained by runs: it stays, as their history`);
    }
  }
}
