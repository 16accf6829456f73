import { Body, Controller, Get, Headers, HttpCode, Param, Put, Res } from '@nestjs/common';
import type { Response } from 'express';
import { WorkerOnly } from '../auth/auth.decorators';
import { CheckpointsService } from './checkpoints.service';

/**
 * Workers upload a run's latest and best-validation checkpoints here, and download them to resume.
 * Workers only (the worker token; never a user's key). Bodies are raw bytes (application/octet-stream); the epoch travels in `x-gradlab-epoch`.
 */
@WorkerOnly()
@Controller('runs/:id/checkpoints')
export class CheckpointsController {
  constructor(private readonly checkpoints: CheckpointsService) {}

  @Put(':kind')
  @HttpCode(200)
  upload(@Param('id') id: string, @Param('kind') kind: string, @Headers() headers: Record<string, string | undefined>, @Body() body: unknown) {
    return this.checkpoints.store(id, kind, headers['x-gradlab-epoch'], body);
  }

  @Get(':kind')
  async download(@Param('id') id: string, @Param('kind') kind: string, @Res() response: Response) {
    const checkpoint = await this.checkpoints.load(id, kind);
    response.setHeader('content-type', 'application/octet-stream');
    response.setHeader('x-gradlab-epoch', String(checkpoint.epoch));
    response.setHeader('x-gradlab-sha256', checkpoint.sha256);
    response.end(Buffer.from(checkpoint.data));
  }
}
