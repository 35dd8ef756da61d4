import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import type { AgencyKind } from '@mla/contracts';
import { StateEntity } from './state.entity';

@Entity({ name: 'agency' })
@Unique('uq_agency_code', ['code'])
@Index('ix_agency_state_kind', ['stateCode', 'kind'])
@Check(
  'ck_agency_kind',
  `"kind" IN ('central_authority', 'competent_authority', 'contact_point_24_7', 'oversight_body', 'portal_operator')`,
)
export class AgencyEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_agency' })
  id: string;

  @Column({ type: 'text' })
  code: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'state_code', type: 'varchar', length: 2 })
  stateCode: string;

  @ManyToOne(() => StateEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'state_code', foreignKeyConstraintName: 'fk_agency_state' })
  state?: StateEntity;

  @Column({ type: 'text' })
  kind: AgencyKind;

  /** IANA zone of the agency's office hours; deadlines are shown in it beside the reader's own. */
  @Column({ name: 'time_zone', type: 'text' })
  timeZone: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** Set while the agency is out of the portal: its people cannot sign in and nobody can send it new requests. */
  @Column({ name: 'deactivated_at', type: 'timestamptz', nullable: true })
  deactivatedAt: Date | null;
}
