import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsString,
  Matches,
  ValidateNested,
} from 'class-validator';
import { REQUEST_ACTIONS, RequestAction } from '@mla/contracts';
import { IsOmittable, IsText, IsUuid } from '../../../common/validation/decorators';
import { ItemOutcomeKind } from '../request.types';
import { UseConditionDto } from './request-details.dto';

const GROUND_CODE = /^[A-Z][A-Z0-9_]{2,63}$/;

export class ClarificationItemDto {
  @ApiProperty({ maxLength: 200, example: 'targets[0].timestamp.timeZone' })
  @IsText(200)
  field: string;

  @ApiProperty({ maxLength: 2000 })
  @IsText(2000)
  question: string;
}

export class ItemOutcomeInputDto {
  @ApiProperty({
    maxLength: 100,
    example: 'data:content',
    description: "A requested item, as listed in the request's `requestedItems`",
  })
  @IsText(100)
  item: string;

  @ApiProperty({ enum: Object.values(ItemOutcomeKind) })
  @IsIn(Object.values(ItemOutcomeKind))
  outcome: ItemOutcomeKind;

  @ApiPropertyOptional({ example: 'REF_DOMESTIC_PROHIBITION', description: 'Mandatory for a refused item' })
  @IsOmittable()
  @Matches(GROUND_CODE, { message: 'groundCode must be a code such as REF_DOMESTIC_PROHIBITION' })
  groundCode?: string;

  @ApiPropertyOptional({ maxLength: 5000, description: 'Mandatory unless the item was executed' })
  @IsOmittable()
  @IsText(5000)
  reason?: string;
}

/** One body for every action; which fields an action requires or takes is the transition table's. */
export class TransitionDto {
  @ApiProperty({ enum: REQUEST_ACTIONS })
  @IsIn(REQUEST_ACTIONS)
  action: RequestAction;

  @ApiPropertyOptional({
    maxLength: 10000,
    description:
      'Mandatory for return_to_draft, request_clarification (the questions), answer_clarification and submit_answer (the answer), return_answer, start_consultation (draft reasons), propose_conditions, reject_conditions, refuse, postpone, resume and withdraw',
  })
  @IsOmittable()
  @IsText(10000)
  reason?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['REF_ESSENTIAL_INTERESTS'],
    description:
      'Ground codes of the pinned profile (domain.md §7): refusal grounds for refuse, postponement grounds for postpone, either for start_consultation',
  })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @Matches(GROUND_CODE, {
    each: true,
    message: 'each ground must be a code such as REF_ESSENTIAL_INTERESTS',
  })
  grounds?: string[];

  @ApiPropertyOptional({
    maxLength: 5000,
    description:
      'Why a refusal or postponement was not preceded by a consultation (BUD 27(6) "where appropriate")',
  })
  @IsOmittable()
  @IsText(5000)
  consultationSkippedReason?: string;

  @ApiPropertyOptional({ type: [UseConditionDto], description: 'Mandatory for propose_conditions' })
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => UseConditionDto)
  conditions?: UseConditionDto[];

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When execution is expected to resume; mandatory for postpone',
  })
  @IsOmittable()
  @IsISO8601({ strict: true, strictSeparator: true })
  expectedResumeAt?: string;

  @ApiPropertyOptional({
    type: [ItemOutcomeInputDto],
    description: 'One outcome for every requested item; mandatory for mark_partially_executed',
  })
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ItemOutcomeInputDto)
  itemOutcomes?: ItemOutcomeInputDto[];

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'assess: the agency of the requested state that will execute the request',
  })
  @IsOmittable()
  @IsUuid()
  executingAgencyId?: string;

  @ApiPropertyOptional({
    type: [ClarificationItemDto],
    description: 'request_clarification: the fields the questions are about',
  })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ClarificationItemDto)
  clarificationItems?: ClarificationItemDto[];
}
