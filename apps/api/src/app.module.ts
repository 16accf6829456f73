import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { redisConnectionFromUrl } from '@gradlab/contracts';
import { AuthModule } from './auth/auth.module';
import { BlocksModule } from './blocks/blocks.module';
import { ContractValidationPipe } from './common/contract-validation.pipe';
import { DomainErrorFilter } from './common/domain-error.filter';
import { AppConfig } from './config/app-config';
import { GraphqlApiModule } from './graphql/graphql-api.module';
import { GroupsModule } from './groups/groups.module';
import { HealthModule } from './health/health.module';
import { PrismaModule } from './prisma/prisma.module';
import { RedisModule } from './redis/redis.module';
import { FiguresModule } from './figures/figures.module';
import { ImportsModule } from './imports/imports.module';
import { CheckpointsModule } from './checkpoints/checkpoints.module';
import { LiveEventsModule } from './live-events/live-events.module';
import { RunEventsModule } from './run-events/run-events.module';
import { RunsModule } from './runs/runs.module';
import { TeamsModule } from './teams/teams.module';
import { WorkersModule } from './workers/workers.module';

@Global()
@Module({})
class ConfigModule {
  static forConfig(config: AppConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: AppConfig, useValue: config }], exports: [AppConfig] };
  }
}

@Module({})
export class AppModule {
  static forConfig(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forConfig(config),
        BullModule.forRoot({ connection: redisConnectionFromUrl(config.redisUrl), prefix: config.queuePrefix }),
        PrismaModule,
        RedisModule,
        AuthModule,
        RunsModule,
        TeamsModule,
        BlocksModule,
        RunEventsModule,
        LiveEventsModule,
        CheckpointsModule,
        GroupsModule,
        FiguresModule,
        ImportsModule,
        WorkersModule,
        GraphqlApiModule,
        HealthModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: DomainErrorFilter },
        { provide: APP_PIPE, useClass: ContractValidationPipe },
      ],
    };
  }
}
