import { Body, Controller, Delete, Get, Header, Post } from '@nestjs/common';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { Answers, AnswersFile, ApiDoc, IdParam } from '../docs/api-route';
import { BlockCheckDto, BlockDto, CheckBlockRequest, CreateBlockRequest } from '../docs/contract-dtos';
import { BlocksService } from './blocks.service';

/** The team's own blocks (gradlab.block/1): checked, stored, exported to the course framework. */
@Controller('blocks')
export class BlocksController {
  constructor(private readonly blocks: BlocksService) {}

  @Post()
  @ApiDoc('Add a block to your team’s library', {
    400: 'the block is unsound: `errors` names each node at fault (`block.<graph>.<node>`) and the shapes involved',
    409: 'your team has a block of that name (blocks never change: a new version takes a new name)',
  })
  @Answers(201, 'stored', BlockDto)
  create(@CurrentPrincipal() principal: Principal, @Body() request: CreateBlockRequest): Promise<BlockDto> {
    return this.blocks.create(principal, request.name, request.block);
  }

  /** The editor's check as the student types: never stores anything. */
  @Post('check')
  @ApiDoc('Check a block without storing it: errors by node, the shapes inferred, parameter counts', {
    400: 'no block in the body',
  })
  @Answers(200, 'the check', BlockCheckDto)
  check(@Body() request: CheckBlockRequest): BlockCheckDto {
    return this.blocks.check(request.block);
  }

  @Get()
  @ApiDoc('Your team’s blocks, newest first')
  @Answers(200, 'the blocks', [BlockDto])
  list(@CurrentPrincipal() principal: Principal): Promise<BlockDto[]> {
    return this.blocks.list(principal);
  }

  @Get(':id')
  @ApiDoc('One block', { 404: 'no such block in your team' })
  @Answers(200, 'the block', BlockDto)
  get(@CurrentPrincipal() principal: Principal, @IdParam('block') id: string): Promise<BlockDto> {
    return this.blocks.get(principal, id);
  }

  @Get(':id/pytorch')
  @Header('content-type', 'text/x-python; charset=utf-8')
  @ApiDoc('The block as a Python module for the course framework (pytorch_mlp_framework)', {
    404: 'no such block in your team',
  })
  @AnswersFile('the two block classes, the --block_type clause and a test that they fprop', {
    'text/x-python': { schema: { type: 'string' } },
  })
  async pytorch(@CurrentPrincipal() principal: Principal, @IdParam('block') id: string): Promise<string> {
    return (await this.blocks.pytorch(principal, id)).code;
  }

  @Delete(':id')
  @ApiDoc('Delete a block no run trains', {
    404: 'no such block in your team',
    409: 'runs train it: it stays, as their history',
  })
  @Answers(204, 'deleted')
  delete(@CurrentPrincipal() principal: Principal, @IdParam('block') id: string): Promise<void> {
    return this.blocks.delete(principal, id);
  }
}
