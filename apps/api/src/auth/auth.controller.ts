import { Body, Controller, Get, Headers, Ip, Post, Res } from '@nestjs/common';
import { SESSION_COOKIE } from '@gradlab/contracts';
import type { Response } from 'express';
import { AppConfig } from '../config/app-config';
import { CurrentPrincipal, Public } from './auth.decorators';
import { DomainError } from '../common/domain-error';
import { Answers, ApiDoc } from '../docs/api-route';
import { LoginRequest, SessionDto, SignedInUserDto } from '../docs/contract-dtos';
import { AuthService } from './auth.service';
import { LoginLimiterService } from './login-limiter.service';
import type { Principal } from './principal';

const toMe = (p: Principal) => ({
  id: p.userId,
  email: p.email,
  role: p.role,
  team: { id: p.teamId, name: p.teamName },
});

/** Dashboard sign-in: an httpOnly, SameSite=Lax session cookie (scripts and the CLI use API keys). */
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly config: AppConfig,
    private readonly limiter: LoginLimiterService,
  ) {}

  @Public()
  @Post('login')
  @ApiDoc('Dashboard sign-in: sets the httpOnly session cookie', {
    400: 'bad input',
    401: 'wrong email or password',
    429: 'too many attempts for this email or address',
  })
  @Answers(200, 'signed in', SignedInUserDto)
  async login(
    @Body() request: LoginRequest,
    @Ip() ip: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SignedInUserDto> {
    const email = request.email.trim().toLowerCase();
    await this.limiter.begin(email, ip);
    let session: Awaited<ReturnType<AuthService['login']>>;
    try {
      session = await this.auth.login(request);
    } catch (error) {
      // A wrong password stays counted; anything else (the database down) checked none.
      if (!(error instanceof DomainError && error.code === 'UNAUTHORIZED')) await this.limiter.notChecked(email, ip);
      throw error;
    }
    await this.limiter.succeeded(email, ip);
    const { token, expiresAt, principal } = session;
    response.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.secureCookies,
      path: '/',
      expires: expiresAt,
    });
    return toMe(principal);
  }

  @Public()
  @Post('logout')
  @ApiDoc('Ends the session')
  @Answers(204, 'signed out')
  async logout(
    @Headers('cookie') cookie: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    await this.auth.logout(cookie);
    response.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  /**
   * Who is signed in, or `{ user: null }`: the dashboard asks on every page, and a signed-out visitor is no
   * error (a 401 would be one in the browser's console).
   */
  @Public()
  @Get('session')
  @ApiDoc('Who is signed in, or { user: null }: never a 401')
  @Answers(200, '{ user }, null when signed out', SessionDto)
  async session(
    @Headers('authorization') authorization: string | undefined,
    @Headers('cookie') cookie: string | undefined,
  ): Promise<SessionDto> {
    const principal = await this.auth.authenticate(authorization, cookie);
    return { user: principal ? toMe(principal) : null };
  }

  @Get('me')
  @ApiDoc('Who is calling')
  @Answers(200, 'the caller', SignedInUserDto)
  me(@CurrentPrincipal() principal: Principal): SignedInUserDto {
    return toMe(principal);
  }
}
