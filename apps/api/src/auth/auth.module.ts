import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { CredentialsRepository } from './credentials.repository';
import { FirstAdmin } from './first-admin';
import { LiveConnections } from './live-connections';
import { LoginLimiterService } from './login-limiter.service';
import { PrincipalCache } from './principal-cache';
import { TeamsAndUsersController } from './teams-and-users.controller';
import { TeamsAndUsersService } from './teams-and-users.service';

@Global()
@Module({
  controllers: [AuthController, TeamsAndUsersController, ApiKeysController],
  providers: [
    AuthService,
    CredentialsRepository,
    FirstAdmin,
    TeamsAndUsersService,
    ApiKeysService,
    LiveConnections,
    LoginLimiterService,
    PrincipalCache,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthService, LiveConnections],
})
export class AuthModule {}
