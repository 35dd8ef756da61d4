import { Body, Controller, Get, Param, ParseEnumPipe, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { LegalBasis, Permission, RequestType } from '@mla/contracts';
import { ValidationFailedError } from '../../common/errors/domain-error';
import { ErrorResponseDto } from '../../common/http/error-envelope.dto';
import { TransactionRunner } from '../../database/transaction-runner';
import { AuditService } from '../audit/audit.service';
import {
  CurrentPrincipal,
  RefuseApiKeys,
  RequirePermission,
  RequireStepUp,
} from '../auth/decorators/access.decorators';
import { auditActor, type Principal } from '../auth/principal';
import {
  InstrumentProfileDto,
  ProfileRulesDto,
  ProfileSummaryDto,
  ProfileVersionQueryDto,
} from './dto/profile.dto';
import { ProfileCatalog, type ProfileVersion } from './profile-catalog.service';
import { InstrumentProfileNotFoundError } from './profiles.errors';
import { Idempotent } from '../idempotency/idempotent.decorator';

const legalBasisParam = new ParseEnumPipe(LegalBasis, {
  exceptionFactory: () =>
    ValidationFailedError.field(
      'legalBasis',
      `legalBasis must be one of ${Object.values(LegalBasis).join(', ')}`,
    ),
});

// Reads are not recorded in the audit log: instrument profiles are reference data, not case data
// (docs/audit.md, What is recorded).
@ApiTags('profiles')
@Controller('v1/profiles')
export class ProfilesController {
  constructor(
    private readonly catalog: ProfileCatalog,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @RequirePermission(Permission.DirectoryRead)
  @ApiOperation({ summary: 'The current instrument profile of each legal basis' })
  @ApiOkResponse({ type: [ProfileSummaryDto] })
  async list(): Promise<ProfileSummaryDto[]> {
    return (await this.catalog.list()).map(({ profile, publishedAt }) => ({
      legalBasis: profile.legalBasis,
      version: profile.version,
      title: profile.title,
      requestTypes: Object.keys(profile.requestTypes) as RequestType[],
      publishedAt: publishedAt.toISOString(),
    }));
  }

  @Get(':legalBasis')
  @RequirePermission(Permission.DirectoryRead)
  @ApiOperation({
    summary: 'One instrument profile: the current version, or the one a request was made under (?version=)',
  })
  @ApiParam({ name: 'legalBasis', enum: Object.values(LegalBasis) })
  @ApiOkResponse({ type: InstrumentProfileDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async get(
    // Declared as string: a union type's reflected metadata differs between compilers (Object under
    // SWC), and the global ValidationPipe would then treat the plain value as an unknown object.
    @Param('legalBasis', legalBasisParam) legalBasis: string,
    @Query() query: ProfileVersionQueryDto,
  ): Promise<InstrumentProfileDto> {
    const version = query.version ? Number(query.version) : undefined;
    const found = await this.catalog.find(legalBasis as LegalBasis, version);
    if (!found) throw new InstrumentProfileNotFoundError(legalBasis, version);
    return toDto(found);
  }

  @Post(':legalBasis/versions')
  @Idempotent({ required: false })
  @RequirePermission(Permission.InstrumentProfileManage)
  @RequireStepUp()
  @RefuseApiKeys()
  @ApiOperation({
    summary: 'Publish the next version of a legal basis’s profile (audited, needs step-up)',
    description:
      'New requests are made under it; existing requests keep the version they were made under. Versions are never edited.',
  })
  @ApiParam({ name: 'legalBasis', enum: Object.values(LegalBasis) })
  @ApiCreatedResponse({ type: InstrumentProfileDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  async publish(
    // Declared as string: a union type's reflected metadata differs between compilers (Object under
    // SWC), and the global ValidationPipe would then treat the plain value as an unknown object.
    @Param('legalBasis', legalBasisParam) legalBasis: string,
    @Body() rules: ProfileRulesDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<InstrumentProfileDto> {
    const published = await this.transactions.run(async (manager) => {
      const version = await this.catalog.publish(manager, legalBasis as LegalBasis, rules, principal.userId);
      await this.audit.append(manager, {
        action: 'instrument_profile.publish',
        outcome: 'success',
        actor: auditActor(principal),
        target: { type: 'instrument_profile', id: `${legalBasis}@${version.profile.version}` },
        data: { legalBasis, version: version.profile.version, sha256: version.sha256 },
      });
      return version;
    });
    return toDto(published);
  }
}

function toDto({ profile, origin, publishedAt, sha256 }: ProfileVersion): InstrumentProfileDto {
  return { ...profile, origin, publishedAt: publishedAt.toISOString(), sha256 };
}
