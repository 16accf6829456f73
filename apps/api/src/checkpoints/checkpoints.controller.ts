import { Body, Controller, Get, Headers, Put, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader } from '@nestjs/swagger';
import type { Response } from 'express';
import { WorkerOnly } from '../auth/auth.decorators';
import { Answers, AnswersFile, ApiDoc, IdParam, PathParam } from '../docs/api-route';
import { CheckpointsService } from './checkpoints.service';

const kind = { type: 'string', enum: ['latest', 'best'] };

/**
 * Workers upload a run's latest and best-validation checkpoints here, and download them to resume.
 * Workers only (the worker token; never a user's key). Bodies are raw bytes (application/octet-stream), which
 * no contract describes: the service checks them, the epoch header (`x-gradlab-epoch`) and the kind.
 */
@WorkerOnly()
@Controller('runs/:id/checkpoints')
export class CheckpointsController {
  constructor(private readonly checkpoints: CheckpointsService) {}

  @Put(':kind')
  @ApiDoc('Upload a checkpoint (workers)', { 400: 'bad kind, epoch or body', 404: 'no such run' })
  @ApiHeader({
    name: 'x-gradlab-epoch',
    required: true,
    schema: { type: 'integer', minimum: 0, maximum: 2_147_483_647 },
  })
  @ApiConsumes('application/octet-stream')
  @ApiBody({ required: true, schema: {} })
  @Answers(200, 'stored, or ignored when a newer one is stored')
  upload(
    @IdParam('run') id: string,
    @PathParam('kind', kind) kindName: string,
    @Headers('x-gradlab-epoch') epoch: string | undefined,
    @Body() body: unknown,
  ) {
    return this.checkpoints.store(id, kindName, epoch, body);
  }

  @Get(':kind')
  @ApiDoc('Download a checkpoint (workers)', { 404: 'none stored' })
  @AnswersFile('checkpoint bytes; epoch in x-gradlab-epoch, SHA-256 in x-gradlab-sha256')
  async download(@IdParam('run') id: string, @PathParam('kind', kind) kindName: string, @Res() response: Response) {
    const checkpoint = await this.checkpoints.load(id, kindName);
    response.setHeader('content-type', 'application/octet-stream');
    response.setHeader('x-gradlab-epoch', String(checkpoint.epoch));
    response.setHeader('x-gradlab-sha256', checkpoint.sha256);
    response.end(Buffer.from(checkpoint.data));
  }
}
