import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Logger,
  Param,
  Post,
  Put,
  Query,
  Req,
  Res,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiGoneResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { create as contentDisposition } from 'content-disposition';
import type { Request, Response } from 'express';
import { Permission } from '@mla/contracts';
import { ErrorResponseDto } from '../../common/http/error-envelope.dto';
import { uuidParam } from '../../common/http/if-match';
import { AuditedRead, itemIds } from '../audit/audited-read';
import { CurrentPrincipal, RequirePermission } from '../auth/decorators/access.decorators';
import type { Principal } from '../auth/principal';
import { AccessDenialInterceptor } from '../requests/access-denial.interceptor';
import {
  AcknowledgePackageDto,
  CustodyTrailDto,
  DisposeEvidenceDto,
  EvidenceDto,
  EvidenceListDto,
  EvidencePackageDto,
  EvidencePackageListDto,
  EvidenceUploadResultDto,
  LegalHoldDto,
  PurposeQueryDto,
  SealPackageDto,
  SignedReceiptDto,
  UploadEvidenceBodyDto,
  VerificationResultDto,
} from './evidence.dto';
import { EvidenceAccessDenialInterceptor } from './evidence-access-denial.interceptor';
import { RangeNotSatisfiableError } from './evidence.errors';
import { EvidencePackagesService } from './evidence-packages.service';
import { EvidenceRetentionService } from './evidence-retention.service';
import { EvidenceService } from './evidence.service';
import { IntegrityError } from './storage/sealed-blob';
import { Idempotent, NotIdempotent } from '../idempotency/idempotent.decorator';

/** Types a browser could render as a page even from an attachment: always sent as bytes. */
const NEVER_INLINE = new Set(['text/html', 'application/xml', 'image/svg+xml']);

@ApiTags('evidence')
@UseInterceptors(AccessDenialInterceptor)
@ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such request, or not visible to the caller' })
@Controller('v1/requests')
export class RequestEvidenceController {
  constructor(
    private readonly evidence: EvidenceService,
    private readonly packages: EvidencePackagesService,
  ) {}

