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
import { TeamsAndUsersService } from './teams-and-users.service';
import { UsersController } from './users.controller';

@Global()
@Module({
  controllers: [AuthController, UsersController, ApiKeysController],
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
  exports: [AuthService, LiveConnections, TeamsAndUsersService],
})
export class AuthModule {}
