import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Body, Controller, Get, HttpCode, Logger, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Permission } from '@mla/contracts';
import { ErrorResponseDto } from '../../common/http/error-envelope.dto';
import { uuidParam } from '../../common/http/if-match';
import { CurrentPrincipal, RequirePermission } from '../auth/decorators/access.decorators';
import { auditActor, type Principal } from '../auth/principal';
import { AuditExportService } from './audit-export.service';
import { AuditQueryService } from './audit-query.service';
import { AuditReportService } from './audit-report.service';
import { AuditRetentionService } from './audit-retention.service';
import { AuditService } from './audit.service';
import { AuditedRead, MAX_LISTED_IDS } from './audited-read';
import { AuditEventPageDto, AuditEventQueryDto, AuditVerificationDto } from './dto/audit-event.dto';
import { AuditRequestReportDto, ReportedAgencyDto, ReportedUserDto } from './dto/audit-report.dto';
import {
  AuditLegalHoldDto,
  AuditLegalHoldQueryDto,
  CreateAuditLegalHoldDto,
  LiftAuditLegalHoldDto,
  toAuditLegalHoldDto,
} from './dto/audit-legal-hold.dto';
import {
  AuditCheckpointDto,
  ConsistencyProofDto,
  ConsistencyProofQueryDto,
  InclusionProofDto,
  InclusionProofQueryDto,
  SignedAuditCheckpointDto,
} from './dto/merkle-log.dto';
import { MerkleLogService } from './merkle-log.service';
import { Idempotent } from '../idempotency/idempotent.decorator';

@ApiTags('audit')
// The report's `people` maps refer to these by $ref, which Swagger does not discover on its own.
@ApiExtraModels(ReportedUserDto, ReportedAgencyDto)
@Controller('v1/audit')
export class AuditController {
  private readonly logger = new Logger(AuditController.name);

  constructor(
    private readonly audit: AuditService,
    private readonly queries: AuditQueryService,
    private readonly merkle: MerkleLogService,
    private readonly exports: AuditExportService,
    private readonly reports: AuditReportService,
    private readonly retention: AuditRetentionService,
  ) {}

  // Auditors' own reads are recorded too (AUD-06), hashes included: who looked at the log, and when,
  // is part of the log. The entry is written after the answer is fixed, so it is not in the tree the
  // answer describes, and a second `latest` names a larger tree (the first one's entry). Recording
  // never asks for a checkpoint, so nothing loops.
  @Get('checkpoints/latest')
  @RequirePermission(Permission.AuditRead)
  @AuditedRead({
    action: 'audit_checkpoint.view',
    target: 'audit_checkpoint',
    idOf: (checkpoint: AuditCheckpointDto) => String(checkpoint.treeSize),
    data: (checkpoint: AuditCheckpointDto) => ({
      treeSize: checkpoint.treeSize,
      rootHash: checkpoint.rootHash,
    }),
  })
  @ApiOperation({
    summary: 'A signed checkpoint of the whole log (C2SP tlog-checkpoint in a signed note), signed on demand',
    description:
      'The origin line is `<SIGNING_KEY_NAME>/audit`; the signature line names the key `<SIGNING_KEY_NAME>`. ' +
      'Keep the checkpoint: a later one must be consistent with it (GET /v1/audit/proofs/consistency).',
  })
  @ApiOkResponse({ type: SignedAuditCheckpointDto })
  latestCheckpoint(): Promise<SignedAuditCheckpointDto> {
    return this.merkle.latestSignedCheckpoint();
  }

