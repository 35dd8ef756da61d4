import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { CASE_ROLES, SERVICE_ACCOUNT_ROLES } from '@mla/contracts';
import { Clock } from '../../common/clock';
import { DomainError, ValidationFailedError } from '../../common/errors/domain-error';
import { violatedUniqueConstraint } from '../../database/constraint-violation';
import { TransactionRunner } from '../../database/transaction-runner';
import { AuditService } from '../audit/audit.service';
import type { AuditActor } from '../audit/audit.types';
import { SessionEntity, type SessionRevocation } from '../auth/session.entity';
import { auditActor, type Principal } from '../auth/principal';
import { isActiveAgency } from '../directory/active-agency';
import { RequestAssignmentEntity } from '../requests/request-assignment.entity';
import type { CreateUserDto, TemporaryPasswordDto, UpdateUserDto, UserDto } from './dto/user.dto';
import { PasswordHasher } from './password-hasher';
import { SecondFactorService } from './second-factor.service';
import { UserEntity } from './user.entity';
import { UserConflictError, UserNotFoundError } from './users.errors';
import { toAgencySummary } from './users.service';

/**
 * Account administration. Every change is audited with actor, target and outcome (CJIS AC-6(9),
 * AU-2), refusals included. Changes that alter what an account may do (role, agency, second factor,
 * password) end its sessions, so they apply at once (ASVS 8.3.2, CJIS IA-11).
 */
