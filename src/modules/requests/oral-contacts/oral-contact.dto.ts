import { ApiProperty } from '@nestjs/swagger';
import { IsDateString } from 'class-validator';
import { IsText } from '../../../common/validation/decorators';

export class RecordOralContactDto {
  @ApiProperty({ example: 'Paul Martin, FR 24/7 point, +33 1 00 00 00 00', maxLength: 300 })
  @IsText(300)
  counterpart: string;

  @ApiProperty({ format: 'date-time', description: 'When the call took place (with its offset or Z)' })
  @IsDateString({ strict: true })
  contactedAt: string;

  @ApiProperty({ maxLength: 5000, description: 'What was asked and agreed' })
  @IsText(5000)
  summary: string;
}
