import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import type { LegalBasis } from '@mla/contracts';
import { UserEntity } from '../users/user.entity';

/** One immutable version of a legal basis's rules; the body is the profile as canonical JSON. */
@Entity({ name: 'instrument_profile' })
@Unique('uq_instrument_profile_version', ['legalBasis', 'version'])
@Check('ck_instrument_profile_version', `"version" > 0`)
@Check('ck_instrument_profile_origin', `"origin" IN ('shipped', 'published')`)
export class InstrumentProfileEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_instrument_profile' })
  id: string;

  @Column({ name: 'legal_basis', type: 'text' })
  legalBasis: LegalBasis;

  @Column({ type: 'integer' })
  version: number;

  @Column({ type: 'text' })
  body: string;

  /** Lets anyone holding a copy of the profile check it is the one a request was judged by. */
  @Column({ name: 'body_sha256', type: 'varchar', length: 64 })
  bodySha256: string;

  /** `shipped` with the release (profiles/*.json), or `published` by an administrator. */
  @Column({ type: 'text' })
  origin: 'shipped' | 'published';

  @Column({ name: 'published_at', type: 'timestamptz' })
  publishedAt: Date;

  @Column({ name: 'published_by_id', type: 'uuid', nullable: true })
  publishedById: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'published_by_id', foreignKeyConstraintName: 'fk_instrument_profile_published_by' })
  publishedBy?: UserEntity;
}
