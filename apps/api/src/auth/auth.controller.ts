import { Controller, Get, Headers, HttpCode, Ip, Post, Res } from '@nestjs/common';
import {
  LoginRequestSchema,
  SESSION_COOKIE,
  SessionDtoSchema,
  SignedInUserDtoSchema,
  type ParsedLoginRequest,
  type SessionDto,
  type SignedInUserDto,
} from '@gradlab/contracts';
import type { Response } from 'express';
import { AppConfig } from '../config/app-config';
import { CurrentPrincipal, Public } from './auth.decorators';
import { DomainError } from '../common/domain-error';
import { ApiDoc, ValidBody } from '../docs/api-route';
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
  @HttpCode(200)
  @ApiDoc('Dashboard sign-in: sets the httpOnly session cookie', {
    200: ['signed in', SignedInUserDtoSchema],
    400: 'bad input',
    401: 'wrong email or password',
    429: 'too many attempts for this email or address',
  })
  async login(
    @ValidBody(LoginRequestSchema, 'login') request: ParsedLoginRequest,
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
  @HttpCode(204)
  @ApiDoc('Ends the session', { 204: 'signed out' })
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
  @ApiDoc('Who is signed in, or { user: null }: never a 401', {
    200: ['{ user }, null when signed out', SessionDtoSchema],
  })
  async session(
    @Headers('authorization') authorization: string | undefined,
    @Headers('cookie') cookie: string | undefined,
  ): Promise<SessionDto> {
    const principal = await this.auth.authenticate(authorization, cookie);
    return { user: principal ? toMe(principal) : null };
  }

  @Get('me')
  @ApiDoc('Who is calling', { 200: ['the caller', SignedInUserDtoSchema] })
  me(@CurrentPrincipal() principal: Principal): SignedInUserDto {
    return toMe(principal);
  }
}
