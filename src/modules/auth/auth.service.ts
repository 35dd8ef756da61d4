import { createHmac, hkdfSync } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { IsNull, type EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import {
  InvalidCredentialsError,
  UnauthenticatedError,
  ValidationFailedError,
} from '../../common/errors/domain-error';
import { AppConfig } from '../../config/app-config';
import { TransactionRunner } from '../../database/transaction-runner';
import { AuditService } from '../audit/audit.service';
import { PasswordHasher } from '../users/password-hasher';
import { PasswordPolicy } from '../users/password-policy';
import { UserEntity } from '../users/user.entity';
import { auditActor, type Principal } from './principal';
import { SessionEntity } from './session.entity';
import { SessionService } from './session.service';
import { TokenService, type IssuedTokens } from './token.service';

const MAX_FAILURES = 5;
const FAILURE_WINDOW_MS = 15 * 60_000;

type LoginRefusal =
  'unknown_user' | 'service_account' | 'wrong_password' | 'account_disabled' | 'account_locked';

@Injectable()
export class AuthService {
  /** Keyed hash for names typed at failed logins: correlatable in the log, not reversible by dictionary. */
  private readonly usernameKey: Buffer;

  constructor(
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
    private readonly transactions: TransactionRunner,
    private readonly sessions: SessionService,
    private readonly policy: PasswordPolicy,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.usernameKey = Buffer.from(hkdfSync('sha256', config.jwt.secret, 'mla-portal', 'audit-username', 32));
  }

  /**
   * Checks the password and opens a session, in one transaction holding the account's row lock: a
   * burst of parallel guesses is checked one at a time, so the lockout cannot be outrun, and a
   * concurrent password change either comes first (the old password fails) or revokes this session.
   * Unknown user, wrong password, disabled and locked account all fail the same way, after the same
   * hashing work; the audit entry records which it was.
   */
  async login(username: string, password: string): Promise<IssuedTokens> {
    const outcome = await this.transactions.run(async (manager) => {
      const user = await lockUser(manager, { username: username.toLowerCase() });
      // A service account authenticates with its API keys only; it spends the same hashing work as
      // an unknown user, and its failures count toward no lockout.
      const passwordOk =
        user?.kind === 'person'
          ? await this.hasher.verify(user.passwordHash, password)
          : await this.hasher.verifyAgainstNothing(password);
      const refusal: LoginRefusal | undefined = !user
        ? 'unknown_user'
        : user.kind !== 'person'
          ? 'service_account'
          : user.disabledAt
            ? 'account_disabled'
            : user.lockedAt
              ? 'account_locked'
              : passwordOk
                ? undefined
                : 'wrong_password';
      if (refusal || !user) {
        if (user && refusal === 'wrong_password') await this.countFailure(manager, user);
        await this.audit.append(manager, {
          action: 'auth.login_failed',
          outcome: 'failure',
          actor: null,
          target: { type: 'user', id: user?.id ?? null },
          // People type passwords into the username field and the log is permanent: an unknown name
          // is kept only as a keyed hash, so repeated attempts correlate but nothing can be read back.
          data: { reason: refusal, ...(user ? {} : { usernameHmac: this.usernameHmac(username) }) },
        });
        return undefined;
      }
      const started = await this.sessions.start(manager, user, 'password');
      await manager.update(
        UserEntity,
        { id: user.id },
        { lastLoginAt: started.session.createdAt, recentFailures: [] },
      );
      await this.audit.append(manager, {
        action: 'auth.login',
        outcome: 'success',
        actor: { userId: user.id, agencyId: user.agencyId, role: user.role, authMethod: 'password' },
        target: { type: 'session', id: started.session.id },
      });
      return { userId: user.id, ...started };
    });
    // A locked or disabled account answers exactly like a wrong password (SEC-03): no oracle.
    if (!outcome) throw new InvalidCredentialsError();
    return {
      ...(await this.tokens.issueAccessToken(outcome.userId, outcome.session.id)),
      refreshToken: outcome.refreshToken,
    };
  }

  /** A new access token and a new refresh token for the same session; the old refresh token is spent. */
  async refresh(refreshToken: string): Promise<IssuedTokens> {
    const outcome = await this.sessions.refresh(refreshToken);
    if (!outcome.ok) throw new UnauthenticatedError();
    return {
      ...(await this.tokens.issueAccessToken(outcome.user.id, outcome.session.id)),
      refreshToken: outcome.refreshToken,
    };
  }

  /**
   * Changes the caller's password under the policy and ends every other session (ASVS 6.2.3, CJIS
   * IA-5). A wrong current password counts as a failed login, so a stolen token is no password
   * oracle: the fifth failure locks the account and ends all its sessions. Audited either way.
   */
  async changePassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void> {
    const actor = auditActor(principal);
    const problem = await this.transactions.run(async (manager) => {
      const user = await lockUser(manager, { id: principal.userId });
      if (!user)
        return { field: 'currentPassword', messages: ['is not your current password'], reason: 'no_user' };
      const refuse = async (field: string, reason: string, messages: string[]) => {
        await this.audit.append(manager, {
          action: 'auth.password_change',
          outcome: 'failure',
          actor,
          target: { type: 'user', id: user.id },
          data: { reason },
        });
        return { field, messages, reason };
      };
      if (!(await this.hasher.verify(user.passwordHash, currentPassword))) {
        await this.countFailure(manager, user);
        return refuse('currentPassword', 'wrong_current_password', ['is not your current password']);
      }
      const reasons = this.policy.check(newPassword, {
        username: user.username,
        displayName: user.displayName,
      });
      if (newPassword === currentPassword) reasons.push('must differ from your current password');
      if (reasons.length > 0)
        return refuse(
          'newPassword',
          'policy',
          reasons.map((reason) => `newPassword ${reason}`),
        );
      const passwordHash = await this.hasher.hash(newPassword);
      await manager.update(UserEntity, { id: user.id }, { passwordHash, version: () => 'version + 1' });
      const revoked = await this.sessions.revokeOthers(
        manager,
        user.id,
        principal.sessionId,
        'password_changed',
      );
      await this.audit.append(manager, {
        action: 'auth.password_change',
        outcome: 'success',
        actor,
        target: { type: 'user', id: user.id },
        data: { otherSessionsRevoked: revoked },
      });
      return undefined;
    });
    if (problem) throw new ValidationFailedError([{ field: problem.field, messages: problem.messages }]);
  }

  /**
   * Records a failed password on a locked row. Five failures within any 15 minutes lock the account
   * until an administrator unlocks it (CJIS AC-7), and end its sessions.
   */
  private async countFailure(manager: EntityManager, user: UserEntity): Promise<void> {
    const now = this.clock.now();
    const recent = [...user.recentFailures, now]
      .filter((failure) => now.getTime() - failure.getTime() < FAILURE_WINDOW_MS)
      .slice(-MAX_FAILURES);
    const locks = recent.length >= MAX_FAILURES && !user.lockedAt;
    await manager.update(
      UserEntity,
      { id: user.id },
      { recentFailures: recent, ...(locks ? { lockedAt: now } : {}) },
    );
    if (!locks) return;
    const ended = await manager.update(
      SessionEntity,
      { userId: user.id, revokedAt: IsNull() },
      { revokedAt: now, revokedReason: 'account_locked' },
    );
    await this.audit.append(manager, {
      action: 'auth.lockout',
      outcome: 'success',
      actor: null,
      target: { type: 'user', id: user.id },
      data: {
        failures: recent.length,
        windowMinutes: FAILURE_WINDOW_MS / 60_000,
        sessionsEnded: ended.affected ?? 0,
      },
    });
  }

  private usernameHmac(username: string): string {
    return createHmac('sha256', this.usernameKey).update(username.toLowerCase(), 'utf8').digest('hex');
  }
}

/** The account row with its password hash, locked for the rest of the transaction. */
function lockUser(
  manager: EntityManager,
  where: { id: string } | { username: string },
): Promise<UserEntity | null> {
  const builder = manager
    .createQueryBuilder(UserEntity, 'user')
    .addSelect('user.passwordHash')
    .setLock('pessimistic_write');
  return 'id' in where
    ? builder.where('user.id = :id', { id: where.id }).getOne()
    : builder.where('user.username = :username', { username: where.username }).getOne();
}
