import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { FirstAdmin } from './first-admin';
import { LiveConnections } from './live-connections';
import { LoginLimiterService } from './login-limiter.service';
import { PeopleController } from './people.controller';
import { PeopleService } from './people.service';

@Global()
@Module({
  controllers: [AuthController, PeopleController, ApiKeysController],
  providers: [
    AuthService,
    FirstAdmin,
    PeopleService,
    ApiKeysService,
    LiveConnections,
    LoginLimiterService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthService, LiveConnections],
})
export class AuthModule {}
