import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import { IsText } from '../../../common/validation/decorators';

/** The post-event review of an executed emergency request (domain.md §6.6), by the requesting supervisor. */
export class RecordEmergencyReviewDto {
  @ApiProperty({
    description: 'Was there a significant and imminent risk to the life or safety of a person?',
  })
  @IsBoolean()
  justified: boolean;

  @ApiProperty({ description: 'Was the data used only for the emergency and the investigation?' })
  @IsBoolean()
  useLimitsRespected: boolean;

  @ApiProperty({ maxLength: 5000 })
  @IsText(5000)
  notes: string;
}
