import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { PersonRefDto } from '../dto/request.dto';

export class ContentVersionSummaryDto {
  @ApiProperty({ minimum: 1 })
  contentVersion: number;

  @ApiProperty({ format: 'date-time', description: 'When this version reached the requested side' })
  sentAt: string;

  @ApiProperty({ type: PersonRefDto })
  sentBy: PersonRefDto;
}

export class ContentVersionListDto {
  @ApiProperty({ type: [ContentVersionSummaryDto] })
  items: ContentVersionSummaryDto[];
}

export class ContentVersionDto extends ContentVersionSummaryDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The request content exactly as it was sent (the fields of a request body)',
  })
  content: Record<string, unknown>;
}

export class ContentChangeDto {
  @ApiProperty({ example: 'targets[0].timestamp.timeZone' })
  path: string;

  @ApiPropertyOptional({ description: 'Absent when the field was added' })
  before?: unknown;

  @ApiPropertyOptional({ description: 'Absent when the field was removed' })
  after?: unknown;
}

export class ContentDiffDto {
  @ApiProperty()
  from: number;

  @ApiProperty()
  to: number;

  @ApiProperty({ type: [ContentChangeDto] })
  changes: ContentChangeDto[];
}

export class ContentDiffQueryDto {
  @ApiProperty({ minimum: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  from: number;

  @ApiProperty({ minimum: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  to: number;
}
