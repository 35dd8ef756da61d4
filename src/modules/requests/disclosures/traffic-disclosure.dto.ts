import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, Matches, ValidateNested } from 'class-validator';
import { IsOmittable, IsText } from '../../../common/validation/decorators';
import { CreateRequestDto } from '../dto/create-request.dto';
import { UseConditionDto } from '../dto/request-details.dto';
import { PersonRefDto } from '../dto/request.dto';

export class DiscloseTrafficDto {
  @ApiProperty({ maxLength: 200, example: 'Example Transit GmbH' })
  @IsText(200)
  providerName: string;

  @ApiProperty({ example: 'DE', description: 'The state of the provider found (ISO 3166-1 alpha-2)' })
  @Matches(/^[A-Z]{2}$/, { message: 'providerStateCode must be an ISO 3166-1 alpha-2 code such as DE' })
  providerStateCode: string;

  @ApiProperty({
    maxLength: 5000,
    description: 'The path of the communication, as the traffic data shows it',
  })
  @IsText(5000)
  pathDescription: string;

  @ApiPropertyOptional({
    maxLength: 2000,
    description: 'Whether it is enough to identify the provider and path',
  })
  @IsOmittable()
  @IsText(2000)
  sufficiencyNote?: string;

  @ApiPropertyOptional({
    type: [UseConditionDto],
    description: 'Conditions on use besides those the preservation already carries',
  })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => UseConditionDto)
  conditions?: UseConditionDto[];
}

export class TrafficDisclosureDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  providerName: string;

  @ApiProperty({ example: 'DE' })
  providerStateCode: string;

  @ApiProperty()
  pathDescription: string;

  @ApiProperty({ type: String, nullable: true })
  sufficiencyNote: string | null;

  @ApiProperty({
    type: [UseConditionDto],
    description: 'The conditions it carries: those the preservation was accepted under, then its own',
  })
  conditions: UseConditionDto[];

  @ApiProperty({ type: PersonRefDto })
  disclosedBy: PersonRefDto;

  @ApiProperty({ format: 'date-time' })
  disclosedAt: string;
}

export class TrafficDisclosureListDto {
  @ApiProperty({ type: [TrafficDisclosureDto] })
  items: TrafficDisclosureDto[];
}

/**
 * A preservation request to the provider's state, filled in from the preservation and the
 * disclosure: the requesting side reviews it and sends it to `POST /v1/requests` as it is.
 */
export class PreservationDraftDto {
  @ApiProperty({
    type: CreateRequestDto,
    description:
      '`requestedAgencyId` is empty when the directory has no 24/7 point or central authority there',
  })
  body: CreateRequestDto;

  @ApiProperty({ type: [String], description: 'What the requesting side should check before sending it' })
  notes: string[];
}
