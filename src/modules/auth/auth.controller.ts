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
import { AppConfig } from '../../config/app-config';
import { AuthService, type LoginResult } from './auth.service';
import {
  AllowRestrictedSession,
  CurrentPrincipal,
  Public,
  RefuseApiKeys,
  RequirePermission,
  RequireStepUp,
} from './decorators/access.decorators';
import {
  ChangePasswordDto,
  ConfirmTotpDto,
  LoginDto,
  RecoveryCodesDto,
  RefreshDto,
  StepUpDto,
  StepUpResponseDto,
  TokenResponseDto,
  TotpEnrolmentDto,
} from './dto/login.dto';
import { MeDto } from './dto/me.dto';
import { AuthThrottleGuard } from './guards/auth-throttle.guard';
import { LocalAuthGuard } from './guards/local-auth.guard';
import { auditActor, type Principal } from './principal';
import { SessionService } from './session.service';
import { UsersService } from '../users/users.service';
import { NotIdempotent } from '../idempotency/idempotent.decorator';

@ApiTags('auth')
@Controller('v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly sessions: SessionService,
    private readonly config: AppConfig,
  ) {}

  @Post('login')
  @NotIdempotent(
    'Credentials in, tokens out: a replay would hand out a stored token; a retry simply logs in again.',
  )
  @Public()
  @UseGuards(AuthThrottleGuard, LocalAuthGuard)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Log in with username, password and, once enrolled, the second factor',
    description:
      'Returns a short-lived access token and a refresh token. An account with a TOTP authenticator must send `totp` (or a `recoveryCode`); without it a right password gets 401 `auth.mfa_required` and no session.',
  })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiUnauthorizedResponse({
    type: ErrorResponseDto,
    description:
      '`auth.invalid_credentials` (unknown user, wrong password or code, disabled or locked account: all alike) or `auth.mfa_required`',
  })
  login(@Body() _credentials: LoginDto, @Req() request: { user: LoginResult }): TokenResponseDto {
    return request.user;
  }

  @Post('refresh')
  @NotIdempotent('A refresh token is single-use by design (rotation): its reuse is refused, not replayed.')
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
  @NotIdempotent('Idempotent by nature: ending an ended session changes nothing.')
  @RequirePermission(Permission.ProfileRead)
  @AllowRestrictedSession()
  @RefuseApiKeys()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'End the session at once: its access and refresh tokens stop working' })
  @ApiNoContentResponse()
  async logout(@CurrentPrincipal() principal: Principal): Promise<void> {
    await this.sessions.revoke(principal.sessionId, 'logout', auditActor(principal));
  }

  @Post('password')
  @NotIdempotent(
    'The body carries passwords: a fingerprint would keep an unsalted hash of them; a repeat is refused as a reuse anyway.',
  )
  @RequirePermission(Permission.ProfileRead)
  @AllowRestrictedSession()
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

  // The caller's own account: not case data, not recorded when read.
  @Get('me')
  @RequirePermission(Permission.ProfileRead)
  @AllowRestrictedSession()
  @ApiOperation({ summary: 'The caller, their agency, their permissions and their second factor' })
  @ApiOkResponse({ type: MeDto })
  me(@CurrentPrincipal() principal: Principal): Promise<MeDto> {
    return this.users.describe(principal, this.config.mfa.required);
  }

  @Post('step-up')
  @NotIdempotent('Re-authentication: a replay would vouch for a password and code never checked.')
  @RequirePermission(Permission.ProfileRead)
  @RefuseApiKeys()
  @UseGuards(AuthThrottleGuard)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Authenticate again inside the session, before privileged actions (valid 5 minutes)',
    description:
      'Send `totp` or `recoveryCode` when the account has a second factor; otherwise (only where none is required) `password`. Failures count towards the lockout.',
  })
  @ApiOkResponse({ type: StepUpResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  async stepUp(
    @Body() body: StepUpDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<StepUpResponseDto> {
    const at = await this.auth.stepUp(principal, body);
    return { validUntil: new Date(at.getTime() + this.config.mfa.stepUpMaxAgeSeconds * 1000).toISOString() };
  }

  @Post('mfa/totp')
  @NotIdempotent('The response carries a new TOTP seed: keeping it for replay would store a secret.')
  @RequirePermission(Permission.ProfileRead)
  @RefuseApiKeys()
  @AllowRestrictedSession()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Start TOTP enrolment: a new secret, shown once, to scan as a QR code',
    description:
      'Nothing changes until the enrolment is confirmed with a code from the new secret. Replacing an enrolled authenticator needs a recent step-up.',
  })
  @ApiOkResponse({ type: TotpEnrolmentDto })
  beginTotp(@CurrentPrincipal() principal: Principal): Promise<TotpEnrolmentDto> {
    return this.auth.beginTotpEnrolment(principal);
  }

  @Post('mfa/totp/confirm')
  @NotIdempotent('Carries a one-time code: a replay would accept a code twice.')
  @RequirePermission(Permission.ProfileRead)
  @RefuseApiKeys()
  @AllowRestrictedSession()
  @UseGuards(AuthThrottleGuard)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Confirm TOTP enrolment with a current code; returns the recovery codes, once' })
  @ApiOkResponse({ type: RecoveryCodesDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Wrong code, or no enrolment started' })
  async confirmTotp(
    @Body() body: ConfirmTotpDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RecoveryCodesDto> {
    return { recoveryCodes: await this.auth.confirmTotpEnrolment(principal, body.code) };
  }

  @Post('mfa/recovery-codes')
  @NotIdempotent('The response carries recovery codes: keeping them for replay would store secrets.')
  @RequirePermission(Permission.ProfileRead)
  @RefuseApiKeys()
  @RequireStepUp()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Replace the recovery codes (the old ones stop working); needs a recent step-up' })
  @ApiOkResponse({ type: RecoveryCodesDto })
  async recoveryCodes(@CurrentPrincipal() principal: Principal): Promise<RecoveryCodesDto> {
    return { recoveryCodes: await this.auth.regenerateRecoveryCodes(principal) };
  }
}
