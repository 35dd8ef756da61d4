import { Body, Controller, Get, Param, Patch } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Permission } from '@mla/contracts';
import { ErrorResponseDto } from '../../common/http/error-envelope.dto';
import { uuidParam } from '../../common/http/if-match';
import { CurrentPrincipal, RefuseApiKeys, RequirePermission } from '../auth/decorators/access.decorators';
import type { Principal } from '../auth/principal';
import { UpdateUserDto, UserDto } from './dto/user.dto';
import { UsersAdminService } from './users-admin.service';

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

  @Patch(':id')
  @RequirePermission(Permission.UserManage)
  @ApiOperation({ summary: 'Unlock, disable or enable an account (audited)' })
  @ApiOkResponse({ type: UserDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  update(
    @Param('id', uuidParam()) id: string,
    @Body() dto: UpdateUserDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<UserDto> {
    return this.admin.update(principal, id, dto);
  }
}
