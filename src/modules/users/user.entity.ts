import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { Role } from '@mla/contracts';
import { AgencyEntity } from '../directory/agency.entity';

@Entity({ name: 'user_account' })
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Stored lower-case; logins compare lower-case. */
  @Column({ type: 'text', unique: true })
  username: string;

  @Column({ name: 'display_name', type: 'text' })
  displayName: string;

  @Column({ name: 'agency_id', type: 'uuid' })
  agencyId: string;

  @ManyToOne(() => AgencyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'agency_id' })
  agency?: AgencyEntity;

  @Column({ type: 'text' })
  role: Role;

  /** argon2id, PHC string format. Never leaves the users and auth modules. */
  @Column({ name: 'password_hash', type: 'text', select: false })
  passwordHash: string;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt: Date | null;

  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true })
  lastLoginAt: Date | null;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
