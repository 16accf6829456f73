import { Module } from '@nestjs/common';
import { BlockRepository } from './block.repository';
import { BlocksController } from './blocks.controller';
import { BlocksService } from './blocks.service';

/** Teams' own blocks: the library, the export, and resolving `model.block` when a run is submitted. */
@Module({
  controllers: [BlocksController],
  providers: [BlocksService, BlockRepository],
  exports: [BlocksService],
})
export class BlocksModule {}
