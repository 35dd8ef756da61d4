import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Requests counted against one budget (`ip:<address>` or `user:<id>`) in its current window. */
@Entity({ name: 'rate_limit' })
@Check('ck_rate_limit_hits', `"hits" > 0`)
export class RateLimitEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_rate_limit' })
  key: string;

  @Index('ix_rate_limit_window_ends_at')
  @Column({ name: 'window_ends_at', type: 'timestamptz' })
  windowEndsAt: Date;

  @Column({ type: 'integer' })
  hits: number;
}