@Injectable()
export class UsersAdminService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly hasher: PasswordHasher,
    private readonly secondFactor: SecondFactorService,
  ) {}

  async list(): Promise<UserDto[]> {
    const users = await this.dataSource.manager.find(UserEntity, {
      relations: { agency: true },
      order: { username: 'ASC' },
    });
    return users.map(toUserDto);
  }

  /**
   * Creates a person's account with a temporary password, returned once: the first session may only
   * choose a new password (and enrol a second factor where one is required).
   */
  async create(principal: Principal, dto: CreateUserDto): Promise<TemporaryPasswordDto> {
    const temporaryPassword = temporaryPasswordOf();
    const passwordHash = await this.hasher.hash(temporaryPassword);
    const id = await this.audited(
      principal,
      'user.create',
      null,
      Object.keys(dto),
      async (manager, actor) => {
        if (!(await isActiveAgency(manager, dto.agencyId))) {
          throw ValidationFailedError.field('agencyId', 'agencyId names no active agency');
        }
        if (await manager.existsBy(UserEntity, { username: dto.username })) {
          throw new UserConflictError('That username is taken');
        }
        const user = manager.create(UserEntity, {
          username: dto.username,
          displayName: dto.displayName,
          role: dto.role,
          agencyId: dto.agencyId,
          kind: 'person',
          passwordHash,
          mustChangePassword: true,
        });
        await manager.save(UserEntity, user).catch((error: unknown) => {
          if (violatedUniqueConstraint(error) === 'uq_user_account_username') {
            throw new UserConflictError('That username is taken');
          }
          throw error;
        });
        await this.audit.append(manager, {
          action: 'user.create',
          outcome: 'success',
          actor,
          target: { type: 'user', id: user.id },
          data: { kind: 'person', role: dto.role, agencyId: dto.agencyId },
        });
        return user.id;
      },
    );
    return { user: await this.describe(id), temporaryPassword };
  }

  async update(principal: Principal, id: string, dto: UpdateUserDto): Promise<UserDto> {
    await this.audited(principal, 'user.update', id, Object.keys(dto), async (manager, actor) => {
      if (Object.values(dto).every((value) => value === undefined)) {
        throw ValidationFailedError.field(
          'body',
          'name at least one of role, agencyId, resetSecondFactor, locked, disabled',
        );
      }
      if (id === principal.userId && (dto.disabled || dto.role || dto.agencyId)) {
        // An administrator cannot demote, move or disable themselves: another administrator must.
        throw new UserConflictError('Administrators cannot change their own role, agency or access');
      }
      const user = await manager.findOne(UserEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw new UserNotFoundError();
      const now = this.clock.now();
      const record = (
        action: string,
        data?: Record<string, unknown>,
        outcome: 'success' | 'failure' = 'success',
      ) =>
        this.audit.append(manager, {
          action,
          outcome,
          actor,
          target: { type: 'user', id },
          ...(data ? { data } : {}),
        });

      if (dto.role !== undefined && dto.role !== user.role) {
        if (user.kind === 'service' && !SERVICE_ACCOUNT_ROLES.includes(dto.role)) {
          throw ValidationFailedError.field(
            'role',
            `a service account may only be ${SERVICE_ACCOUNT_ROLES.join(' or ')}`,
          );
        }
        await manager.update(UserEntity, { id }, { role: dto.role });
        const sessionsEnded = await this.endSessions(manager, id, 'admin', now);
        await record('user.role_change', { from: user.role, to: dto.role, sessionsEnded });
        if (!CASE_ROLES.includes(dto.role)) await this.endAssignments(manager, actor, id, 'role_change', now);
      }
      if (dto.agencyId !== undefined && dto.agencyId !== user.agencyId) {
        if (!(await isActiveAgency(manager, dto.agencyId))) {
          throw ValidationFailedError.field('agencyId', 'agencyId names no active agency');
        }
        await manager.update(UserEntity, { id }, { agencyId: dto.agencyId });
        const sessionsEnded = await this.endSessions(manager, id, 'admin', now);
        await record('user.agency_change', { from: user.agencyId, to: dto.agencyId, sessionsEnded });
        await this.endAssignments(manager, actor, id, 'agency_change', now);
      }
      if (dto.resetSecondFactor) {
        if (user.kind === 'service') {
          throw ValidationFailedError.field('resetSecondFactor', 'a service account has no second factor');
        }
        await this.secondFactor.remove(manager, id);
        const sessionsEnded = await this.endSessions(manager, id, 'admin', now);
        await record('auth.mfa_reset', { wasEnrolled: user.totpEnrolledAt !== null, sessionsEnded });
      }
      if (dto.locked === false) {
        if (user.lockedAt) {
          await manager.update(
            UserEntity,
            { id },
            { lockedAt: null, recentFailures: [], secondFactorFailures: 0 },
          );
        }
        // Unlocking an account that was not locked changes nothing: recorded as such.
        await record(
          'auth.unlock',
          user.lockedAt ? undefined : { reason: 'not_locked' },
          user.lockedAt ? 'success' : 'failure',
        );
      }
      if (dto.disabled === true && !user.disabledAt) {
        await manager.update(UserEntity, { id }, { disabledAt: now });
        // Sessions end with the account (ASVS 7.4.2); the next call of any of its tokens is refused.
        await record('user.disable', {
          sessionsEnded: await this.endSessions(manager, id, 'account_disabled', now),
        });
        await this.endAssignments(manager, actor, id, 'account_disabled', now);
      }
      if (dto.disabled === false && user.disabledAt) {
        await manager.update(UserEntity, { id }, { disabledAt: null });
        await record('user.enable');
      }
    });
    return this.describe(id);
  }

  /**
   * An administrator's password reset (lost password): a temporary password, returned once, every
   * session ended. The second factor stays: the next login still needs it (ASVS 6.4.3, case A12),
   * and may then only choose a new password.
   */
  async resetPassword(principal: Principal, id: string): Promise<TemporaryPasswordDto> {
    const temporaryPassword = temporaryPasswordOf();
    const passwordHash = await this.hasher.hash(temporaryPassword);
    await this.audited(principal, 'auth.password_reset', id, [], async (manager, actor) => {
      if (id === principal.userId) {
        throw new UserConflictError('Change your own password with POST /v1/auth/password');
      }
      const user = await manager.findOne(UserEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw new UserNotFoundError();
      if (user.kind === 'service') throw new UserConflictError('A service account has no password');
      await manager.update(
        UserEntity,
        { id },
        { passwordHash, mustChangePassword: true, recentFailures: [], version: () => 'version + 1' },
      );
      const sessionsEnded = await this.endSessions(manager, id, 'admin', this.clock.now());
      await this.audit.append(manager, {
        action: 'auth.password_reset',
        outcome: 'success',
        actor,
        target: { type: 'user', id },
        data: { sessionsEnded, secondFactorKept: user.totpEnrolledAt !== null },
      });
    });
    return { user: await this.describe(id), temporaryPassword };
  }

  /**
   * Runs one administrative change in a transaction; a refusal is audited too (SEC-24), in a
   * transaction of its own, since the change's own was rolled back.
   */
  private async audited<T>(
    principal: Principal,
    action: string,
    targetId: string | null,
    requested: string[],
    change: (manager: EntityManager, actor: AuditActor) => Promise<T>,
  ): Promise<T> {
    const actor = auditActor(principal);
    try {
      return await this.transactions.run((manager) => change(manager, actor));
    } catch (error) {
      if (error instanceof DomainError) {
        await this.audit.record({
          action,
          outcome: 'failure',
          actor,
          target: { type: 'user', id: targetId },
          data: { reason: error.code, requested: [...requested].sort() },
        });
      }
      throw error;
    }
  }

  /**
   * Need-to-know follows the person's current position (CJIS AC-2: access removed when it changes):
   * moving, disabling or taking the case role away closes their assignments, each audited on its
   * request, so coming back later grants nothing by itself.
   */
  private async endAssignments(
    manager: EntityManager,
    actor: AuditActor,
    userId: string,
    reason: 'agency_change' | 'role_change' | 'account_disabled',
    now: Date,
  ): Promise<void> {
    const closed = await manager
      .createQueryBuilder()
      .update(RequestAssignmentEntity)
      .set({ unassignedAt: now, unassignedById: actor.userId })
      .where('user_id = :userId AND unassigned_at IS NULL', { userId })
      .returning('"request_id", "agency_id"')
      .execute();
    for (const row of closed.raw as { request_id: string; agency_id: string }[]) {
      await this.audit.append(manager, {
        action: 'request.unassigned',
        outcome: 'success',
        actor,
        target: { type: 'request', id: row.request_id },
        requestId: row.request_id,
        data: { userId, agencyId: row.agency_id, reason },
      });
    }
  }

  private async endSessions(
    manager: EntityManager,
    userId: string,
    reason: SessionRevocation,
    now: Date,
  ): Promise<number> {
    const ended = await manager.update(
      SessionEntity,
      { userId, revokedAt: IsNull() },
      { revokedAt: now, revokedReason: reason },
    );
    return ended.affected ?? 0;
  }

  private async describe(id: string): Promise<UserDto> {
    return toUserDto(
      await this.dataSource.manager.findOneOrFail(UserEntity, { where: { id }, relations: { agency: true } }),
    );
  }
}

/** 120 random bits: strong enough for the few minutes it should live, and accepted by the policy. */
function temporaryPasswordOf(): string {
  return randomBytes(15).toString('base64url');
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
