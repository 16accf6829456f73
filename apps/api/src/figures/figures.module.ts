import { Module } from '@nestjs/common';
import { GroupsModule } from '../groups/groups.module';
import { RunsModule } from '../runs/runs.module';
import { FiguresController } from './figures.controller';
import { FiguresService } from './figures.service';
import { ReportPackService } from './report-pack.service';
import { RunFilesService } from './run-files.service';

@Module({
  imports: [RunsModule, GroupsModule],
  controllers: [FiguresController],
  providers: [FiguresService, RunFilesService, ReportPackService],
})
export class FiguresModule {}
