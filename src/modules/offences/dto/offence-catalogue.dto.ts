import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OffenceKind } from '@mla/contracts';

const VERIFICATION = ['V', 'P', 'U'];

export class OffenceCatalogueEntryDto {
  @ApiProperty({ example: 'UNCC-07-ILLEGAL-ACCESS' })
  code: string;

  @ApiProperty({ enum: ['UNCC', 'BUD'] })
  instrument: 'UNCC' | 'BUD';

  @ApiProperty({ example: '7' })
  article: string;

  @ApiProperty({ example: 'Unauthorised access to an ICT system' })
  title: string;

  @ApiProperty({ type: String, nullable: true, example: 'BUD 2' })
  budapestEquivalent: string | null;

  @ApiProperty({
    enum: Object.values(OffenceKind),
    description:
      'offence: a conduct, which the dual-criminality assessment can test; ancillary (attempt, legal persons) and category (serious crime) cannot be tested on their own',
  })
  kind: OffenceKind;

  @ApiProperty({ enum: VERIFICATION, description: 'How far the entry is verified (domain.md §0)' })
  verification: 'V' | 'P' | 'U';

  @ApiPropertyOptional()
  note?: string;
}

export class OffenceCatalogueDto {
  @ApiProperty({ example: 1 })
  version: number;

  @ApiProperty({ description: 'A reference taxonomy, not law: the national provision is the relevant item' })
  source: string;

  @ApiProperty({ type: [OffenceCatalogueEntryDto] })
  offences: OffenceCatalogueEntryDto[];
}
