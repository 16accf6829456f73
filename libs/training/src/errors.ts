import { promises as fs } from 'node:fs';

/** Errors a retry cannot fix: the job is failed at once, with this message. */
export class FinalTrainingError extends Error {
  readonly final = true;
}

/** A data file that is missing, truncated or not in the format it claims: names the file. */
export class DataFileError extends FinalTrainingError {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`data file ${file}: ${reason}`);
    this.name = 'DataFileError';
  }
}

/** Thrown out of the training loop when the run was cancelled. */
export class RunCancelledError extends Error {
  constructor(readonly runId: string) {
    super(`run ${runId} was cancelled`);
    this.name = 'RunCancelledError';
  }
}

/** Reads a data file whole, or throws a DataFileError naming it. */
export async function readDataFile(file: string): Promise<Buffer> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    throw new DataFileError(file, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : String(error));
  }
}
