import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, OmitType, getSchemaPath } from '@nestjs/swagger';
import { Type, plainToInstance } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  Matches,
  Max,
  Min,
  ValidateNested,
  validateSync,
} from 'class-validator';
import {
  CONDITION_TYPES,
  ConditionType,
  DataCategory,
  FormOfProduction,
  HearingRole,
  ProductionAuthentication,
  RequestType,
  type DetailedRequestType,
  type FieldError,
} from '@mla/contracts';
import { IsOmittable, IsText } from '../../../common/validation/decorators';
import { flattenValidationErrors } from '../../../common/validation/validation.pipe';
import {
  CustodianDto,
  TimeRangeDto,
  TimeRangeInputDto,
  ZonedTimeDto,
  ZonedTimeInputDto,
} from './request-fields.dto';

/*
 * The own fields of each request type besides the envelope (domain.md §5.3-§5.14), stored in the
 * request's `details`. Identifiers and their time range stay in the envelope (`targets`,
 * `timeRange`), as for preservation. Almost every field is optional here: which ones a request must
 * carry is its legal basis's profile's to say (`mandatoryFields` such as `details.basisForBelief`),
 * so a lawyer can correct it without a release. What is checked here is the shape.
 */

/** An optional free-text field of a details object. */
function OptionalText(maxLength: number, description?: string, example?: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      maxLength,
      ...(description ? { description } : {}),
      ...(example ? { example } : {}),
    }),
    IsOmittable(),
    IsText(maxLength),
  );
}

/** An optional nested object of a details object. */
function OptionalNested(type: () => new () => object, description?: string): PropertyDecorator {
  return applyDecorators(
    // Swagger recognises a lazy type by its function name `type`: passing the caller's anonymous
    // arrow through published `$ref: #/components/schemas/` (found by npm run lint:api).
    ApiPropertyOptional({ type: () => type(), ...(description ? { description } : {}) }),
    IsOmittable(),
    IsObject(),
    ValidateNested(),
    Type(type),
  );
}

const ISO_COUNTRY = /^[A-Z]{2}$/;

/** A service provider or other holder of data, as far as it is known. */
export class ProviderDto {
  @ApiProperty({ maxLength: 200, example: 'Example Hosting SAS' })
  @IsText(200)
  name: string;

  @ApiPropertyOptional({ maxLength: 500, example: '2 rue Kellermann, 59100 Roubaix' })
  @IsOmittable()
  @IsText(500)
  address?: string;

  @ApiPropertyOptional({ example: 'FR', description: 'ISO 3166-1 alpha-2' })
  @IsOmittable()
  @Matches(ISO_COUNTRY, { message: 'country must be an ISO 3166-1 alpha-2 code' })
  country?: string;
}

/** `traffic_disclosure` (BUD 30; UNCC 43): what the preserving side found about a third-state provider. */
export class TrafficDisclosureDetailsDto {
  @OptionalText(200, 'The preservation request the disclosure arises from (its reference or ticket)')
  preservationRef?: string;

  @OptionalNested(() => ProviderDto, 'The provider in a third state that took part in the transmission')
  identifiedProvider?: ProviderDto;

  @OptionalText(5000, 'The path of the communication, as far as the traffic data shows it')
  pathDescription?: string;

  @OptionalText(2000, 'Whether the disclosed data is enough to identify the provider and the path')
  sufficiencyNote?: string;
}

/** `stored_data_access` (BUD 31; UNCC 44; BUD-P2 8): production of stored data. */
export class StoredDataAccessDetailsDto {
  @ApiPropertyOptional({ enum: Object.values(DataCategory), isArray: true })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(6)
  @IsIn(Object.values(DataCategory), { each: true })
  dataCategories?: DataCategory[];

  @OptionalNested(() => CustodianDto, 'The provider or custodian holding the data')
  custodian?: CustodianDto;

  @ApiPropertyOptional({ enum: Object.values(FormOfProduction) })
  @IsOmittable()
  @IsIn(Object.values(FormOfProduction))
  formOfProduction?: FormOfProduction;

  @ApiPropertyOptional({
    enum: Object.values(ProductionAuthentication),
    description: 'Authentication of the produced data, if asked for',
  })
  @IsOmittable()
  @IsIn(Object.values(ProductionAuthentication))
  authenticationRequested?: ProductionAuthentication;

