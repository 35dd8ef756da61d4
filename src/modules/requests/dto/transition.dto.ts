import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsString, Matches } from 'class-validator';
import { REQUEST_ACTIONS, RequestAction } from '@mla/contracts';
import { IsOmittable, IsText } from '../../../common/validation/decorators';

export class TransitionDto {
  @ApiProperty({ enum: REQUEST_ACTIONS })
  @IsIn(REQUEST_ACTIONS)
  action: RequestAction;

  @ApiPropertyOptional({
    maxLength: 10000,
    description:
      'Mandatory for return_to_draft, request_clarification (the questions), answer_clarification, refuse and withdraw',
  })
  @IsOmittable()
  @IsText(10000)
  reason?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['REF_ESSENTIAL_INTERESTS'],
    description: 'Refusal ground codes (domain.md §7), mandatory for refuse',
  })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @Matches(/^[A-Z][A-Z0-9_]{2,63}$/, {
    each: true,
    message: 'each ground must be a code such as REF_ESSENTIAL_INTERESTS',
  })
  grounds?: string[];
}
