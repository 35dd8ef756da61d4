import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { MessageKind, POSTABLE_MESSAGE_KINDS } from '@mla/contracts';
import { IsText } from '../../../common/validation/decorators';
import { AgencyDto } from '../../directory/dto/directory.dto';
import { PersonRefDto } from './request.dto';

export class CreateMessageDto {
  @ApiProperty({
    enum: POSTABLE_MESSAGE_KINDS,
    description:
      'Every message is visible to both sides. Clarification messages are written by their transitions.',
  })
  @IsIn(POSTABLE_MESSAGE_KINDS)
  kind: MessageKind;

  @ApiProperty({ maxLength: 10000 })
  @IsText(10000)
  body: string;
}

export class MessageDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  requestId: string;

  @ApiProperty({ enum: Object.values(MessageKind) })
  kind: MessageKind;

  @ApiProperty()
  body: string;

  @ApiProperty({ type: PersonRefDto, nullable: true, description: 'null on reminders the portal writes' })
  author: PersonRefDto | null;

  @ApiProperty({ type: AgencyDto, nullable: true })
  authorAgency: AgencyDto | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class MessagePageDto {
  @ApiProperty({ type: [MessageDto] })
  items: MessageDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}
