import { ApiProperty } from '@nestjs/swagger';
import { SignatureDto } from '../../../common/crypto/signature.dto';

export class TransmissionReceiptDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The receipt (type mla-portal/transmission-receipt): the request and both agencies, when and through which channel it was transmitted, the SHA-256 of the RFC 8785 canonical JSON of the content version sent (GET /v1/requests/{id}/versions/{contentVersion}), who transmitted it, and the audit entry that records it, with a signed checkpoint of the audit log that covers the entry and its inclusion proof',
  })
  receipt: Record<string, unknown>;

  @ApiProperty({ type: SignatureDto }) signature: SignatureDto;
}

export class TransmissionReceiptListDto {
  @ApiProperty({ type: [TransmissionReceiptDto], description: 'One per transmission, newest first' })
  items: TransmissionReceiptDto[];
}
