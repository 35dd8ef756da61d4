import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ErrorCode } from '@mla/contracts';

export class FieldErrorDto {
  @ApiProperty({ example: 'urgency.reasons', description: 'Path of the field in the request body or query' })
  field: string;

  @ApiProperty({ type: [String], example: ['reasons is required when the urgency level is not normal'] })
  messages: string[];
}

/** The one error shape every route answers with. */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode: number;

  @ApiProperty({ enum: Object.values(ErrorCode), example: ErrorCode.ValidationFailed })
  code: ErrorCode;

  @ApiProperty({ example: 'The request is not valid' })
  message: string;

  @ApiPropertyOptional({
    description: 'For validation errors, one entry per field; otherwise an object with context',
    oneOf: [{ type: 'array', items: { $ref: '#/components/schemas/FieldErrorDto' } }, { type: 'object' }],
  })
  details?: FieldErrorDto[] | Record<string, unknown>;

  @ApiProperty({ example: '6f1c1b1e-7a51-4a8a-9d0e-2f4a1f6c9b10' })
  correlationId: string;
}
