import { Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { Clock } from '../../common/clock';
import { DomainError, ValidationFailedError } from '../../common/errors/domain-error';
import { TransactionRunner } from '../../database/transaction-runner';
import { AuditService } from '../audit/audit.service';
import { SessionEntity } from '../auth/session.entity';
import { auditActor, type Principal } from '../auth/principal';
import type { UpdateUserDto, UserDto } from './dto/user.dto';
import { UserEntity } from './user.entity';
import { UserNotFoundError } from './users.errors';
import { toAgencySummary } from './users.service';

/** Account administration. Every change is audited with actor, target and outcome (CJIS AC-6(9), AU-2). */
@Injectable()
export class UsersAdminService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async list(): Promise<UserDto[]> {
    const users = await this.dataSource.manager.find(UserEntity, {
      relations: { agency: true },
      order: { username: 'ASC' },
    });
    return users.map(toUserDto);
  }

  async update(principal: Principal, id: string, dto: UpdateUserDto): Promise<UserDto> {
    const actor = auditActor(principal);
    try {
      if (dto.locked === undefined && dto.disabled === undefined) {
        throw ValidationFailedError.field('body', 'name at least one of locked, disabled');
      }
      if (dto.disabled === true && id === principal.userId) {
        throw ValidationFailedError.field('disabled', 'an administrator cannot disable their own account');
      }
      await this.transactions.run(async (manager) => {
        const user = await manager.findOne(UserEntity, {
          where: { id },
          lock: { mode: 'pessimistic_write' },
        });
        if (!user) throw new UserNotFoundError();
        const now = this.clock.now();
        if (dto.locked === false) {
          if (user.lockedAt) await manager.update(UserEntity, { id }, { lockedAt: null, recentFailures: [] });
          await this.audit.append(manager, {
            action: 'auth.unlock',
            // Unlocking an account that was not locked changes nothing: recorded as such.
            outcome: user.lockedAt ? 'success' : 'failure',
            actor,
            target: { type: 'user', id },
            ...(user.lockedAt ? {} : { data: { reason: 'not_locked' } }),
          });
        }
        if (dto.disabled === true && !user.disabledAt) {
          await manager.update(UserEntity, { id }, { disabledAt: now });
          // Sessions end with the account (ASVS 7.4.2); the next call of any of its tokens is refused.
          const ended = await manager.update(
            SessionEntity,
            { userId: id, revokedAt: IsNull() },
            { revokedAt: now, revokedReason: 'account_disabled' },
          );
          await this.audit.append(manager, {
            action: 'user.disable',
            outcome: 'success',
            actor,
            target: { type: 'user', id },
            data: { sessionsEnded: ended.affected ?? 0 },
          });
        }
        if (dto.disabled === false && user.disabledAt) {
          await manager.update(UserEntity, { id }, { disabledAt: null });
          await this.audit.append(manager, {
            action: 'user.enable',
            outcome: 'success',
            actor,
            target: { type: 'user', id },
          });
        }
      });
    } catch (error) {
      // A refused administrative action is audited too (SEC-24), in a transaction of its own.
      if (error instanceof DomainError) {
        await this.audit.record({
          action: 'user.update',
          outcome: 'failure',
          actor,
          target: { type: 'user', id },
          data: { reason: error.code, requested: Object.keys(dto).sort() },
        });
      }
      throw error;
    }
    const updated = await this.dataSource.manager.findOneOrFail(UserEntity, {
      where: { id },
      relations: { agency: true },
    });
    return toUserDto(updated);
  }
}

function toUserDto(user: UserEntity): UserDto {
  if (!user.agency) throw new Error(`agency of user ${user.id} not loaded`);
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    kind: user.kind,
    agency: toAgencySummary(user.agency),
    disabled: user.disabledAt !== null,
    locked: user.lockedAt !== null,
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
  };
}
