import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import {
  InvalidCredentialsError,
  UnauthenticatedError,
  ValidationFailedError,
} from '../../common/errors/domain-error';
import { TransactionRunner } from '../../database/transaction-runner';
import { AuditService } from '../audit/audit.service';
import { UserEntity } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { PasswordHasher } from '../users/password-hasher';
import { PasswordPolicy } from '../users/password-policy';
import { auditActor, type Principal } from './principal';
import { SessionService } from './session.service';
import { TokenService, type IssuedTokens } from './token.service';

const MAX_FAILURES = 5;
const FAILURE_WINDOW_MS = 15 * 60_000;

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
    private readonly transactions: TransactionRunner,
    private readonly sessions: SessionService,
    private readonly policy: PasswordPolicy,
    private readonly clock: Clock,
  ) {}

  /**
   * Checks a username and password. Unknown user, wrong password and disabled account all fail the
   * same way, after the same hashing work; the audit entry records which it was.
   */
  async validateCredentials(username: string, password: string): Promise<UserEntity> {
    const user = await this.users.findForLogin(username);
    const passwordOk = user
      ? await this.hasher.verify(user.passwordHash, password)
      : await this.hasher.verifyAgainstNothing(password);
    if (user && passwordOk && !user.disabledAt && !user.lockedAt) return user;
    const reason = !user
      ? 'unknown_user'
      : user.disabledAt
        ? 'account_disabled'
        : user.lockedAt
          ? 'account_locked'
          : 'wrong_password';
    await this.transactions.run(async (manager) => {
      if (user && reason === 'wrong_password') await this.countFailure(manager, user);
      await this.audit.append(manager, {
        action: 'auth.login_failed',
        outcome: 'failure',
        actor: null,
        target: { type: 'user', id: user?.id ?? null },
        // The typed name is kept only as a hash: people type passwords into the username field, and the
        // log is permanent. Repeated attempts on the same name still show up as the same hash.
        data: { reason, ...(user ? {} : { usernameSha256: sha256(username.toLowerCase()) }) },
      });
    });
    // A locked or disabled account answers exactly like a wrong password (SEC-03): no oracle.
    throw new InvalidCredentialsError();
  }

  /**
   * Counts a failed login in a 15-minute window; the fifth locks the account until an administrator
   * unlocks it (CJIS AC-7). The row is locked so concurrent failures are all counted.
   */
  private async countFailure(manager: EntityManager, user: UserEntity): Promise<void> {
    const now = this.clock.now();
    const current = await manager.findOneOrFail(UserEntity, {
      where: { id: user.id },
      lock: { mode: 'pessimistic_write' },
    });
    const windowStart = current.failedLoginWindowStartedAt;
    const windowOpen = windowStart !== null && now.getTime() - windowStart.getTime() < FAILURE_WINDOW_MS;
    const failures = windowOpen ? current.failedLoginCount + 1 : 1;
    const locks = failures >= MAX_FAILURES && !current.lockedAt;
    await manager.update(
      UserEntity,
      { id: user.id },
      {
        failedLoginCount: failures,
        failedLoginWindowStartedAt: windowOpen ? windowStart : now,
        ...(locks ? { lockedAt: now } : {}),
      },
    );
    if (locks) {
      await this.audit.append(manager, {
        action: 'auth.lockout',
        outcome: 'success',
        actor: null,
        target: { type: 'user', id: user.id },
        data: { failures, windowMinutes: FAILURE_WINDOW_MS / 60_000 },
      });
    }
  }

  /** Opens a session, records the login and issues the tokens, in one transaction. */
  async login(user: UserEntity): Promise<IssuedTokens> {
    const { session, refreshToken } = await this.transactions.run(async (manager) => {
      const started = await this.sessions.start(manager, user, 'password');
      await manager.update(
        UserEntity,
        { id: user.id },
        { lastLoginAt: started.session.createdAt, failedLoginCount: 0, failedLoginWindowStartedAt: null },
      );
      await this.audit.append(manager, {
        action: 'auth.login',
        outcome: 'success',
        actor: { userId: user.id, agencyId: user.agencyId, role: user.role, authMethod: 'password' },
        target: { type: 'session', id: started.session.id },
      });
      return started;
    });
    return { ...(await this.tokens.issueAccessToken(user.id, session.id)), refreshToken };
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
   * Changes the caller's password after checking the current one, under the password policy, and
   * ends every other session of the account (ASVS 6.2.3, CJIS IA-5). Attempts are audited either way.
   */
  async changePassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.users.findForLogin(principal.username);
    if (!user) throw new UnauthenticatedError();
    const actor = auditActor(principal);
    const refuse = async (field: string, reason: string, messages: string[]): Promise<never> => {
      await this.audit.record({
        action: 'auth.password_change',
        outcome: 'failure',
        actor,
        target: { type: 'user', id: user.id },
        data: { reason },
      });
      throw new ValidationFailedError([{ field, messages }]);
    };
    if (!(await this.hasher.verify(user.passwordHash, currentPassword))) {
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
    await this.transactions.run(async (manager) => {
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
    });
  }
}
