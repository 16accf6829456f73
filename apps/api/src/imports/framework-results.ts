import type { FieldError } from '@gradlab/contracts';

/** The course framework's result_outputs files, read. */
export interface FrameworkResults {
  /** One row per epoch, in file order (row k is epoch k). */
  epochs: { trainAccuracy: number; trainLoss: number; valAccuracy: number; valLoss: number }[];
  test: { accuracy: number; loss: number } | null;
}

const SUMMARY_COLUMNS = ['train_acc', 'train_loss', 'val_acc', 'val_loss'] as const;
const TEST_SUMMARY_COLUMNS = ['test_acc', 'test_loss'] as const;
const MAX_ROWS = 10_000;

/** A problem in an imported file, named by file, line and column (as `summary.csv:3:val_acc`). */
export class ImportFileError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
  }
}

/** Rows of a CSV file with exactly these columns (in any order), every value a finite number. */
function readNumbers<C extends string>(file: string, text: string, columns: readonly C[]): Record<C, number>[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  const errors: FieldError[] = [];
  if (lines.length === 0) throw new ImportFileError([{ field: file, message: 'is empty' }]);
  const header = lines[0].split(',').map((h) => h.trim());
  const missing = columns.filter((c) => !header.includes(c));
  if (missing.length)
    throw new ImportFileError([
      {
        field: `${file}:1`,
        message: `the header lacks ${missing.join(', ')} (it has ${header.join(', ')}; expected ${columns.join(',')})`,
      },
    ]);
  if (lines.length - 1 > MAX_ROWS)
    throw new ImportFileError([{ field: file, message: `has ${lines.length - 1} rows; at most ${MAX_ROWS}` }]);
  const rows: Record<C, number>[] = [];
  lines.slice(1).forEach((line, i) => {
    const lineNumber = i + 2;
    const cells = line.split(',');
    if (cells.length !== header.length) {
      errors.push({
        field: `${file}:${lineNumber}`,
        message: `has ${cells.length} fields, the header ${header.length}`,
      });
      return;
    }
    const row = {} as Record<C, number>;
    for (const column of columns) {
      const raw = cells[header.indexOf(column)].trim();
      const value = raw === '' ? NaN : Number(raw);
      if (!Number.isFinite(value))
        errors.push({ field: `${file}:${lineNumber}:${column}`, message: `"${raw.slice(0, 40)}" is not a number` });
      row[column] = value;
    }
    rows.push(row);
  });
  if (errors.length) throw new ImportFileError(errors.slice(0, 20));
  return rows;
}

/**
 * Reads summary.csv (required, one row per epoch) and test_summary.csv (optional, one row) as the course
 * framework writes them. Any bad line throws, naming the file, line and column; nothing is half-read.
 */
export function readFrameworkResults(summary: string, testSummary: string | null): FrameworkResults {
  const rows = readNumbers('summary.csv', summary, SUMMARY_COLUMNS);
  if (rows.length === 0) throw new ImportFileError([{ field: 'summary.csv', message: 'has no epochs' }]);
  let test: FrameworkResults['test'] = null;
  if (testSummary !== null) {
    const testRows = readNumbers('test_summary.csv', testSummary, TEST_SUMMARY_COLUMNS);
    if (testRows.length !== 1)
      throw new ImportFileError([{ field: 'test_summary.csv', message: `has ${testRows.length} rows; expected 1` }]);
    test = { accuracy: testRows[0].test_acc, loss: testRows[0].test_loss };
  }
  return {
    epochs: rows.map((r) => ({
      trainAccuracy: r.train_acc,
      trainLoss: r.train_loss,
      valAccuracy: r.val_acc,
      valLoss: r.val_loss,
    })),
    test,
  };
}

/**
 * The coursework network a folder name speaks of (`VGG_38_experiment`): its depth gives the blocks per
 * stage with the course's 3 stages (depth = 2 + 3 x (2 x blocks + 2)). Null where it names no such depth.
 */
export function networkFromFolderName(folder: string): { architecture: string; numBlocksPerStage: number } | null {
  const depth = Number(/VGG_?(\d+)/i.exec(folder)?.[1]);
  if (!Number.isInteger(depth)) return null;
  const blocks = ((depth - 2) / 3 - 2) / 2;
  return Number.isInteger(blocks) && blocks >= 0
    ? { architecture: `VGG_${String(depth).padStart(2, '0')}`, numBlocksPerStage: blocks }
    : null;
}
