import { StreamableFile } from '@nestjs/common';
import type { FigureFile } from './figures.service';

/** The OpenAPI schema of a figure's file name. */
export const FIGURE_FILE = { type: 'string', example: 'learning-curves.pdf' };

/**
 * A file to save: its type, and the name the browser saves it under. Every download route answers through it,
 * so that one place says how a download is named and typed (Content-Disposition).
 */
export function download(file: FigureFile): StreamableFile {
  return new StreamableFile(file.body, {
    type: file.contentType,
    disposition: `attachment; filename="${file.fileName}"`,
    length: file.body.length,
  });
}
