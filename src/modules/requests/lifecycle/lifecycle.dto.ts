import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CONDITION_TYPES, ConditionStatus, type ConditionType } from '@mla/contracts';
import { ItemOutcomeKind } from '../request.types';

export class ConditionDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: CONDITION_TYPES })
  type: ConditionType;

  @ApiProperty()
  text: string;

  @ApiProperty({
    enum: Object.values(ConditionStatus),
    description: 'accepted conditions bind the requesting side',
  })
  status: ConditionStatus;

  @ApiProperty({ format: 'date-time' })
  proposedAt: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  decidedAt: string | null;
}

export class ConditionListDto {
  @ApiProperty({ type: [ConditionDto] })
  items: ConditionDto[];
}

export class ClarificationItemViewDto {
  @ApiProperty({ example: 'targets[0].timestamp.timeZone' })
  field: string;

  @ApiProperty()
  question: string;
}

/** An answer to a clarification that changed the request, held until the requesting supervisor approves it. */
export class PendingAnswerDto {
  @ApiProperty()
  text: string;

  @ApiProperty({ format: 'uuid', description: 'Its writer, who may not approve it (four eyes)' })
  writtenById: string;

  @ApiProperty({ format: 'date-time' })
  writtenAt: string;
}

/** Clarification rounds so far (domain.md §6.4): auditors ask how long each side held the request. */
export class ClarificationDto {
  @ApiProperty({ description: 'Rounds asked so far' })
  rounds: number;

  @ApiProperty({ description: 'Whether a question is waiting for the requesting side' })
  open: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  openedAt: string | null;

  @ApiProperty({ type: [ClarificationItemViewDto], description: 'The fields the last question was about' })
  items: ClarificationItemViewDto[];

  @ApiProperty({
    description: 'Days the requesting side has held the request in clarification, the open round included',
    example: 2.5,
  })
  daysWaitingOnRequestingSide: number;

  @ApiProperty({
    description:
      'An answer that changed the request is waiting for the requesting supervisor (requesting side only)',
  })
  answerAwaitingApproval: boolean;

  @ApiProperty({
    type: PendingAnswerDto,
    nullable: true,
    description:
      'That answer, for the supervisor who approves it (requesting side only; null on the requested side and when none waits)',
  })
  pendingAnswer: PendingAnswerDto | null;
}

export class ConsultationOutcomeDto {
  @ApiProperty()
  held: boolean;

  @ApiPropertyOptional({ description: 'Why no consultation was held' })
  skippedBecause?: string;
}

export class ConsultationDto {
  @ApiProperty({ format: 'date-time' })
  openedAt: string;

  @ApiProperty({ type: [String], description: 'The ground codes the requested side had in mind' })
  grounds: string[];
}

export class PostponementDto {
  @ApiProperty({ type: [String], example: ['POST_ONGOING_PROCEEDINGS'] })
  grounds: string[];

  @ApiProperty()
  reason: string;

  @ApiProperty({ format: 'date-time' })
  expectedResumeAt: string;

  @ApiProperty({ format: 'date-time' })
  postponedAt: string;

  @ApiProperty({ type: ConsultationOutcomeDto })
  consultation: ConsultationOutcomeDto;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  resumedAt: string | null;

  @ApiProperty({ type: String, nullable: true })
  resumeNote: string | null;
}

export class ItemOutcomeDto {
  @ApiProperty({ example: 'data:content' })
  item: string;

  @ApiProperty({ enum: Object.values(ItemOutcomeKind) })
  outcome: ItemOutcomeKind;

  @ApiPropertyOptional({ example: 'REF_DOMESTIC_PROHIBITION' })
  groundCode?: string;

  @ApiPropertyOptional()
  reason?: string;
}
