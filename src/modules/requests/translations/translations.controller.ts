import { Body, Controller, Get, Param, Put, UseInterceptors } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { Permission } from '@mla/contracts';
import { ValidationFailedError } from '../../../common/errors/domain-error';
import { AuditedRead } from '../../audit/audited-read';
import { ErrorResponseDto } from '../../../common/http/error-envelope.dto';
import { uuidParam } from '../../../common/http/if-match';
import { CurrentPrincipal, RequirePermission } from '../../auth/decorators/access.decorators';
import type { Principal } from '../../auth/principal';
import { AccessDenialInterceptor } from '../access-denial.interceptor';
import { AttachTranslationDto, TranslationDto, TranslationListDto } from './translation.dto';
import { TranslationsService } from './translations.service';

const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

@ApiTags('requests')
@UseInterceptors(AccessDenialInterceptor)
@ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such request, or not visible to the caller' })
@Controller('v1/requests')
export class TranslationsController {
  constructor(private readonly translations: TranslationsService) {}

  @Get(':id/translations')
  @AuditedRead({
    action: 'request_translation.list',
    target: 'request',
    idParam: 'id',
    requestParam: 'id',
    listed: (list: TranslationListDto) => list.items.map((translation) => translation.language),
  })
  @RequirePermission(Permission.RequestRead)
  @ApiOperation({
    summary: 'Translations of the request, which are stale, and what the requested state accepts',
  })
  @ApiOkResponse({ type: TranslationListDto })
  list(
    @Param('id', uuidParam()) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<TranslationListDto> {
    return this.translations.list(principal, id);
  }

  @Put(':id/translations/:language')
  @RequirePermission(Permission.RequestTransition)
  @ApiOperation({
    summary: 'Attach or replace the translation into a language, before transmission (requesting side)',
    description:
      'It is made from the current content version; editing the request afterwards makes it stale.',
  })
  @ApiParam({ name: 'language', example: 'fr' })
  @ApiOkResponse({ type: TranslationDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The request has already been transmitted' })
  attach(
    @Param('id', uuidParam()) id: string,
    @Param('language') language: string,
    @Body() body: AttachTranslationDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<TranslationDto> {
    if (!LANGUAGE.test(language))
      throw ValidationFailedError.field('language', 'language must be a BCP 47 tag such as fr');
    return this.translations.attach(principal, id, language.toLowerCase(), body.text);
  }
}
