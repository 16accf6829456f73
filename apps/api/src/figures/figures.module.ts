import { Module } from '@nestjs/common';
import { GroupsModule } from '../groups/groups.module';
import { RunsModule } from '../runs/runs.module';
import { FiguresController } from './figures.controller';
import { GroupFiguresController } from './group-figures.controller';
import { ReportPackController } from './report-pack.controller';
import { RunDownloadsController } from './run-downloads.controller';
import { RunsTableController } from './runs-table.controller';
import { FiguresService } from './figures.service';
import { ReportPackService } from './report-pack.service';
import { RunFilesService } from './run-files.service';

/** Downloads: figures of a run, a group and several runs, a run's data files, the runs table and report packs. */
@Module({
  imports: [RunsModule, GroupsModule],
  controllers: [
    ReportPackController,
    RunsTableController,
    RunDownloadsController,
    GroupFiguresController,
    FiguresController,
  ],
  providers: [FiguresService, RunFilesService, ReportPackService],
})
export class FiguresModule {}
