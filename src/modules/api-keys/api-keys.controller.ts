import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
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
import { ApiKeysService } from './api-keys.service';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto';
import { Idempotent, NotIdempotent } from '../idempotency/idempotent.decorator';

// The key list (never a secret) is not recorded when read: administration data, not case data;
// every key created or revoked is (docs/audit.md, What is recorded).
@ApiTags('api-keys')
@Controller('v1/api-keys')
@RefuseApiKeys()
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @NotIdempotent(
    "The response carries the key's secret, shown once: keeping it for replay would store a secret.",
  )
  @RequirePermission(Permission.UserManage)
  @RequireStepUp()
  @ApiOperation({
    summary:
      'Create a service account in an agency and its API key; the key is shown in this answer only (needs step-up)',
  })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  create(@Body() dto: CreateApiKeyDto, @CurrentPrincipal() principal: Principal): Promise<CreatedApiKeyDto> {
    return this.apiKeys.create(principal, dto);
  }

  @Get()
  @RequirePermission(Permission.UserRead)
  @ApiOperation({ summary: 'API keys with their agency, role, expiry and last use (never the key)' })
  @ApiOkResponse({ type: [ApiKeyDto] })
  list(): Promise<ApiKeyDto[]> {
    return this.apiKeys.list();
  }

  /** A POST action, not DELETE: the key stays listed, revoked, for the record. */
  @Post(':id/revoke')
  @Idempotent({ required: false })
  @RequirePermission(Permission.UserManage)
  @RequireStepUp()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Revoke an API key; the next call presenting it is refused' })
  @ApiOkResponse({ type: ApiKeyDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  revoke(@Param('id', uuidParam()) id: string, @CurrentPrincipal() principal: Principal): Promise<ApiKeyDto> {
    return this.apiKeys.revoke(principal, id);
  }
}
