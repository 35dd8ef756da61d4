import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { AgencyKind } from '@mla/contracts';
import { StateEntity } from './state.entity';

@Entity({ name: 'agency' })
export class AgencyEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', unique: true })
  code: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'state_code', type: 'varchar', length: 2 })
  stateCode: string;

  @ManyToOne(() => StateEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'state_code' })
  state?: StateEntity;

  @Column({ type: 'text' })
  kind: AgencyKind;

  /** IANA zone of the agency's office hours; deadlines are shown in it beside the reader's own. */
  @Column({ name: 'time_zone', type: 'text' })
  timeZone: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
