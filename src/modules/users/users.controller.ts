import { Body, Controller, Get, HttpCode, HttpStatus, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Permission } from '@mla/contracts';
import { ErrorResponseDto } from '../../common/http/error-envelope.dto';
import { uuidParam } from '../../common/http/if-match';
import {
  CurrentPrincipal,
  RefuseApiKeys,
  RequirePermission,
  RequireStepUp,
} from '../auth/decorators/access.decorators';
import type { Principal } from '../auth/principal';
import { CreateUserDto, TemporaryPasswordDto, UpdateUserDto, UserDto } from './dto/user.dto';
import { UsersAdminService } from './users-admin.service';
import { NotIdempotent } from '../idempotency/idempotent.decorator';

// The account list is not recorded when read: it is administration data, not case data, and every
// change to an account is (docs/audit.md, What is recorded).
@ApiTags('users')
@Controller('v1/users')
@RefuseApiKeys()
export class UsersController {
  constructor(private readonly admin: UsersAdminService) {}

  @Get()
  @RequirePermission(Permission.UserRead)
  @ApiOperation({ summary: 'Accounts, with their agency and whether they are disabled or locked' })
  @ApiOkResponse({ type: [UserDto] })
  list(): Promise<UserDto[]> {
    return this.admin.list();
  }

  @Post()
  @NotIdempotent('The response carries a temporary password: keeping it for replay would store a secret.')
  @RequirePermission(Permission.UserManage)
  @RequireStepUp()
  @ApiOperation({
    summary: "Create a person's account; returns a temporary password, once (audited, needs step-up)",
  })
  @ApiCreatedResponse({ type: TemporaryPasswordDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The username is taken' })
  create(
    @Body() dto: CreateUserDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<TemporaryPasswordDto> {
    return this.admin.create(principal, dto);
  }

  @Patch(':id')
  @RequirePermission(Permission.UserManage)
  @RequireStepUp()
  @ApiOperation({
    summary:
      'Change role or agency, reset the second factor, unlock, disable or enable (audited, needs step-up)',
    description: 'Role, agency and second-factor changes end the account’s sessions, so they apply at once.',
  })
  @ApiOkResponse({ type: UserDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'An administrator changing their own access' })
  update(
    @Param('id', uuidParam()) id: string,
    @Body() dto: UpdateUserDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<UserDto> {
    return this.admin.update(principal, id, dto);
  }

  @Post(':id/password-reset')
  @NotIdempotent('The response carries a temporary password: keeping it for replay would store a secret.')
  @RequirePermission(Permission.UserManage)
  @RequireStepUp()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary:
      'Reset a password: a temporary one, once; sessions end; the second factor stays (audited, needs step-up)',
  })
  @ApiOkResponse({ type: TemporaryPasswordDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Your own account, or a service account' })
  resetPassword(
    @Param('id', uuidParam()) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<TemporaryPasswordDto> {
    return this.admin.resetPassword(principal, id);
  }
}
