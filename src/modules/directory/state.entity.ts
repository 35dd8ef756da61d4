import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { LegalSystemFamily } from '@mla/contracts';

@Entity({ name: 'state' })
export class StateEntity {
  /** ISO 3166-1 alpha-2. */
  @PrimaryColumn({ type: 'varchar', length: 2 })
  code: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'legal_system', type: 'text' })
  legalSystem: LegalSystemFamily;

  /** BCP 47 tags of the languages the state accepts requests in. */
  @Column({ type: 'text', array: true })
  languages: string[];
}
