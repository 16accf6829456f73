import { Injectable } from '@nestjs/common';
import { ExperimentConfigSchema, type ImportFields, type RunDto } from '@gradlab/contracts';
import type { Principal } from '../auth/principal';
import { DomainError } from '../common/domain-error';
import { RunRepository } from '../runs/run.repository';
import { DiagnosisService } from '../runs/diagnosis.service';
import { PrismaService } from '../prisma/prisma.service';
import { toRunDto } from '../runs/run.mapper';
import { ImportFileError, networkFromFolderName, readFrameworkResults } from './framework-results';

/** An uploaded file: its name as sent, and its bytes. */
export interface UploadedFile {
  originalname: string;
  buffer: Buffer;
}

/** Figures the framework saved may come along; they are not needed (gradlab draws its own) and not kept. */
const IGNORED = /\.(pdf|png)$/i;

/** The course's recipe: the learning rate each imported epoch had (the files do not say). */
const cosine = (epoch: number, epochs: number) =>
  2e-5 + ((1e-3 - 2e-5) * (1 + Math.cos((Math.PI * epoch) / epochs))) / 2;

/**
 * Imports a course framework result folder as a read-only run of the caller's team (`kind: imported`): its
 * epochs from summary.csv, its test metrics from test_summary.csv. Everything is checked before anything
 * is stored, and the run and its epochs are stored in one transaction.
 */
@Injectable()
export class ImportsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly runs: RunRepository,
    private readonly diagnosis: DiagnosisService,
  ) {}

  async import(principal: Principal, { name, folder }: ImportFields, files: UploadedFile[]): Promise<RunDto> {
    const byName = new Map(files.map((f) => [f.originalname.split(/[\\/]/).pop() as string, f]));
    const unknown = [...byName.keys()].filter(
      (n) => n !== 'summary.csv' && n !== 'test_summary.csv' && !IGNORED.test(n),
    );
    if (unknown.length)
      throw new DomainError(
        'VALIDATION_FAILED',
        `invalid import: unexpected file ${unknown[0]} (send summary.csv, test_summary.csv and the framework's .pdf/.png figures)`,
        [{ field: unknown[0], message: 'not a result file' }],
      );
    const summary = byName.get('summary.csv');
    if (!summary)
      throw new DomainError('VALIDATION_FAILED', 'invalid import: summary.csv is missing', [
        { field: 'summary.csv', message: 'is required' },
      ]);
    let results: ReturnType<typeof readFrameworkResults>;
    try {
      results = readFrameworkResults(
        summary.buffer.toString('utf8'),
        byName.get('test_summary.csv')?.buffer.toString('utf8') ?? null,
      );
    } catch (error) {
      if (error instanceof ImportFileError)
        throw new DomainError('VALIDATION_FAILED', `invalid import: ${error.message}`, error.errors);
      throw error;
    }

    const network = networkFromFolderName(folder ?? name ?? '');
    const epochs = results.epochs.length;
    const config = ExperimentConfigSchema.parse({
      model: { numBlocksPerStage: network?.numBlocksPerStage ?? 5 },
      training: { epochs: Math.min(epochs, 1000) },
      data: { dataset: 'cifar100' },
    });
    const best = results.epochs.reduce((b, e, i) => (e.valAccuracy > results.epochs[b].valAccuracy ? i : b), 0);
    const run = await this.prisma.$transaction(async (tx) => {
      const created = await this.runs.createImported(tx, principal, {
        name: name ?? folder ?? 'imported run',
        config,
        architecture: network?.architecture ?? 'imported',
        epochs,
        bestEpoch: best,
        bestValAccuracy: results.epochs[best].valAccuracy,
        testAccuracy: results.test?.accuracy ?? null,
        testLoss: results.test?.loss ?? null,
      });
      await tx.epoch.createMany({
        data: results.epochs.map((e, index) => ({
          runId: created.id,
          index,
          ...e,
          learningRate: cosine(index, epochs),
          durationMs: 0,
        })),
      });
      return created;
    });
    // Diagnosed once, as a trained run is after each epoch: its findings count in the staff cohort view.
    await this.diagnosis.refresh(run.id);
    return toRunDto(run);
  }
}
