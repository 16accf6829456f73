import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module';
import { ImportsController } from './imports.controller';
import { ImportsService } from './imports.service';

@Module({ imports: [RunsModule], controllers: [ImportsController], providers: [ImportsService] })
export class ImportsModule {}