  @OptionalText(
    5000,
    "Why the data is in the requested state's territory or under a provider's control there",
  )
  basisForBelief?: string;

  @OptionalText(
    200,
    'The earlier preservation request (its reference or ticket), when there is one. A preservation made through the portal is also named in `links` (follow_up_of_preservation).',
  )
  preservationRef?: string;
}

/** `realtime_traffic` (BUD 33; UNCC 45): real-time collection of traffic data. */
export class RealtimeTrafficDetailsDto {
  @OptionalText(5000, 'The communications concerned and their link to the offence (identifiers in `targets`)')
  communications?: string;

  @OptionalText(2000, 'Data identifying the owner or user, or the location of the system')
  ownerOrUser?: string;

  @OptionalText(5000, 'Why the collection is needed')
  justification?: string;

  @ApiPropertyOptional({
    type: TimeRangeInputDto,
    description: 'Start and end of the collection, each with its zone',
  })
  @IsOmittable()
  @IsObject()
  @ValidateNested()
  @Type(() => TimeRangeInputDto)
  collectionPeriod?: TimeRangeInputDto;

  @OptionalText(2000, 'Why the collection must last that long')
  durationReason?: string;
}

/** `interception` (BUD 34; UNCC 46; EIO 30(3)-(4)): interception of content data. */
export class InterceptionDetailsDto {
  @OptionalText(2000, 'Information identifying the subject of the interception')
  subject?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 366, description: 'Desired duration in days' })
  @IsOmittable()
  @IsInt()
  @Min(1)
  @Max(366)
  durationDays?: number;

  @OptionalText(2000, 'Technical data besides the target identifiers in `targets`')
  technicalData?: string;

  @OptionalText(5000, 'Why the measure is relevant to the proceedings')
  relevance?: string;
}

/** `search_seizure` (UNCC 40(3); BUD 31): search and seizure of premises or devices. */
export class SearchSeizureDetailsDto {
  @OptionalText(2000, 'The premises or devices to be searched')
  premisesOrDevices?: string;

  @OptionalText(5000, 'The items sought')
  itemsSought?: string;

  @OptionalText(5000, 'How the items are linked to the offence')
  linkToOffence?: string;

  @OptionalText(5000, "Why they are believed to be in the requested state's territory")
  reasonBelievedInTerritory?: string;

  @ApiPropertyOptional({
    description:
      'The requesting state could order the seizure by compulsory measures under its own law (some bilateral treaties ask for this statement)',
  })
  @IsOmittable()
  @IsBoolean()
  compulsoryMeasuresAvailable?: boolean;
}

/** `emergency_disclosure` (BUD-P2 Art 9; UNCC 41): immediate disclosure to avert an emergency. */
export class EmergencyDisclosureDetailsDto {
  @OptionalNested(() => ProviderDto, 'The provider holding the data, with its address')
  provider?: ProviderDto;

  @OptionalText(5000, 'The facts showing the emergency: the imminent risk to the life or safety of a person')
  emergencyFacts?: string;

  @OptionalText(5000, 'How the data sought relates to the emergency')
  dataRelation?: string;

  @OptionalText(5000, 'A detailed description of the data sought')
  dataDescription?: string;

  @OptionalText(2000, 'Any special procedural instructions')
  specialInstructions?: string;
}

/** `subscriber_direct` (BUD-P2 Art 7): an order for subscriber information addressed to a provider. */
export class SubscriberDirectDetailsDto {
  @OptionalNested(() => ProviderDto, 'The provider the order is addressed to, with its address')
  provider?: ProviderDto;

  @OptionalText(
    5000,
    'A detailed description of the subscriber information sought (identifiers in `targets`)',
  )
  dataSought?: string;

  @OptionalText(2000, 'The domestic legal grounds of the order')
  domesticLegalGrounds?: string;

  @OptionalText(2000, 'Contact point, deadline and manner of returning the data')
  returnInstructions?: string;

  @OptionalText(2000, 'Any special procedural instructions')
  specialInstructions?: string;
}

export class HearingPersonDto {
  @ApiProperty({ maxLength: 200 })
  @IsText(200)
  name: string;

  @ApiProperty({ enum: Object.values(HearingRole) })
  @IsIn(Object.values(HearingRole))
  role: HearingRole;
}

