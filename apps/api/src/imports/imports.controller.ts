import { Controller, Post, UploadedFiles, UseInterceptors } from '@nestjs/common';
import { AnyFilesInterceptor } from '@nestjs/platform-express';
import { ImportFieldsSchema, RunDtoSchema, type ImportFields, type RunDto } from '@gradlab/contracts';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ApiDoc, ValidFormFields } from '../docs/api-route';
import { ImportsService, type UploadedFile } from './imports.service';

/** Most files one import holds (two CSVs and the framework's figures), and the largest. */
const MAX_FILES = 20;
const MAX_FILE_BYTES = 20 * 1024 * 1024;

@Controller('imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  /** multipart/form-data: summary.csv, test_summary.csv (optional), name and folder (optional). */
  @Post()
  @UseInterceptors(AnyFilesInterceptor({ limits: { files: MAX_FILES, fileSize: MAX_FILE_BYTES } }))
  @ApiDoc("Import the course framework's result folder as a read-only run (kind: imported)", {
    201: ['the imported run', RunDtoSchema],
    400: 'a bad file: errors name the file, line and column; nothing was stored',
  })
  create(
    @CurrentPrincipal() principal: Principal,
    @ValidFormFields(
      ImportFieldsSchema,
      'import',
      'summary.csv, test_summary.csv (optional), the .pdf/.png figures (ignored)',
    )
    fields: ImportFields,
    @UploadedFiles() files: UploadedFile[] = [],
  ): Promise<RunDto> {
    return this.imports.import(principal, fields, files);
  }
}