  @Post(':id/evidence')
  @Idempotent({ required: true, body: 'multipart' })
  @RequirePermission(Permission.EvidenceUpload)
  @ApiOperation({
    summary: 'Upload one evidence file (executing side, while the request is accepted or in execution)',
    description:
      'multipart/form-data with one part named `file`, streamed: the portal hashes it (SHA-256) while receiving, ' +
      'checks a declared `sha256` field, detects the media type from the content, seals it at rest and answers ' +
      'with a signed receipt. Nothing is stored when any check fails.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadEvidenceBodyDto })
  @ApiCreatedResponse({ type: EvidenceUploadResultDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The request is not accepted or in execution' })
  @ApiPayloadTooLargeResponse({ type: ErrorResponseDto, description: 'Larger than the configured limit' })
  @ApiUnsupportedMediaTypeResponse({ type: ErrorResponseDto, description: 'Content type not accepted' })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: 'Declared SHA-256 does not match' })
  @ApiResponse({ status: 507, type: ErrorResponseDto, description: 'Could not be stored durably' })
  upload(
    @Param('id', uuidParam()) id: string,
    @Req() request: Request,
    @CurrentPrincipal() principal: Principal,
  ): Promise<EvidenceUploadResultDto> {
    return this.evidence.upload(principal, id, request);
  }

  @Get(':id/evidence')
  @RequirePermission(Permission.EvidenceRead)
  @ApiOperation({
    summary: 'Evidence items of the request (the requesting side sees those delivered in a package)',
  })
  @ApiOkResponse({ type: EvidenceListDto })
  list(
    @Param('id', uuidParam()) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<EvidenceListDto> {
    return this.evidence.list(principal, id);
  }

  @Post(':id/evidence-packages')
  @Idempotent({ required: false })
  @RequirePermission(Permission.EvidenceUpload)
  @ApiOperation({
    summary: 'Deliver results: seal the items not yet delivered into a signed package (executing side)',
  })
  @ApiCreatedResponse({ type: EvidencePackageDto })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'Nothing to deliver, or an item failed its check',
  })
  seal(
    @Param('id', uuidParam()) id: string,
    @Body() body: SealPackageDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<EvidencePackageDto> {
    return this.packages.seal(principal, id, body);
  }

  @Get(':id/evidence-packages')
  @RequirePermission(Permission.EvidenceRead)
  @AuditedRead({
    action: 'evidence_package.list',
    target: 'request',
    idParam: 'id',
    requestParam: 'id',
    listed: itemIds,
  })
  @ApiOperation({ summary: 'Packages delivered for the request, in order' })
  @ApiOkResponse({ type: EvidencePackageListDto })
  listPackages(
    @Param('id', uuidParam()) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<EvidencePackageListDto> {
    return this.packages.list(principal, id);
  }
}

@ApiTags('evidence')
@UseInterceptors(EvidenceAccessDenialInterceptor)
@ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such item, or not visible to the caller' })
@Controller('v1/evidence')
export class EvidenceController {
  private readonly logger = new Logger(EvidenceController.name);

  constructor(
    private readonly evidence: EvidenceService,
    private readonly retention: EvidenceRetentionService,
  ) {}

  @Get(':id')
  @RequirePermission(Permission.EvidenceRead)
  @ApiOperation({ summary: 'Metadata of one item (recorded in its custody trail)' })
  @ApiOkResponse({ type: EvidenceDto })
  get(
    @Param('id', uuidParam()) id: string,
    @Query() query: PurposeQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<EvidenceDto> {
    return this.evidence.get(principal, id, query.purpose);
  }

  @Get(':id/content')
  @RequirePermission(Permission.EvidenceDownload)
  @ApiOperation({
    summary: 'Download the bytes, streamed and re-hashed on the way out; single byte ranges supported',
    description:
      'Always an attachment with nosniff. `Repr-Digest` carries the SHA-256 of the whole file (RFC 9530). ' +
      'Bytes that fail their integrity check are never sent: 409 before the first byte, or a cut connection.',
  })
  @ApiProduces('application/octet-stream')
  @ApiHeader({ name: 'Range', required: false, description: 'bytes=start-end' })
  @ApiResponse({ status: 200, description: 'The file', schema: { type: 'string', format: 'binary' } })
  @ApiResponse({
    status: 206,
    description: 'The requested range',
    schema: { type: 'string', format: 'binary' },
  })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'The stored bytes failed their integrity check',
  })
  @ApiGoneResponse({ type: ErrorResponseDto, description: 'The bytes were disposed of' })
  @ApiResponse({ status: 416, type: ErrorResponseDto, description: 'Range outside the file' })
  async content(
    @Param('id', uuidParam()) id: string,
    @Query() query: PurposeQueryDto,
    @Headers('range') range: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res() response: Response,
  ): Promise<void> {
    const download = await this.evidence
      .openDownload(principal, id, range, query.purpose)
      .catch((error: unknown) => {
        // RFC 9110 §15.5.17: a 416 says how long the file is.
        if (error instanceof RangeNotSatisfiableError)
          response.setHeader('Content-Range', `bytes */${error.size}`);
        throw error;
      });
    const { item } = download;
    response.status(download.status);
    response.setHeader(
      'Content-Type',
      NEVER_INLINE.has(item.mediaType) ? 'application/octet-stream' : item.mediaType,
    );
    response.setHeader('Content-Length', String(item.size === 0 ? 0 : download.end - download.start + 1));
    response.setHeader('Content-Disposition', contentDisposition(item.fileName, { type: 'attachment' }));
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Accept-Ranges', 'bytes');
    response.setHeader('ETag', `"${item.sha256}"`);
    response.setHeader('Repr-Digest', `sha-256=:${Buffer.from(item.sha256, 'hex').toString('base64')}:`);
    if (download.status === 206)
      response.setHeader('Content-Range', `bytes ${download.start}-${download.end}/${item.size}`);
    try {
      // pipeline ends the source when the client goes away (no handle left open) and cuts the
      // connection when the source fails: with the headers gone, the only honest signal left.
      await pipeline(Readable.from(download.body), response);
    } catch (error) {
      if (error instanceof IntegrityError) await download.onIntegrityFailure(error.problem);
      else if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE')
        this.logger.warn({ evidenceId: item.id, problem: (error as Error).message }, 'download failed');
    }
  }

  @Get(':id/custody')
  @RequirePermission(Permission.EvidenceRead)
  @ApiOperation({ summary: 'Chain of custody: every handling of the item, from the audit log' })
  @ApiOkResponse({ type: CustodyTrailDto })
  custody(
    @Param('id', uuidParam()) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CustodyTrailDto> {
    return this.evidence.custody(principal, id);
  }

  @Get(':id/receipt')
  @RequirePermission(Permission.EvidenceRead)
  @ApiOperation({ summary: 'The signed receipt given at upload, byte for byte' })
  @ApiOkResponse({ type: SignedReceiptDto })
  receipt(
    @Param('id', uuidParam()) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<SignedReceiptDto> {
    return this.evidence.receipt(principal, id);
  }

  @Post(':id/verification')
  @NotIdempotent(
    'A check with no effect but its audit record: repeating it answers the current state, which is the point.',
  )
  @HttpCode(200)
  @RequirePermission(Permission.EvidenceRead)
  @ApiOperation({ summary: 'Re-hash the stored bytes now and record the result in the custody trail' })
  @ApiOkResponse({ type: VerificationResultDto })
  @ApiGoneResponse({ type: ErrorResponseDto, description: 'The bytes were disposed of' })
  verify(
    @Param('id', uuidParam()) id: string,
    @Query() query: PurposeQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<VerificationResultDto> {
    return this.evidence.verify(principal, id, query.purpose);
  }

  @Post(':id/disposal')
  @Idempotent({ required: false })
  @HttpCode(200)
  @RequirePermission(Permission.EvidenceDispose)
  @ApiOperation({
    summary: 'Dispose of the bytes now (executing side), keeping metadata and hash',
    description: 'Refused while a legal hold is set. The retention job does the same when the period ends.',
  })
  @ApiOkResponse({ type: EvidenceDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Under a legal hold' })
  @ApiGoneResponse({ type: ErrorResponseDto, description: 'Already disposed of' })
  dispose(
    @Param('id', uuidParam()) id: string,
    @Body() body: DisposeEvidenceDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<EvidenceDto> {
    return this.retention.dispose(principal, id, body.reason);
  }

  @Put(':id/legal-hold')
  @RequirePermission(Permission.EvidenceDispose)
  @ApiOperation({ summary: 'Set or lift a legal hold, which keeps the bytes past their retention' })
  @ApiOkResponse({ type: EvidenceDto })
  legalHold(
    @Param('id', uuidParam()) id: string,
    @Body() body: LegalHoldDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<EvidenceDto> {
    return this.retention.setLegalHold(principal, id, body.hold, body.reason);
  }
}

@ApiTags('evidence')
@UseInterceptors(EvidenceAccessDenialInterceptor)
@ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such package, or not visible to the caller' })
@Controller('v1/evidence-packages')
export class EvidencePackagesController {
  constructor(private readonly packages: EvidencePackagesService) {}

  @Get(':id')
  @RequirePermission(Permission.EvidenceRead)
  @AuditedRead({
    action: 'evidence_package.view',
    target: 'evidence_package',
    idParam: 'id',
    requestOf: (evidencePackage: EvidencePackageDto) => evidencePackage.requestId,
  })
  @ApiOperation({ summary: 'One package with its signed manifest' })
  @ApiOkResponse({ type: EvidencePackageDto })
  get(
    @Param('id', uuidParam()) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<EvidencePackageDto> {
    return this.packages.get(principal, id);
  }

  @Post(':id/acknowledgement')
  @Idempotent({ required: false })
  @HttpCode(200)
  @RequirePermission(Permission.EvidenceDownload)
  @ApiOperation({
    summary: 'Acknowledge receipt (requesting side) with the SHA-256 computed for every item',
    description: 'All equal to the manifest: acknowledged. Any different: disputed, recorded per item.',
  })
  @ApiOkResponse({ type: EvidencePackageDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Already acknowledged or disputed' })
  acknowledge(
    @Param('id', uuidParam()) id: string,
    @Body() body: AcknowledgePackageDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<EvidencePackageDto> {
    return this.packages.acknowledge(principal, id, body);
  }
}
