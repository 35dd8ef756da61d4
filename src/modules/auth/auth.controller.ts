import { Body, Controller, Get, HttpCode, HttpStatus, Post, Req, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Permission } from '@mla/contracts';
import { ErrorResponseDto } from '../../common/http/error-envelope.dto';
import { AuthService } from './auth.service';
import { CurrentPrincipal, Public, RefuseApiKeys, RequirePermission } from './decorators/access.decorators';
import { ChangePasswordDto, LoginDto, RefreshDto, TokenResponseDto } from './dto/login.dto';
import { MeDto } from './dto/me.dto';
import { AuthThrottleGuard } from './guards/auth-throttle.guard';
import { LocalAuthGuard } from './guards/local-auth.guard';
import { auditActor, type Principal } from './principal';
import { SessionService } from './session.service';
import type { IssuedTokens } from './token.service';
import { UsersService } from '../users/users.service';

@ApiTags('auth')
@Controller('v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly sessions: SessionService,
  ) {}

  @Post('login')
  @Public()
  @UseGuards(AuthThrottleGuard, LocalAuthGuard)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Log in with username and password; returns a short-lived access token' })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiUnauthorizedResponse({
    type: ErrorResponseDto,
    description: 'Unknown user, wrong password or disabled account',
  })
  login(@Body() _credentials: LoginDto, @Req() request: { user: IssuedTokens }): TokenResponseDto {
    return request.user;
  }

  @Post('refresh')
  @Public()
  @UseGuards(AuthThrottleGuard)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Exchange a refresh token for new tokens (rotation; reuse revokes the session)' })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Unknown, spent or expired refresh token' })
  refresh(@Body() body: RefreshDto): Promise<TokenResponseDto> {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('logout')
  @RequirePermission(Permission.ProfileRead)
  @RefuseApiKeys()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'End the session at once: its access and refresh tokens stop working' })
  @ApiNoContentResponse()
  async logout(@CurrentPrincipal() principal: Principal): Promise<void> {
    await this.sessions.revoke(principal.sessionId, 'logout', auditActor(principal));
  }

  @Post('password')
  @RequirePermission(Permission.ProfileRead)
  @RefuseApiKeys()
  @UseGuards(AuthThrottleGuard)
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Change your own password; every other session of the account ends' })
  @ApiNoContentResponse()
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'Wrong current password, or the new one is refused (with reasons)',
  })
  async changePassword(
    @Body() body: ChangePasswordDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    await this.auth.changePassword(principal, body.currentPassword, body.newPassword);
  }

  @Get('me')
  @RequirePermission(Permission.ProfileRead)
  @ApiOperation({ summary: 'The caller, their agency and their permissions' })
  @ApiOkResponse({ type: MeDto })
  me(@CurrentPrincipal() principal: Principal): Promise<MeDto> {
    return this.users.describe(principal.userId);
  }
}
