import { Check, Column, Entity, PrimaryColumn } from 'typeorm';
import type { LegalSystemFamily } from '@mla/contracts';

@Entity({ name: 'state' })
@Check('ck_state_code', `"code" ~ '^[A-Z]{2}$'`)
@Check(
  'ck_state_legal_system',
  `"legal_system" IN ('civil_law', 'common_law', 'mixed', 'socialist_law', 'religious_law')`,
)
export class StateEntity {
  /** ISO 3166-1 alpha-2. */
  @PrimaryColumn({ type: 'varchar', length: 2, primaryKeyConstraintName: 'pk_state' })
  code: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'legal_system', type: 'text' })
  legalSystem: LegalSystemFamily;

  /** BCP 47 tags of the languages the state accepts requests in. */
  @Column({ type: 'text', array: true })
  languages: string[];
}
