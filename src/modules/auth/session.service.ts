import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import { Clock } from '../../common/clock';
import { ReauthRequiredError, UnauthenticatedError } from '../../common/errors/domain-error';
import { AppConfig } from '../../config/app-config';
import { TransactionRunner } from '../../database/transaction-runner';
import { AuditService } from '../audit/audit.service';
import type { AuditActor } from '../audit/audit.types';
import { UserEntity } from '../users/user.entity';
import { RefreshTokenEntity, SessionEntity, type SessionRevocation } from './session.entity';

/** Last-seen is written at most once a second: bursts cost one write, and the idle timeout stays exact to the second. */
const TOUCH_INTERVAL_MS = 1_000;

export interface StartedSession {
  session: SessionEntity;
  refreshToken: string;
}

export type RefreshOutcome =
  | { ok: true; session: SessionEntity; user: UserEntity; refreshToken: string }
  | { ok: false; reason: 'unknown' | 'reused' | 'ended' };

const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * Server-side sessions: an idle timeout and an absolute lifetime enforced on every call (CJIS
 * AC-11, IA-11; ASVS 7.3), rotating refresh tokens whose reuse revokes the whole session (a stolen
 * token is spent once at most), and revocation that takes effect on the next call.
 */
@Injectable()
export class SessionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async start(manager: EntityManager, user: UserEntity, authMethod: string): Promise<StartedSession> {
    const now = this.clock.now();
    const session = manager.create(SessionEntity, {
      userId: user.id,
      authMethod,
      createdAt: now,
      authenticatedAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + this.config.sessions.maxLifetimeSeconds * 1000),
      revokedAt: null,
      revokedReason: null,
    });
    await manager.save(SessionEntity, session);
    return { session, refreshToken: await this.issueRefreshToken(manager, session.id, now) };
  }

  /**
   * Checks the session named by an access token and records the activity. Throws 401 when it is
   * revoked, idle too long or past its absolute lifetime.
   */
  async touch(sessionId: string, userId: string): Promise<SessionEntity> {
    const now = this.clock.now();
    const session = await this.dataSource.manager.findOneBy(SessionEntity, { id: sessionId, userId });
    if (!session) throw new UnauthenticatedError();
    // A genuine token whose session has ended: the client should send the user to log in again.
    if (this.endReason(session, now)) throw new ReauthRequiredError();
    if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
      await this.dataSource.manager.update(
        SessionEntity,
        { id: session.id, revokedAt: IsNull() },
        { lastSeenAt: now },
      );
    }
    return session;
  }

  /** Exchanges a refresh token for a new one, in one transaction; reuse of a spent token revokes the session. */
  async refresh(token: string): Promise<RefreshOutcome> {
    const outcome = await this.transactions.run(async (manager): Promise<RefreshOutcome> => {
      const now = this.clock.now();
      const stored = await manager.findOne(RefreshTokenEntity, {
        where: { tokenHash: hashToken(token) },
        lock: { mode: 'pessimistic_write' },
      });
      if (!stored) return { ok: false, reason: 'unknown' };
      const session = await manager.findOneByOrFail(SessionEntity, { id: stored.sessionId });
      const user = await manager.findOneBy(UserEntity, { id: session.userId });
      const actor: AuditActor | null = user
        ? { userId: user.id, agencyId: user.agencyId, role: user.role, authMethod: 'token' }
        : null;
      if (stored.usedAt) {
        // A spent token presented again: it was copied. End the session for both holders.
        await this.revokeIn(manager, session, 'refresh_reuse', now);
        await this.audit.append(manager, {
          action: 'auth.refresh_reuse',
          outcome: 'denied',
          actor,
          target: { type: 'session', id: session.id },
        });
        return { ok: false, reason: 'reused' };
      }
      const ended = this.endReason(session, now);
      if (ended || !user || user.disabledAt) {
        if (!session.revokedAt) await this.revokeIn(manager, session, ended ?? 'account_disabled', now);
        return { ok: false, reason: 'ended' };
      }
      await manager.update(RefreshTokenEntity, { id: stored.id }, { usedAt: now });
      await manager.update(SessionEntity, { id: session.id }, { lastSeenAt: now });
      const refreshToken = await this.issueRefreshToken(manager, session.id, now);
      await this.audit.append(manager, {
        action: 'auth.refresh',
        outcome: 'success',
        actor,
        target: { type: 'session', id: session.id },
      });
      return { ok: true, session, user, refreshToken };
    });
    return outcome;
  }

  /** Records a fresh full authentication in a session (step-up, or a second factor just enrolled). */
  async reauthenticated(manager: EntityManager, sessionId: string, authMethod?: string): Promise<Date> {
    const now = this.clock.now();
    await manager.update(
      SessionEntity,
      { id: sessionId },
      { authenticatedAt: now, ...(authMethod ? { authMethod } : {}) },
    );
    return now;
  }

  /** Ends a session at once (logout, an administrator's action). */
  async revoke(sessionId: string, reason: SessionRevocation, actor: AuditActor): Promise<void> {
    await this.transactions.run(async (manager) => {
      const session = await manager.findOneBy(SessionEntity, { id: sessionId });
      if (!session) return;
      await this.revokeIn(manager, session, reason, this.clock.now());
      await this.audit.append(manager, {
        action: reason === 'logout' ? 'auth.logout' : 'auth.session_revoked',
        outcome: 'success',
        actor,
        target: { type: 'session', id: sessionId },
        data: { reason },
      });
    });
  }

  /** Ends every other session of a user (after a password change); returns how many were open. */
  async revokeOthers(
    manager: EntityManager,
    userId: string,
    keepSessionId: string,
    reason: SessionRevocation,
  ): Promise<number> {
    const result = await manager
      .createQueryBuilder()
      .update(SessionEntity)
      .set({ revokedAt: this.clock.now(), revokedReason: reason })
      .where('user_id = :userId AND id <> :keep AND revoked_at IS NULL', { userId, keep: keepSessionId })
      .execute();
    return result.affected ?? 0;
  }

  private endReason(session: SessionEntity, now: Date): SessionRevocation | undefined {
    if (session.revokedAt) return session.revokedReason ?? 'admin';
    if (now.getTime() >= session.expiresAt.getTime()) return 'expired';
    if (now.getTime() - session.lastSeenAt.getTime() > this.config.sessions.idleTimeoutSeconds * 1000) {
      return 'idle_timeout';
    }
    return undefined;
  }

  private async revokeIn(
    manager: EntityManager,
    session: SessionEntity,
    reason: SessionRevocation,
    now: Date,
  ): Promise<void> {
    await manager.update(
      SessionEntity,
      { id: session.id, revokedAt: IsNull() },
      { revokedAt: now, revokedReason: reason },
    );
  }

  private async issueRefreshToken(manager: EntityManager, sessionId: string, now: Date): Promise<string> {
    const token = `rt_${randomBytes(32).toString('base64url')}`;
    await manager.insert(RefreshTokenEntity, {
      sessionId,
      tokenHash: hashToken(token),
      createdAt: now,
      usedAt: null,
    });
    return token;
  }
}
