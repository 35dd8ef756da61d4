import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SERVICE_ACCOUNT_ROLES } from '@mla/contracts';
import { Clock } from '../../common/clock';
import { UnauthenticatedError } from '../../common/errors/domain-error';
import { TransactionRunner } from '../../database/transaction-runner';
import { AuditService } from '../audit/audit.service';
import { API_KEY_AUTH_METHOD, auditActor, principalOf, type Principal } from '../auth/principal';
import { ApiKeyEntity } from './api-key.entity';
import { hashApiKey, isWellFormedApiKey } from './api-key-secret';

/**
 * Each action a key performs is audited with its service account as actor anyway, so the use of the
 * key itself is recorded once an hour per key: enough to show it is alive, without doubling the log.
 */
const USE_RECORD_INTERVAL_MS = 60 * 60 * 1000;

type Rejection = 'revoked' | 'expired' | 'account_disabled' | 'agency_deactivated' | 'role_not_allowed';

/**
 * Checks a presented key on every call: it must exist, be neither revoked nor expired, and its
 * service account must be enabled and its agency active. Role and agency are read afresh, as for a bearer token.
 */
@Injectable()
export class ApiKeyAuthenticator {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async authenticate(presented: string): Promise<Principal> {
    if (!isWellFormedApiKey(presented)) throw new UnauthenticatedError();
    const key = await this.dataSource.manager.findOne(ApiKeyEntity, {
      where: { secretHash: hashApiKey(presented) },
      relations: { user: { agency: true } },
    });
    const user = key?.user;
    if (!key || !user?.agency || user.kind !== 'service') throw new UnauthenticatedError();
    const now = this.clock.now();
    const rejection: Rejection | undefined = key.revokedAt
      ? 'revoked'
      : now.getTime() >= key.expiresAt.getTime()
        ? 'expired'
        : user.disabledAt
          ? 'account_disabled'
          : user.agency.deactivatedAt
            ? 'agency_deactivated'
            : // The database allows only these roles too; checked here as well, so a key never
              // acts with a role that sees or grants need-to-know whatever the row says.
              !SERVICE_ACCOUNT_ROLES.includes(user.role)
              ? 'role_not_allowed'
              : undefined;
    if (rejection) {
      // The holder of a dead key gets the same 401 as a stranger; the log says which key and why.
      await this.audit.record({
        action: 'auth.api_key_rejected',
        outcome: 'denied',
        actor: null,
        target: { type: 'api_key', id: key.id },
        data: { reason: rejection, prefix: key.prefix, serviceAccountId: user.id },
      });
      throw new UnauthenticatedError();
    }
    // A key is one factor held by a machine: it never counts as a fresh authentication (no step-up
    // route accepts it), and the second-factor rule is for people, so no enrolment is asked of it.
    const principal = principalOf(
      { ...user, agency: user.agency },
      { id: key.id, authMethod: API_KEY_AUTH_METHOD, authenticatedAt: new Date(0) },
      false,
    );
    await this.recordUse(key, principal, now);
    return principal;
  }

  /**
   * The conditional update lets exactly one of several concurrent calls claim the hour. The service
   * account's last login moves with it, so the idle-account job disables a key nobody uses.
   */
  private async recordUse(key: ApiKeyEntity, principal: Principal, now: Date): Promise<void> {
    if (key.lastUsedAt && now.getTime() - key.lastUsedAt.getTime() < USE_RECORD_INTERVAL_MS) return;
    await this.transactions.run(async (manager) => {
      const claimed = await manager
        .createQueryBuilder()
        .update(ApiKeyEntity)
        .set({ lastUsedAt: now })
        .where('id = :id AND (last_used_at IS NULL OR last_used_at <= :cutoff)', {
          id: key.id,
          cutoff: new Date(now.getTime() - USE_RECORD_INTERVAL_MS),
        })
        .execute();
      if (!claimed.affected) return;
      await manager.query('UPDATE "user_account" SET "last_login_at" = $1 WHERE "id" = $2', [
        now,
        key.userId,
      ]);
      await this.audit.append(manager, {
        action: 'auth.api_key_used',
        outcome: 'success',
        actor: auditActor(principal),
        target: { type: 'api_key', id: key.id },
        data: { prefix: key.prefix },
      });
    });
  }
}
