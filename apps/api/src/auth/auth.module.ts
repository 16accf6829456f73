import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { LiveConnections } from './live-connections';
import { LoginLimiterService } from './login-limiter.service';
import { PeopleController } from './people.controller';
import { PeopleService } from './people.service';

@Global()
@Module({
  controllers: [AuthController, PeopleController],
  providers: [AuthService, PeopleService, LiveConnections, LoginLimiterService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, LiveConnections],
})
export class AuthModule {}
