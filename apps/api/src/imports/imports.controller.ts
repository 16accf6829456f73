import { Body, Controller, Post, UploadedFiles, UseInterceptors } from '@nestjs/common';
import { AnyFilesInterceptor } from '@nestjs/platform-express';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { Answers, ApiDoc, FormBody } from '../docs/api-route';
import { ImportFields, RunDto } from '../docs/contract-dtos';
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
    400: 'a bad file: errors name the file, line and column; nothing was stored',
  })
  @FormBody(ImportFields, 'summary.csv, test_summary.csv (optional), the .pdf/.png figures (ignored)')
  @Answers(201, 'the imported run', RunDto)
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() fields: ImportFields,
    @UploadedFiles() files: UploadedFile[] = [],
  ): Promise<RunDto> {
    return this.imports.import(principal, fields, files);
  }
}
