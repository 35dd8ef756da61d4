import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock';
import { DomainError, ValidationFailedError } from '../../common/errors/domain-error';
import { AppConfig } from '../../config/app-config';
import { TransactionRunner } from '../../database/transaction-runner';
import { AuditService } from '../audit/audit.service';
import { auditActor, type Principal } from '../auth/principal';
import { isActiveAgency } from '../directory/active-agency';
import { UNUSABLE_PASSWORD_HASH, UserEntity } from '../users/user.entity';
import { toAgencySummary } from '../users/users.service';
import { ApiKeyEntity } from './api-key.entity';
import { generateApiKey } from './api-key-secret';
import { ApiKeyNotFoundError } from './api-keys.errors';
import type { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Administration of machine access. Every change is audited in its own transaction with actor,
 * target and outcome (CJIS AC-6(9), AU-2); the key itself and its hash never reach the log.
 */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /**
   * Creates a service account in the agency, with the role, and its first key, in one transaction.
   * The returned key is the only copy there will ever be.
   */
  async create(principal: Principal, dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    const actor = auditActor(principal);
    const generated = generateApiKey();
    try {
      const id = await this.transactions.run(async (manager) => {
        // A key for a deactivated agency could never authenticate: refused rather than issued dead.
        if (!(await isActiveAgency(manager, dto.agencyId)))
          throw ValidationFailedError.field('agencyId', 'agencyId names no active agency');
        const now = this.clock.now();
        const days = dto.expiresInDays ?? this.config.apiKeys.defaultTtlDays;
        const account = manager.create(UserEntity, {
          username: `svc.${generated.prefix}`,
          displayName: dto.name,
          agencyId: dto.agencyId,
          role: dto.role,
          kind: 'service',
          passwordHash: UNUSABLE_PASSWORD_HASH,
        });
        await manager.save(UserEntity, account);
        const key = manager.create(ApiKeyEntity, {
          userId: account.id,
          name: dto.name,
          prefix: generated.prefix,
          secretHash: generated.secretHash,
          createdById: principal.userId,
          createdAt: now,
          expiresAt: new Date(now.getTime() + days * DAY_MS),
          revokedAt: null,
          revokedById: null,
          lastUsedAt: null,
        });
        await manager.save(ApiKeyEntity, key);
        await this.audit.append(manager, {
          action: 'user.create',
          outcome: 'success',
          actor,
          target: { type: 'user', id: account.id },
          data: { kind: 'service', agencyId: dto.agencyId, role: dto.role },
        });
        await this.audit.append(manager, {
          action: 'api_key.created',
          outcome: 'success',
          actor,
          target: { type: 'api_key', id: key.id },
          data: {
            prefix: key.prefix,
            serviceAccountId: account.id,
            agencyId: dto.agencyId,
            role: dto.role,
            expiresAt: key.expiresAt.toISOString(),
          },
        });
        return key.id;
      });
      return { ...(await this.describe(id)), key: generated.key };
    } catch (error) {
      if (error instanceof DomainError) {
        await this.audit.record({
          action: 'api_key.created',
          outcome: 'failure',
          actor,
          target: { type: 'api_key', id: null },
          data: { reason: error.code, agencyId: dto.agencyId, role: dto.role },
        });
      }
      throw error;
    }
  }

  async list(): Promise<ApiKeyDto[]> {
    const keys = await this.dataSource.manager.find(ApiKeyEntity, {
      relations: { user: { agency: true } },
      order: { createdAt: 'DESC', id: 'ASC' },
    });
    return keys.map(toApiKeyDto);
  }

  /** Ends the key at once: the next call that presents it is refused. Revoking twice changes nothing. */
  async revoke(principal: Principal, id: string): Promise<ApiKeyDto> {
    const actor = auditActor(principal);
    try {
      await this.transactions.run(async (manager) => {
        const key = await manager.findOne(ApiKeyEntity, {
          where: { id },
          lock: { mode: 'pessimistic_write' },
        });
        if (!key) throw new ApiKeyNotFoundError();
        if (!key.revokedAt) {
          await manager.update(
            ApiKeyEntity,
            { id },
            { revokedAt: this.clock.now(), revokedById: principal.userId },
          );
        }
        await this.audit.append(manager, {
          action: 'api_key.revoked',
          outcome: key.revokedAt ? 'failure' : 'success',
          actor,
          target: { type: 'api_key', id },
          data: {
            prefix: key.prefix,
            serviceAccountId: key.userId,
            ...(key.revokedAt ? { reason: 'already_revoked' } : {}),
          },
        });
      });
    } catch (error) {
      if (error instanceof DomainError) {
        await this.audit.record({
          action: 'api_key.revoked',
          outcome: 'failure',
          actor,
          target: { type: 'api_key', id },
          data: { reason: error.code },
        });
      }
      throw error;
    }
    return this.describe(id);
  }

  private async describe(id: string): Promise<ApiKeyDto> {
    const key = await this.dataSource.manager.findOneOrFail(ApiKeyEntity, {
      where: { id },
      relations: { user: { agency: true } },
    });
    return toApiKeyDto(key);
  }
}

function toApiKeyDto(key: ApiKeyEntity): ApiKeyDto {
  const agency = key.user?.agency;
  if (!key.user || !agency) throw new Error(`service account of API key ${key.id} not loaded`);
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    serviceAccountId: key.userId,
    agency: toAgencySummary(agency),
    role: key.user.role,
    createdAt: key.createdAt.toISOString(),
    expiresAt: key.expiresAt.toISOString(),
    revokedAt: key.revokedAt?.toISOString() ?? null,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
  };
}
