import { Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { Clock } from '../../common/clock';
import { ValidationFailedError } from '../../common/errors/domain-error';
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
    if (dto.locked === undefined && dto.disabled === undefined) {
      throw ValidationFailedError.field('body', 'name at least one of locked, disabled');
    }
    if (dto.disabled === true && id === principal.userId) {
      throw ValidationFailedError.field('disabled', 'an administrator cannot disable their own account');
    }
    await this.transactions.run(async (manager) => {
      const user = await manager.findOne(UserEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw new UserNotFoundError();
      const now = this.clock.now();
      const actor = auditActor(principal);
      if (dto.locked === false && user.lockedAt) {
        await manager.update(
          UserEntity,
          { id },
          { lockedAt: null, failedLoginCount: 0, failedLoginWindowStartedAt: null },
        );
        await this.audit.append(manager, {
          action: 'auth.unlock',
          outcome: 'success',
          actor,
          target: { type: 'user', id },
        });
      }
      if (dto.disabled === true && !user.disabledAt) {
        await manager.update(UserEntity, { id }, { disabledAt: now });
        // Sessions end with the account (ASVS 7.4.2); the next call of any of its tokens is refused.
        const ended = await manager
          .createQueryBuilder()
          .update(SessionEntity)
          .set({ revokedAt: now, revokedReason: 'account_disabled' })
          .where({ userId: id, revokedAt: IsNull() })
          .execute();
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
    agency: toAgencySummary(user.agency),
    disabled: user.disabledAt !== null,
    locked: user.lockedAt !== null,
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
  };
}