  @Get('proofs/inclusion')
  @RequirePermission(Permission.AuditRead)
  @AuditedRead({
    action: 'audit_inclusion_proof.view',
    target: 'audit_log',
    data: (proof: InclusionProofDto) => ({ seq: proof.seq, treeSize: proof.treeSize }),
  })
  @ApiOperation({
    summary: 'RFC 9162 inclusion proof of entry `seq` in the tree of `treeSize` entries',
    description: 'A treeSize beyond the current log, or a seq beyond treeSize, is 400 validation.failed.',
  })
  @ApiOkResponse({ type: InclusionProofDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  inclusionProof(@Query() query: InclusionProofQueryDto): Promise<InclusionProofDto> {
    return this.merkle.inclusion(query.seq, query.treeSize);
  }

  @Get('proofs/consistency')
  @RequirePermission(Permission.AuditRead)
  @AuditedRead({
    action: 'audit_consistency_proof.view',
    target: 'audit_log',
    data: (proof: ConsistencyProofDto) => ({ from: proof.from, to: proof.to }),
  })
  @ApiOperation({
    summary: 'RFC 9162 consistency proof that the tree of `to` entries extends the tree of `from`',
    description: 'A `to` beyond the current log, or `from` above `to`, is 400 validation.failed.',
  })
  @ApiOkResponse({ type: ConsistencyProofDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  consistencyProof(@Query() query: ConsistencyProofQueryDto): Promise<ConsistencyProofDto> {
    return this.merkle.consistency(query.from, query.to);
  }

  @Get('export')
  @RequirePermission(Permission.AuditRead)
  @ApiOperation({
    summary: 'The whole log as NDJSON, streamed, for offline verification with scripts/verify-audit.mjs',
    description:
      'First line: the checkpoint the export is taken against (the latest, signed now if needed), ' +
      '`{"type":"checkpoint","treeSize","rootHash","note","keyId"}`; then every earlier stored ' +
      'checkpoint, smallest first, in the same form; then entries 1..treeSize in seq order, ' +
      '`{"type":"entry","seq","body","leafHash"}` with `body` the canonical JSON exactly as hashed and ' +
      '`leafHash` the stored hash, base64. The export is recorded in the log (`audit.export`) after ' +
      'its checkpoint, so it is not part of what it exports.',
  })
  @ApiOkResponse({
    description: 'Newline-delimited JSON',
    content: { 'application/x-ndjson': { schema: { type: 'string' } } },
  })
  async export(@CurrentPrincipal() principal: Principal, @Res() response: Response): Promise<void> {
    const exported = await this.exports.open(auditActor(principal));
    response.status(200);
    response.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    response.setHeader(
      'Content-Disposition',
      `attachment; filename="audit-export-${exported.checkpoint.treeSize}.ndjson"`,
    );
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    try {
      // pipeline waits for the client to drain each batch before the next query, and ends the
      // generator (no further reads) when the client goes away.
      await pipeline(Readable.from(exported.lines), response);
    } catch (error) {
      // Headers are gone: the cut connection is the signal, and the verifier reports a short export.
      if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE')
        this.logger.warn(
          { treeSize: exported.checkpoint.treeSize, problem: (error as Error).message },
          'audit export failed',
        );
    }
  }

  @Get('requests/:id/report')
  @RequirePermission(Permission.AuditRead)
  @ApiOperation({
    summary: "One request's audit trail for a court: its entries, each with an inclusion proof, signed",
    description:
      'Every entry whose request is `id`, up to the latest checkpoint (signed now if needed), each with its ' +
      'RFC 9162 inclusion proof in that checkpoint, and the whole report signed by the portal. Check it offline ' +
      'with scripts/verify-audit-report.mjs and the published keys. The report is recorded (`audit.report`) ' +
      'after its checkpoint, so it is not part of what it reports.',
  })
  @ApiOkResponse({ type: AuditRequestReportDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  report(
    @Param('id', uuidParam()) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<AuditRequestReportDto> {
    return this.reports.forRequest(principal, id);
  }

  @Get('events')
  @RequirePermission(Permission.AuditRead)
  @ApiOperation({ summary: 'Audit entries, newest first, filtered by request, actor, action and time' })
  @ApiOkResponse({ type: AuditEventPageDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  async events(
    @Query() query: AuditEventQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<AuditEventPageDto> {
    const page = await this.queries.list(query);
    // Reading the audit trail is itself audited (CJIS AU-9; security.md AUD-06).
    await this.audit.record({
      action: 'audit.read',
      outcome: 'success',
      actor: auditActor(principal),
      target: { type: 'audit_log', id: null },
      // Which entries were read, by seq: the page of a list, like every other list read.
      data: {
        filter: { ...query, limit: query.limit ?? null },
        returned: page.items.length,
        items: page.items.slice(0, MAX_LISTED_IDS).map((entry) => entry.seq),
      },
    });
    return page;
  }

  @Get('verify')
  @RequirePermission(Permission.AuditVerify)
  @ApiOperation({ summary: 'Walk the whole log and check every hash and chain link' })
  @ApiOkResponse({ type: AuditVerificationDto })
  async verify(@CurrentPrincipal() principal: Principal): Promise<AuditVerificationDto> {
    const result = await this.audit.verify();
    // The answer matters more than the record of asking: a damaged log (an entry forged beyond the
    // head blocks every append) must still be reported, and the failure to record it is logged.
    await this.audit
      .record({
        action: 'audit.verify',
        // The verification ran either way; a log that fails it is recorded as a failure, to be seen.
        outcome: result.ok ? 'success' : 'failure',
        actor: auditActor(principal),
        target: { type: 'audit_log', id: null },
        data: {
          ok: result.ok,
          checked: result.checked,
          headSequence: result.headSequence,
          firstBadSequence: result.firstBadSequence ?? null,
        },
      })
      .catch((error: unknown) =>
        this.logger.error(
          { err: error instanceof Error ? error.message : String(error) },
          'audit.verify could not be recorded',
        ),
      );
    return result;
  }

  @Post('legal-holds')
  @Idempotent({ required: false })
  @RequirePermission(Permission.AuditLegalHold)
  @ApiOperation({
    summary: "Hold a request's audit trail: its entries keep their bodies past AUDIT_RETENTION_DAYS",
    description:
      'Recorded as `audit.legal_hold_set`. While any hold on the request is active (and while any of ' +
      'its evidence items is under an evidence legal hold) retention does not redact its entries.',
  })
  @ApiCreatedResponse({ type: AuditLegalHoldDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such request' })
  async setLegalHold(
    @Body() body: CreateAuditLegalHoldDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<AuditLegalHoldDto> {
    return toAuditLegalHoldDto(await this.retention.setHold(principal, body.requestId, body.reason));
  }

  @Post('legal-holds/:id/lift')
  @Idempotent({ required: false })
  @HttpCode(200)
  @RequirePermission(Permission.AuditLegalHold)
  @ApiOperation({
    summary: 'Lift an audit legal hold, with reasons (recorded as `audit.legal_hold_lifted`)',
    description: 'The hold stays listed (`all=true`) with who lifted it, when and why.',
  })
  @ApiOkResponse({ type: AuditLegalHoldDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No active hold with this id' })
  async liftLegalHold(
    @Param('id', uuidParam()) id: string,
    @Body() body: LiftAuditLegalHoldDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<AuditLegalHoldDto> {
    return toAuditLegalHoldDto(await this.retention.liftHold(principal, id, body.reason));
  }

  @Get('legal-holds')
  @RequirePermission(Permission.AuditRead)
  @ApiOperation({ summary: 'Audit legal holds, newest first: the active ones, or all with `all=true`' })
  @ApiOkResponse({ type: [AuditLegalHoldDto] })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  async legalHolds(
    @Query() query: AuditLegalHoldQueryDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<AuditLegalHoldDto[]> {
    const holds = await this.retention.listHolds(query);
    await this.audit.record({
      action: 'audit.read',
      outcome: 'success',
      actor: auditActor(principal),
      target: { type: 'audit_legal_hold', id: null },
      data: {
        filter: { requestId: query.requestId ?? null, all: query.all ?? false },
        returned: holds.length,
      },
    });
    return holds.map(toAuditLegalHoldDto);
  }
}
