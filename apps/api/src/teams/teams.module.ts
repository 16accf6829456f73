import { Module } from '@nestjs/common';
import { SchedulingModule } from '../scheduling/scheduling.module';
import { TeamsController } from './teams.controller';

/** The `/api/teams` routes, one controller over the team services of auth/ and scheduling/. */
@Module({
  imports: [SchedulingModule],
  controllers: [TeamsController],
})
export class TeamsModule {}
