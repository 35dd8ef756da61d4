import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/** Attempts on the authentication routes per client address in the current one-minute window. */
@Entity({ name: 'auth_throttle' })
@Check('ck_auth_throttle_attempts', `"attempts" > 0`)
export class AuthThrottleEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_auth_throttle' })
  client: string;

  @Column({ name: 'window_started_at', type: 'timestamptz' })
  windowStartedAt: Date;

  @Column({ type: 'integer' })
  attempts: number;
}
