import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SignatureDto } from '../../../common/crypto/signature.dto';
import { AuditCheckpointDto } from './merkle-log.dto';

export class ReportedEntryDto {
  @ApiProperty() seq: number;

  @ApiProperty({
    description:
      'The entry as it was hashed: canonical JSON (RFC 8785). Its leaf hash is SHA-256(0x00 || body), ' +
      'the RFC 9162 leaf at index seq − 1',
  })
  body: string;

  @ApiProperty({
    description: 'The leaf hash the portal stored, base64: the verifier recomputes and compares it',
  })
  leafHash: string;

  @ApiProperty({
    type: [String],
    description:
      'RFC 9162 inclusion proof of leaf seq − 1 in the tree of the report checkpoint, base64 hashes',
  })
  inclusionProof: string[];

  @ApiPropertyOptional({
    enum: [true],
    description:
      'Present on an entry past retention: `body` is then the redaction marker (docs/audit.md, Retention) ' +
      'and `leafHash` the hash of the body it replaced, which the inclusion proof still proves',
  })
  redacted?: true;
}

export class ReportGeneratorDto {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() username: string;
  @ApiProperty() agencyCode: string;
  @ApiProperty() role: string;
}

export class ReportedRequestDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() reference: string;
  @ApiProperty() type: string;
  @ApiProperty({ description: 'Status when the report was made' }) status: string;
  @ApiProperty({ description: 'Agency code' }) requestingAgency: string;
  @ApiProperty({ description: 'Agency code' }) requestedAgency: string;
}

export class ReportedUserDto {
  @ApiProperty() username: string;
  @ApiProperty() displayName: string;
}

export class ReportedAgencyDto {
  @ApiProperty() code: string;
  @ApiProperty() name: string;
}

export class ReportPeopleDto {
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/ReportedUserDto' } })
  users: Record<string, ReportedUserDto>;

  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/ReportedAgencyDto' } })
  agencies: Record<string, ReportedAgencyDto>;
}

export class AuditRequestReportBodyDto {
  @ApiProperty({ enum: ['mla-portal/audit-request-report'] }) type: 'mla-portal/audit-request-report';
  @ApiProperty({ enum: [1] }) version: 1;
  @ApiProperty({ description: 'The signing key name (SIGNING_KEY_NAME)' }) issuer: string;
  @ApiProperty({ description: 'The log origin every checkpoint names' }) log: string;
  @ApiProperty() generatedAt: string;
  @ApiProperty({ type: ReportGeneratorDto }) generatedBy: ReportGeneratorDto;
  @ApiProperty({ type: ReportedRequestDto }) request: ReportedRequestDto;
  @ApiProperty({ description: 'What the report claims to hold, in words' }) scope: string;
  @ApiProperty({ type: AuditCheckpointDto }) checkpoint: AuditCheckpointDto;
  @ApiProperty({ type: [ReportedEntryDto], description: 'In seq order' }) entries: ReportedEntryDto[];

  @ApiProperty({
    type: ReportPeopleDto,
    description:
      'The users and agencies the entries name, by id, as the directory holds them when the report is made: ' +
      'signed by the portal with the rest, but not part of the hashed entries',
  })
  people: ReportPeopleDto;
}

export class AuditRequestReportDto {
  @ApiProperty({ type: AuditRequestReportBodyDto }) report: AuditRequestReportBodyDto;

  @ApiProperty({
    type: SignatureDto,
    description:
      'The portal signs the canonical JSON of `report`: the inclusion proofs show each entry is in the log, ' +
      'the signature makes the portal answerable for the claim that no entry about the request was left out',
  })
  signature: SignatureDto;
}
