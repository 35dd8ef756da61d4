import { ApiProperty } from '@nestjs/swagger';
import { DualCriminality, DualCriminalityStatus, LegalBasis, RequestType } from '@mla/contracts';

const VERIFICATION = ['V', 'P', 'U'];

export class OffenceAssessmentDto {
  @ApiProperty({ description: 'Position of the offence in the request’s `offences`', example: 0 })
  index: number;

  @ApiProperty({ type: String, nullable: true, example: 'UNCC-07-ILLEGAL-ACCESS' })
  catalogueCode: string | null;

  @ApiProperty({ enum: Object.values(DualCriminalityStatus) })
  status: DualCriminalityStatus;

  @ApiProperty({
    example: 'FR criminalises the conduct (unauthorised access to an ict system), whatever its name there',
  })
  rationale: string;

  @ApiProperty({
    enum: VERIFICATION,
    nullable: true,
    description: 'How far the record entry behind the status is verified (domain.md §0); null without one',
  })
  verification: 'V' | 'P' | 'U' | null;
}

export class DualCriminalitySourceDto {
  @ApiProperty({ example: 'profiles/reference/criminalisation.json' })
  file: string;

  @ApiProperty({ example: 1 })
  version: number;

  @ApiProperty({ description: 'SHA-256 of the file as shipped: cite it with the decision' })
  sha256: string;
}

export class CriminalisationSourceDto extends DualCriminalitySourceDto {
  @ApiProperty({ description: 'True for demonstration data that states no real law' })
  illustrative: boolean;
}

export class DualCriminalitySourcesDto {
  @ApiProperty({ type: DualCriminalitySourceDto })
  offenceCatalogue: DualCriminalitySourceDto;

  @ApiProperty({
    type: CriminalisationSourceDto,
    nullable: true,
    description: 'Null when no criminalisation record is in use: every offence is then unknown',
  })
  criminalisation: CriminalisationSourceDto | null;
}

/** The dual-criminality assessment of a request (domain.md §7.5). Decision support, never a decision. */
export class DualCriminalityAssessmentDto {
  @ApiProperty({ format: 'uuid' })
  requestId: string;

  @ApiProperty({
    enum: [true],
    description:
      'Always true: the assessment supports a human decision and never refuses a request by itself; the record it reads may be unverified',
  })
  advisory: true;

  @ApiProperty({ enum: Object.values(RequestType) })
  type: RequestType;

  @ApiProperty({ enum: Object.values(LegalBasis) })
  legalBasis: LegalBasis;

  @ApiProperty({ description: 'The instrument profile version whose rule applies (the request’s own)' })
  profileVersion: number;

  @ApiProperty({ example: 'FR', description: 'The state whose law the conduct is tested against' })
  requestedStateCode: string;

  @ApiProperty({
    enum: Object.values(DualCriminality),
    description: 'What the profile says for this request type',
  })
  requirement: DualCriminality;

  @ApiProperty({
    description:
      'True where the profile makes dual criminality a condition; under `optional` the requested state may refuse for its absence at its discretion (UNCAC 46(9)(b))',
  })
  required: boolean;

  @ApiProperty({
    enum: Object.values(DualCriminalityStatus),
    description: 'not_met if any offence is not met; otherwise unknown if any is unknown; otherwise met',
  })
  status: DualCriminalityStatus;

  @ApiProperty({ type: [OffenceAssessmentDto] })
  offences: OffenceAssessmentDto[];

  @ApiProperty({
    type: [String],
    example: ['REF_ESSENTIAL_INTERESTS', 'REF_NO_DUAL_CRIMINALITY'],
    description:
      'The ground codes the refuse action accepts for this request: the profile’s, with REF_NO_DUAL_CRIMINALITY only where the status is not_met. Whether the caller may refuse at all is in the request’s allowedActions',
  })
  refusalGroundsAvailable: string[];

  @ApiProperty({ type: DualCriminalitySourcesDto })
  sources: DualCriminalitySourcesDto;
}