/** `video_hearing` (UNCAC 46(18) model; BUD-P2 Art 11): hearing by video link. */
export class VideoHearingDetailsDto {
  @OptionalNested(() => HearingPersonDto, 'The person to be heard and in what capacity')
  person?: HearingPersonDto;

  @ApiPropertyOptional({ example: 'vi', description: 'BCP 47 tag of the language the person will speak' })
  @IsOmittable()
  @Matches(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { message: 'language must be a BCP 47 tag such as en or vi' })
  language?: string;

  @ApiPropertyOptional({ description: 'An interpreter is needed' })
  @IsOmittable()
  @IsBoolean()
  interpreter?: boolean;

  @OptionalText(
    500,
    'Who conducts the hearing (the requesting judicial authority, a requested-state judicial authority attending)',
  )
  conductingAuthority?: string;

  @ApiPropertyOptional({ type: ZonedTimeInputDto, description: 'Proposed date and time, with its zone' })
  @IsOmittable()
  @IsObject()
  @ValidateNested()
  @Type(() => ZonedTimeInputDto)
  proposedAt?: ZonedTimeInputDto;

  @OptionalText(500, 'Technical contact for the link (name, phone, email)')
  technicalContact?: string;

  @OptionalText(2000, 'Whether and how the hearing is recorded')
  recordingRules?: string;

  @OptionalText(2000, 'Who bears which costs')
  costArrangements?: string;
}

export class JitMemberDto {
  @ApiProperty({ maxLength: 200 })
  @IsText(200)
  name: string;

  @ApiProperty({ maxLength: 200, description: 'Participating authority' })
  @IsText(200)
  authority: string;

  @ApiPropertyOptional({ maxLength: 200, example: 'team leader' })
  @IsOmittable()
  @IsText(200)
  role?: string;
}

/**
 * `joint_investigation` (UNCC 48; BUD-P2 Art 12): the written agreement setting up a team. Its
 * purpose is the envelope's `purpose`.
 */
export class JointInvestigationDetailsDto {
  @ApiPropertyOptional({ type: [String], example: ['VN', 'FR'], description: 'ISO 3166-1 alpha-2 codes' })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(30)
  @Matches(ISO_COUNTRY, { each: true, message: 'each party must be an ISO 3166-1 alpha-2 code' })
  parties?: string[];

  @ApiPropertyOptional({ type: [JitMemberDto] })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => JitMemberDto)
  members?: JitMemberDto[];

  @OptionalText(5000, 'Offences and suspects the team covers')
  scope?: string;

  @ApiPropertyOptional({ example: '2026-06-01', format: 'date' })
  @IsOmittable()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'startDate must be a date like 2026-06-01' })
  startDate?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 120, example: 12 })
  @IsOmittable()
  @IsInt()
  @Min(1)
  @Max(120)
  durationMonths?: number;

  @OptionalText(500, 'Where the team works')
  location?: string;

  @OptionalText(2000, 'Who leads in each territory')
  leadership?: string;

  @OptionalText(5000, 'Rules on sharing and using evidence')
  evidenceTerms?: string;

  @OptionalText(5000, 'Data-protection terms')
  dataProtectionTerms?: string;

  @OptionalText(2000, 'How costs are shared')
  costTerms?: string;
}

/**
 * A condition on use (domain.md §8.1): its type and the words that bind. One shape wherever
 * conditions travel: offered with information, in consultation, with a consent or a disclosure.
 */
export class UseConditionDto {
  @ApiProperty({ enum: CONDITION_TYPES, example: 'cond_confidential' })
  @IsIn(CONDITION_TYPES)
  type: ConditionType;

  @ApiProperty({
    maxLength: 2000,
    description: 'The words that bind the side receiving the material',
    example: 'Not to be disclosed beyond the prosecutors of State C',
  })
  @IsText(2000)
  text: string;
}

/** `spontaneous_information` (BUD 26; UNCC 40): information offered without a request. */
export class SpontaneousInformationDetailsDto {
  @OptionalText(20000, 'Summary of the information offered')
  summary?: string;

  @ApiPropertyOptional({
    type: [UseConditionDto],
    description: 'Conditions the sender proposes; the receiver says whether it can comply',
  })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => UseConditionDto)
  proposedConditions?: UseConditionDto[];
}

/* The stored forms, where a zoned time gains the UTC instant the server derived. */

