import { IsUuid } from '../../../common/validation/decorators';
import { ApiProperty } from '@nestjs/swagger';
import {} from 'class-validator';
import { AgencyDto } from '../../directory/dto/directory.dto';
import { PersonRefDto } from './request.dto';

export class CreateAssignmentDto {
  @ApiProperty({
    format: 'uuid',
    description: 'An active case officer of the caller’s own agency',
  })
  @IsUuid()
  userId: string;
}

export class AssignmentDto {
  @ApiProperty({ type: PersonRefDto })
  user: PersonRefDto;

  @ApiProperty({ type: AgencyDto, description: 'The party agency the officer works the request for' })
  agency: AgencyDto;

  @ApiProperty({ type: PersonRefDto })
  assignedBy: PersonRefDto;

  @ApiProperty({ format: 'date-time' })
  assignedAt: string;
}

export class AssignmentListDto {
  @ApiProperty({
    type: [AssignmentDto],
    description: 'Current assignments of the caller’s side only, oldest first',
  })
  items: AssignmentDto[];
}
