import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { REQUEST_STATUSES, RequestStatus, RequestType } from '@mla/contracts';
import { PageQueryDto } from '../../../common/http/pagination';
import { IsOmittable } from '../../../common/validation/decorators';

export const RequestBox = { Outgoing: 'outgoing', Incoming: 'incoming' } as const;
export type RequestBox = (typeof RequestBox)[keyof typeof RequestBox];

export class RequestQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: Object.values(RequestBox),
    description: 'outgoing: my side asks; incoming: my agency is asked',
  })
  @IsOmittable()
  @IsIn(Object.values(RequestBox))
  box?: RequestBox;

  @ApiPropertyOptional({ enum: REQUEST_STATUSES })
  @IsOmittable()
  @IsIn(REQUEST_STATUSES)
  status?: RequestStatus;

  @ApiPropertyOptional({ enum: Object.values(RequestType) })
  @IsOmittable()
  @IsIn(Object.values(RequestType))
  type?: RequestType;

  @ApiPropertyOptional({
    enum: ['true'],
    description: 'true: only requests with an open deadline already past',
  })
  @IsOmittable()
  @IsIn(['true'], { message: 'overdue can only be true' })
  overdue?: 'true';
}