export class RealtimeTrafficDetailsViewDto extends OmitType(RealtimeTrafficDetailsDto, ['collectionPeriod']) {
  @ApiPropertyOptional({ type: TimeRangeDto })
  collectionPeriod?: TimeRangeDto;
}

export class VideoHearingDetailsViewDto extends OmitType(VideoHearingDetailsDto, ['proposedAt']) {
  @ApiPropertyOptional({ type: ZonedTimeDto })
  proposedAt?: ZonedTimeDto;
}

type DetailsClass = new () => object;

/** The details class each type's `details` is validated against. */
export const DETAILS_INPUT_TYPES: Readonly<Record<DetailedRequestType, DetailsClass>> = {
  [RequestType.TrafficDisclosure]: TrafficDisclosureDetailsDto,
  [RequestType.StoredDataAccess]: StoredDataAccessDetailsDto,
  [RequestType.RealtimeTraffic]: RealtimeTrafficDetailsDto,
  [RequestType.Interception]: InterceptionDetailsDto,
  [RequestType.SearchSeizure]: SearchSeizureDetailsDto,
  [RequestType.EmergencyDisclosure]: EmergencyDisclosureDetailsDto,
  [RequestType.SubscriberDirect]: SubscriberDirectDetailsDto,
  [RequestType.VideoHearing]: VideoHearingDetailsDto,
  [RequestType.JointInvestigation]: JointInvestigationDetailsDto,
  [RequestType.SpontaneousInformation]: SpontaneousInformationDetailsDto,
};

/** The stored (response) form of each type's details. */
export const DETAILS_VIEW_TYPES: Readonly<Record<DetailedRequestType, DetailsClass>> = {
  ...DETAILS_INPUT_TYPES,
  [RequestType.RealtimeTraffic]: RealtimeTrafficDetailsViewDto,
  [RequestType.VideoHearing]: VideoHearingDetailsViewDto,
};

export type TypeDetailsInput =
  | TrafficDisclosureDetailsDto
  | StoredDataAccessDetailsDto
  | RealtimeTrafficDetailsDto
  | InterceptionDetailsDto
  | SearchSeizureDetailsDto
  | EmergencyDisclosureDetailsDto
  | SubscriberDirectDetailsDto
  | VideoHearingDetailsDto
  | JointInvestigationDetailsDto
  | SpontaneousInformationDetailsDto;

export const DETAILS_INPUT_MODELS: DetailsClass[] = [...new Set(Object.values(DETAILS_INPUT_TYPES))];
export const DETAILS_VIEW_MODELS: DetailsClass[] = [...new Set(Object.values(DETAILS_VIEW_TYPES))];

export function isDetailedType(type: unknown): type is DetailedRequestType {
  return typeof type === 'string' && Object.hasOwn(DETAILS_INPUT_TYPES, type);
}

/**
 * The OpenAPI schema of `details`: one of the classes, which one being decided by the request's
 * `type` (documented, since the object itself carries no discriminator).
 */
export function detailsSchema(models: DetailsClass[], nullable: boolean) {
  return {
    oneOf: models.map((model) => ({ $ref: getSchemaPath(model) })),
    ...(nullable ? { nullable: true } : {}),
    description:
      'The own fields of the request type (domain.md §5): the class named after the type, e.g. StoredDataAccessDetailsDto for stored_data_access. Absent or null for mla_general and preservation.',
  };
}

/** Same rules as the request pipe: unknown properties refused, one message per field. */
const VALIDATION = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  stopAtFirstError: true,
  validationError: { target: false, value: false },
} as const;

/**
 * Validates a plain `details` object against its type's class, the way the request pipe validates
 * a body. Returns the instance, or the problems with paths such as `details.formOfProduction`.
 */
export function validateDetails(
  type: DetailedRequestType,
  plain: unknown,
): { details: TypeDetailsInput; problems: [] } | { details: undefined; problems: FieldError[] } {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    return { details: undefined, problems: [{ field: 'details', messages: ['details must be an object'] }] };
  }
  const instance = plainToInstance(DETAILS_INPUT_TYPES[type], plain, { enableImplicitConversion: false });
  const problems = flattenValidationErrors(validateSync(instance, VALIDATION), 'details');
  return problems.length > 0
    ? { details: undefined, problems }
    : { details: instance as TypeDetailsInput, problems: [] };
}
