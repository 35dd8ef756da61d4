import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { DomainError, ValidationFailedError } from '../../common/errors/domain-error';
import { TransactionRunner } from '../../database/transaction-runner';
import { AuditService } from '../audit/audit.service';
import type { AuditActor } from '../audit/audit.types';
import { auditActor, type Principal } from '../auth/principal';
import { SessionEntity } from '../auth/session.entity';
import { CooperationRequestEntity } from '../requests/cooperation-request.entity';
import { UserEntity } from '../users/user.entity';
import { AgencyEntity } from './agency.entity';
import { AgencyConflictError, AgencyNotFoundError } from './directory.errors';
import { toAgencyDto } from './directory.service';
import type { AgencyDto, CreateAgencyDto, UpdateAgencyDto } from './dto/directory.dto';
import { StateEntity } from './state.entity';

const DESCRIPTIVE_FIELDS = ['name', 'timeZone', 'kind'] as const;

/**
 * Directory administration. Every change is audited with actor, target and outcome (CJIS AC-6(9),
 * AU-2), refusals included, each change in one transaction with its audit entry.
 */
@Injectable()
export class AgencyAdminService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(principal: Principal, dto: CreateAgencyDto): Promise<AgencyDto> {
    const facts = { code: dto.code, stateCode: dto.stateCode };
    const id = await this.audited(principal, 'agency.create', null, dto, facts, async (manager, actor) => {
      if (!(await manager.existsBy(StateEntity, { code: dto.stateCode }))) {
        throw ValidationFailedError.field('stateCode', 'stateCode names no state in the directory');
      }
      if (!dto.code.startsWith(`${dto.stateCode}-`)) {
        throw ValidationFailedError.field(
          'code',
          `code must begin with the code of its state, ${dto.stateCode}-`,
        );
      }
      // ON CONFLICT rather than a look-up first: two concurrent creations of one code cannot both pass.
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(AgencyEntity)
        .values({
          code: dto.code,
          name: dto.name,
          stateCode: dto.stateCode,
          kind: dto.kind,
          timeZone: dto.timeZone,
          deactivatedAt: null,
        })
        .orIgnore()
        .returning(['id'])
        .execute();
      const created = (inserted.raw as Array<{ id: string }>)[0];
      if (!created) throw new AgencyConflictError(`An agency with code ${dto.code} exists`);
      await this.audit.append(manager, {
        action: 'agency.create',
        outcome: 'success',
        actor,
        target: { type: 'agency', id: created.id },
        data: { code: dto.code, stateCode: dto.stateCode, kind: dto.kind },
      });
      return created.id;
    });
    return this.describe(id);
  }

  /**
   * Descriptive changes (name, time zone, kind) and deactivation or reactivation, in one transaction.
   * A call that changes nothing is still recorded, as an update with no changes.
   */
  async update(principal: Principal, id: string, dto: UpdateAgencyDto): Promise<AgencyDto> {
    await this.audited(principal, 'agency.update', id, dto, {}, async (manager, actor) => {
      if (Object.values(dto).every((value) => value === undefined)) {
        throw ValidationFailedError.field('body', 'name at least one of name, timeZone, kind, active');
      }
      if (dto.active === false && id === principal.agencyId) {
        // Otherwise the last administrator of the portal operator could lock everyone out.
        throw new AgencyConflictError('Administrators cannot deactivate their own agency');
      }
      // The row lock orders this change against request creation, which reads the agency FOR KEY SHARE.
      const agency = await manager.findOne(AgencyEntity, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!agency) throw new AgencyNotFoundError();
      const record = (action: string, data: Record<string, unknown>) =>
        this.audit.append(manager, {
          action,
          outcome: 'success',
          actor,
          target: { type: 'agency', id },
          data,
        });

      const changes: Record<string, { from: string; to: string }> = {};
      for (const field of DESCRIPTIVE_FIELDS) {
        const to = dto[field];
        if (to !== undefined && to !== agency[field]) changes[field] = { from: agency[field], to };
      }
      if (changes.kind) await this.assertKindMayChange(manager, id);
      const wasActive = agency.deactivatedAt === null;
      const deactivating = dto.active === false && wasActive;
      const reactivating = dto.active === true && !wasActive;

      if (Object.keys(changes).length > 0 || (!deactivating && !reactivating)) {
        if (Object.keys(changes).length > 0) {
          await manager.update(
            AgencyEntity,
            { id },
            Object.fromEntries(Object.entries(changes).map(([field, { to }]) => [field, to])),
          );
        }
        await record('agency.update', { changes });
      }
      if (deactivating) {
        const now = this.clock.now();
        await manager.update(AgencyEntity, { id }, { deactivatedAt: now });
        await record('agency.deactivate', { sessionsEnded: await this.endSessions(manager, id, now) });
      }
      if (reactivating) {
        // Sessions ended by the deactivation stay ended: people sign in again.
        await manager.update(AgencyEntity, { id }, { deactivatedAt: null });
        await record('agency.reactivate', {});
      }
    });
    return this.describe(id);
  }

  /**
   * The kind decides who sees what: a central authority sees every approved request of its state
   * (request.policy.ts) and the request type decides which kinds may receive it. Changing it under
   * existing accounts or requests would silently grant or withdraw access to case content; such an
   * agency is replaced instead (a new agency, accounts moved by audited agency changes).
   */
  private async assertKindMayChange(manager: EntityManager, id: string): Promise<void> {
    const hasAccounts = await manager.existsBy(UserEntity, { agencyId: id });
    const hasRequests = await manager.exists(CooperationRequestEntity, {
      where: [{ requestingAgencyId: id }, { requestedAgencyId: id }],
    });
    if (hasAccounts || hasRequests) {
      throw new AgencyConflictError(
        'The kind of an agency with accounts or requests cannot change: create a new agency and move the accounts',
        { accounts: hasAccounts, requests: hasRequests },
      );
    }
  }

  /**
   * Ends the sessions of every account of the agency. Their rows are locked first: a login holds its
   * account's row until it commits, so one already under way either finishes before (and its session
   * is ended here) or starts after, and sees the agency deactivated.
   */
  private async endSessions(manager: EntityManager, agencyId: string, now: Date): Promise<number> {
    await manager
      .createQueryBuilder(UserEntity, 'user')
      .select('user.id')
      .where('user.agency_id = :agencyId', { agencyId })
      .setLock('pessimistic_write')
      .getMany();
    const ended = await manager
      .createQueryBuilder()
      .update(SessionEntity)
      .set({ revokedAt: now, revokedReason: 'agency_deactivated' })
      .where(
        'revoked_at IS NULL AND user_id IN (SELECT "id" FROM "user_account" WHERE "agency_id" = :agencyId)',
        {
          agencyId,
        },
      )
      .execute();
    return ended.affected ?? 0;
  }

  /**
   * Runs one change in a transaction; a refusal is audited too (SEC-24), in a transaction of its own,
   * since the change's own was rolled back.
   */
  private async audited<T>(
    principal: Principal,
    action: string,
    targetId: string | null,
    dto: object,
    facts: Record<string, unknown>,
    change: (manager: EntityManager, actor: AuditActor) => Promise<T>,
  ): Promise<T> {
    const actor = auditActor(principal);
    try {
      return await this.transactions.run((manager) => change(manager, actor));
    } catch (error) {
      if (error instanceof DomainError) {
        const requested = Object.entries(dto)
          .filter(([, value]) => value !== undefined)
          .map(([field]) => field)
          .sort();
        await this.audit.record({
          action,
          outcome: 'failure',
          actor,
          target: { type: 'agency', id: targetId },
          data: { reason: error.code, requested, ...facts },
        });
      }
      throw error;
    }
  }

  private async describe(id: string): Promise<AgencyDto> {
    return toAgencyDto(await this.dataSource.manager.findOneByOrFail(AgencyEntity, { id }));
  }
}
