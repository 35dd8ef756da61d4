import { ApiProperty } from '@nestjs/swagger';

/** A detached Ed25519 signature by the portal's key, as every signed document carries it. */
export class SignatureDto {
  @ApiProperty({ enum: ['Ed25519'] }) algorithm: 'Ed25519';
  @ApiProperty({ description: 'Names the published key (GET /.well-known/mla-portal/keys)' }) keyId: string;
  @ApiProperty({ description: 'base64 Ed25519 signature over the RFC 8785 canonical JSON of the document' })
  value: string;
}
