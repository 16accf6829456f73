import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { PrismaService } from '../prisma/prisma.service';

const KINDS = ['latest', 'best'];

/** The largest epoch a checkpoint can be of: Postgres' integer. */
const MAX_EPOCH = 2 ** 31 - 1;

@Injectable()
export class CheckpointsService {
  constructor(private readonly prisma: PrismaService) {}

  /** Stores a checkpoint unless a newer one of that kind is already stored (uploads may be retried). */
  async store(runId: string, kind: string, epochHeader: string | undefined, body: unknown) {
    this.checkKind(kind);
    // Digits only, and within Postgres' integer: "1e20" or 2147483648 would reach the database out of range.
    const epoch = /^\d{1,10}$/.test(epochHeader ?? '') ? Number(epochHeader) : NaN;
    if (!(epoch <= MAX_EPOCH))
      throw new DomainError('VALIDATION_FAILED', `header x-gradlab-epoch: must be an integer from 0 to ${MAX_EPOCH}`, [
        { field: 'x-gradlab-epoch', message: `must be an integer from 0 to ${MAX_EPOCH}` },
      ]);
    if (!Buffer.isBuffer(body) || body.length === 0)
      throw new DomainError('VALIDATION_FAILED', 'body: must be the checkpoint bytes (application/octet-stream)', [
        { field: 'body', message: 'must be application/octet-stream bytes' },
      ]);
    await this.findRun(runId);
    const data = {
      epoch,
      data: new Uint8Array(body),
      sizeBytes: body.length,
      sha256: createHash('sha256').update(body).digest('hex'),
    };
    const existing = await this.prisma.checkpoint.findUnique({
      where: { runId_kind: { runId, kind } },
      select: { epoch: true },
    });
    if (existing && existing.epoch > epoch) return { runId, kind, epoch: existing.epoch, stored: false };
    await this.prisma.checkpoint.upsert({
      where: { runId_kind: { runId, kind } },
      create: { runId, kind, ...data },
      update: data,
    });
    return { runId, kind, epoch, sizeBytes: data.sizeBytes, sha256: data.sha256, stored: true };
  }

  async load(runId: string, kind: string) {
    this.checkKind(kind);
    await this.findRun(runId);
    const checkpoint = await this.prisma.checkpoint.findUnique({ where: { runId_kind: { runId, kind } } });
    if (!checkpoint) throw new DomainError('NOT_FOUND', `run ${runId} has no ${kind} checkpoint`);
    return checkpoint;
  }

  private checkKind(kind: string): void {
    if (!KINDS.includes(kind))
      throw new DomainError('VALIDATION_FAILED', `kind: must be one of ${KINDS.join(', ')}`, [
        { field: 'kind', message: `must be one of ${KINDS.join(', ')}` },
      ]);
  }

  private async findRun(runId: string): Promise<void> {
    // The controller's @IdParam has let only uuids through.
    if (!(await this.prisma.run.findUnique({ where: { id: runId }, select: { id: true } })))
      throw new DomainError('NOT_FOUND', `run ${runId} not found`);
  }
}
