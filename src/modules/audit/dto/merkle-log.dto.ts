import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

export class AuditCheckpointDto {
  @ApiProperty({ description: 'Number of entries the checkpoint covers: seq 1 to treeSize' })
  treeSize: number;

  @ApiProperty({ description: 'RFC 9162 Merkle root of those entries, base64' })
  rootHash: string;

  @ApiProperty({
    description:
      'C2SP signed note of the C2SP tlog-checkpoint body: origin `<SIGNING_KEY_NAME>/audit`, tree size, ' +
      'base64 root, a blank line, then one Ed25519 signature line per key. Verify it with the ' +
      '`noteVerifierKey` of /.well-known/mla-portal/keys',
  })
  note: string;

  @ApiProperty({ description: 'keyId of the signing key, as /.well-known/mla-portal/keys lists it' })
  keyId: string;
}

/** The latest checkpoint as GET /v1/audit/checkpoints/latest hands it out: with when it was signed. */
export class SignedAuditCheckpointDto extends AuditCheckpointDto {
  @ApiProperty({
    format: 'date-time',
    description:
      'When the portal signed this checkpoint (its own clock). Not part of the signed note, which C2SP ' +
      'gives no time: it says how fresh the checkpoint is, not what it proves',
  })
  signedAt: string;
}

export class InclusionProofQueryDto {
  @ApiProperty({ minimum: 1, description: 'The entry to prove' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  seq: number;

  @ApiProperty({ minimum: 1, description: 'Tree size of the checkpoint to prove against; at least seq' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  treeSize: number;
}

export class InclusionProofDto {
  @ApiProperty()
  seq: number;

  @ApiProperty({ description: 'RFC 9162 leaf index: seq − 1' })
  leafIndex: number;

  @ApiProperty()
  treeSize: number;

  @ApiProperty({ description: 'SHA-256(0x00 || canonical body), base64 (the hex leafHash of the entry)' })
  leafHash: string;

  /*
   * The entry itself comes with its proof (as RFC 6962 §4.8 get-entry-and-proof does), not with every
   * row of GET /v1/audit/events: a proof is asked for one entry at a time, so a page of 100 entries
   * does not carry 100 bodies nobody checks, and the body handed out is recorded with the proof read
   * (audit_inclusion_proof.view). Both routes need audit.read, and the export already gives that
   * holder every body: nothing new is exposed.
   */
  @ApiProperty({
    description:
      'The entry as it was hashed: canonical JSON (RFC 8785), exactly the `body` of the export. Its leaf ' +
      'hash is SHA-256(0x00 || body): recompute it rather than trusting `leafHash`',
  })
  body: string;

  @ApiPropertyOptional({
    enum: [true],
    description:
      'Present on an entry past retention: `body` is then the redaction marker, which does not hash to ' +
      '`leafHash`; the proof still proves the leaf hash of the body it replaced',
  })
  redacted?: true;

  @ApiProperty({ type: [String], description: 'RFC 9162 §2.1.3.1 inclusion path, bottom-up, base64' })
  proof: string[];

  @ApiProperty({ description: 'Merkle root at treeSize, base64' })
  rootHash: string;
}

export class ConsistencyProofQueryDto {
  @ApiProperty({ minimum: 1, description: 'Tree size of the older checkpoint' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  from: number;

  @ApiProperty({ minimum: 1, description: 'Tree size of the newer checkpoint; at least from' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  to: number;
}

export class ConsistencyProofDto {
  @ApiProperty()
  from: number;

  @ApiProperty()
  to: number;

  @ApiProperty({
    type: [String],
    description: 'RFC 9162 §2.1.4.1 consistency proof, base64; empty when from = to',
  })
  proof: string[];

  @ApiProperty({ description: 'Merkle root at from, base64' })
  fromRoot: string;

  @ApiProperty({ description: 'Merkle root at to, base64' })
  toRoot: string;
}
