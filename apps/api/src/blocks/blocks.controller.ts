import { Controller, Delete, Get, Header, HttpCode, Post } from '@nestjs/common';
import {
  BlockCheckDtoSchema,
  BlockDtoSchema,
  CreateBlockRequestSchema,
  type BlockCheckDto,
  type BlockDto,
} from '@gradlab/contracts';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ApiDoc, IdParam, ValidBody } from '../docs/api-route';
import { BlocksService } from './blocks.service';

const CheckBlockRequestSchema = z.strictObject({ block: z.unknown().describe('a gradlab.block/1 document') });

/** The team's own blocks (gradlab.block/1): checked, stored, exported to the course framework. */
@Controller('blocks')
export class BlocksController {
  constructor(private readonly blocks: BlocksService) {}

  @Post()
  @ApiDoc('Add a block to your team’s library', {
    201: ['stored', BlockDtoSchema],
    400: 'the block is unsound: `errors` names each node at fault (`block.<graph>.<node>`) and the shapes involved',
    409: 'your team has a block of that name (blocks never change: a new version takes a new name)',
  })
  create(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(CreateBlockRequestSchema, 'block') request: z.output<typeof CreateBlockRequestSchema>,
  ): Promise<BlockDto> {
    return this.blocks.create(principal, request.name, request.block);
  }

  /** The editor's check as the student types: never stores anything. */
  @Post('check')
  @HttpCode(200)
  @ApiDoc('Check a block without storing it: errors by node, the shapes inferred, parameter counts', {
    200: ['the check', BlockCheckDtoSchema],
    400: 'no block in the body',
  })
  check(@ValidBody(CheckBlockRequestSchema, 'check') request: { block?: unknown }): BlockCheckDto {
    return this.blocks.check(request.block);
  }

  @Get()
  @ApiDoc('Your team’s blocks, newest first', { 200: ['the blocks', z.array(BlockDtoSchema)] })
  list(@CurrentPrincipal() principal: Principal): Promise<BlockDto[]> {
    return this.blocks.list(principal);
  }

  @Get(':id')
  @ApiDoc('One block', { 200: ['the block', BlockDtoSchema], 404: 'no such block in your team' })
  get(@CurrentPrincipal() principal: Principal, @IdParam('block') id: string): Promise<BlockDto> {
    return this.blocks.get(principal, id);
  }

  @Get(':id/pytorch')
  @Header('content-type', 'text/x-python; charset=utf-8')
  @ApiDoc('The block as a Python module for the course framework (pytorch_mlp_framework)', {
    200: {
      description: 'the two block classes, the --block_type clause and a test that they fprop',
      content: { 'text/x-python': { schema: { type: 'string' } } },
    },
    404: 'no such block in your team',
  })
  async pytorch(@CurrentPrincipal() principal: Principal, @IdParam('block') id: string): Promise<string> {
    return (await this.blocks.pytorch(principal, id)).code;
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiDoc('Delete a block no run trains', {
    204: 'deleted',
    404: 'no such block in your team',
    409: 'runs train it: it stays, as their history',
  })
  delete(@CurrentPrincipal() principal: Principal, @IdParam('block') id: string): Promise<void> {
    return this.blocks.delete(principal, id);
  }
}
