import { createHmac, hkdfSync } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { IsNull, type EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { ErrorCode } from '@mla/contracts';
import {
  InvalidCredentialsError,
  MfaRequiredError,
  SessionRestrictedError,
  StepUpRequiredError,
  UnauthenticatedError,
  ValidationFailedError,
} from '../../common/errors/domain-error';
import { AppConfig } from '../../config/app-config';
import { TransactionRunner } from '../../database/transaction-runner';
import { AuditService } from '../audit/audit.service';
import { AgencyEntity } from '../directory/agency.entity';
import { PasswordHasher } from '../users/password-hasher';
import { PasswordPolicy } from '../users/password-policy';
import { UserEntity } from '../users/user.entity';
import { MfaNotEnrolledError } from './auth.errors';
import {
  SECOND_FACTOR_COLUMNS,
  SecondFactorService,
  type SecondFactorProof,
} from '../users/second-factor.service';
import {
  auditActor,
  authenticatedRecently,
  restrictionOf,
  type Principal,
  type SessionRestriction,
} from './principal';
import { SessionEntity } from './session.entity';
import { SessionService, type StartedSession } from './session.service';
import { TokenService, type IssuedTokens } from './token.service';

const MAX_FAILURES = 5;
const FAILURE_WINDOW_MS = 15 * 60_000;
/**
 * Wrong second-factor codes in a row, however slowly they come, before the account locks. The
 * 15-minute window alone would let someone who has the password try 4 codes every quarter hour for
 * ever (about 3 % a month of hitting one of the 3 codes accepted at any moment); a run of 10 ends that.
 */
const MAX_SECOND_FACTOR_FAILURES = 10;

type LoginRefusal =
  | 'unknown_user'
  | 'service_account'
  | 'wrong_password'
  | 'account_disabled'
  | 'agency_deactivated'
  | 'account_locked';

type LoginOutcome =
  | { ok: false; refusal: 'credentials' | 'mfa_required' }
  | ({ ok: true; userId: string; restriction: SessionRestriction | null } & StartedSession);

export type LoginResult = IssuedTokens & { restriction: SessionRestriction | null };

/** An id no row has: the unknown-user path runs the known-user path's statements against it. */
const NO_ROW = '00000000-0000-0000-0000-000000000000';
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
    private readonly secondFactor: SecondFactorService,
    private readonly config: AppConfig,
  ) {
    this.usernameKey = Buffer.from(hkdfSync('sha256', config.jwt.secret, 'mla-portal', 'audit-username', 32));
  }

  /**
   * Checks the password, then the second factor, and opens a session, in one transaction holding the
   * account's row lock: a burst of parallel guesses is checked one at a time, so the lockout cannot
   * be outrun, a TOTP code cannot be spent twice, and a concurrent password change either comes
   * first (the old password fails) or revokes this session. Unknown user, wrong password, disabled
   * and locked account all fail the same way, after the same hashing work; the audit entry records
   * which it was. Only a right password on a usable account learns that a second factor is missing.
   */
  async login(username: string, password: string, proof: SecondFactorProof = {}): Promise<LoginResult> {
    const outcome = await this.transactions.run(async (manager): Promise<LoginOutcome> => {
      const user = await lockUser(manager, { username: username.toLowerCase() });
      // A service account authenticates with its API keys only; it spends the same hashing work as
      // an unknown user, and its failures count toward no lockout.
      const passwordOk =
        user?.kind === 'person'
          ? await this.hasher.verify(user.passwordHash, password)
          : await this.hasher.verifyAgainstNothing(password);
      // Read after the account's row lock: a deactivation under way has committed by then (it locks
      // the rows of the agency's accounts), so a login cannot slip past it.
      // An unknown name asks the same question of no agency: its answer must not come sooner.
      const agencyActive = await manager.existsBy(AgencyEntity, {
        id: user?.agencyId ?? NO_ROW,
        deactivatedAt: IsNull(),
      });
      const refusal: LoginRefusal | undefined = !user
        ? 'unknown_user'
        : user.kind !== 'person'
          ? 'service_account'
          : user.disabledAt
            ? 'account_disabled'
            : !agencyActive
              ? 'agency_deactivated'
              : user.lockedAt
                ? 'account_locked'
                : passwordOk
                  ? undefined
                  : 'wrong_password';
      if (refusal || !user) {
        if (user && refusal === 'wrong_password') await this.countFailure(manager, user);
        // SEC-12: an unknown name makes the same write as a wrong password, to no row, so the two
        // answers take the same round trips (the gap grew with load when only one of them wrote).
        else if (!user) await manager.update(UserEntity, { id: NO_ROW }, { recentFailures: [] });
        await this.audit.append(manager, {
          action: 'auth.login_failed',
          outcome: 'failure',
          actor: null,
          target: { type: 'user', id: user?.id ?? null },
          // People type passwords into the username field and the log is permanent: an unknown name
          // is kept only as a keyed hash, so repeated attempts correlate but nothing can be read back.
          data: { reason: refusal, ...(user ? {} : { usernameHmac: this.usernameHmac(username) }) },
        });
        return { ok: false, refusal: 'credentials' };
      }
      let authMethod = 'password';
      if (user.totpSecret) {
        const check = await this.secondFactor.check(manager, user, proof);
        if (!check.ok) {
          // A missing code is no guess; a wrong or replayed one is, and counts towards the lockout.
          if (check.reason !== 'missing') await this.countSecondFactorFailure(manager, user);
          await this.audit.append(manager, {
            action: check.reason === 'missing' ? 'auth.login_failed' : 'auth.mfa_failed',
            outcome: 'failure',
            actor: null,
            target: { type: 'user', id: user.id },
            data: { reason: check.reason === 'missing' ? 'mfa_required' : check.reason, during: 'login' },
          });
          return { ok: false, refusal: check.reason === 'missing' ? 'mfa_required' : 'credentials' };
        }
        authMethod = `password+${check.method}`;
      }
      const started = await this.sessions.start(manager, user, authMethod);
      await manager.update(
        UserEntity,
        { id: user.id },
        { lastLoginAt: started.session.createdAt, recentFailures: [] },
      );
      const restriction = restrictionOf(user, started.session, this.config.mfa.required);
      await this.audit.append(manager, {
        action: 'auth.login',
        outcome: 'success',
        actor: { userId: user.id, agencyId: user.agencyId, role: user.role, authMethod },
        target: { type: 'session', id: started.session.id },
        ...(restriction ? { data: { restriction } } : {}),
      });
      return { ok: true, userId: user.id, restriction, ...started };
    });
    // A locked or disabled account, or one of a deactivated agency, answers exactly like a wrong
    // password (SEC-03): no oracle.
    if (!outcome.ok)
      throw outcome.refusal === 'mfa_required' ? new MfaRequiredError() : new InvalidCredentialsError();
    return {
      ...(await this.tokens.issueAccessToken(outcome.userId, outcome.session.id)),
      refreshToken: outcome.refreshToken,
      restriction: outcome.restriction,
    };
  }

  /**
   * Step-up (SEC-10, ASVS 7.5.3): the account's strongest factor again, inside the session: the
   * current TOTP code or a recovery code when one is enrolled, otherwise the password (possible only
   * where a second factor is not required). Failures count towards the lockout and are audited.
   */
  async stepUp(principal: Principal, proof: SecondFactorProof & { password?: string }): Promise<Date> {
    const actor = auditActor(principal);
    const outcome = await this.transactions.run(async (manager) => {
      const user = await lockUser(manager, { id: principal.userId });
      if (!user || user.lockedAt || user.disabledAt)
        return { ok: false as const, reason: 'account_unusable' };
      let method: string;
      if (user.totpSecret) {
        const check = await this.secondFactor.check(manager, user, proof);
        if (!check.ok) {
          if (check.reason !== 'missing') await this.countSecondFactorFailure(manager, user);
          await this.audit.append(manager, {
            action: 'auth.mfa_failed',
            outcome: 'failure',
            actor,
            target: { type: 'session', id: principal.sessionId },
            data: { reason: check.reason, during: 'step_up' },
          });
          return { ok: false as const, reason: check.reason };
        }
        method = `password+${check.method}`;
      } else {
        if (this.config.mfa.required) return { ok: false as const, reason: 'not_enrolled' };
        if (!proof.password || !(await this.hasher.verify(user.passwordHash, proof.password))) {
          if (proof.password) await this.countFailure(manager, user);
          await this.audit.append(manager, {
            action: 'auth.step_up',
            outcome: 'failure',
            actor,
            target: { type: 'session', id: principal.sessionId },
            data: { reason: proof.password ? 'wrong_password' : 'missing' },
          });
          return { ok: false as const, reason: proof.password ? 'wrong_password' : 'missing' };
        }
        method = 'password';
      }
      const at = await this.sessions.reauthenticated(manager, principal.sessionId);
      await this.audit.append(manager, {
        action: 'auth.step_up',
        outcome: 'success',
        actor,
        target: { type: 'session', id: principal.sessionId },
        data: { method },
      });
      return { ok: true as const, at };
    });
    if (outcome.ok) return outcome.at;
    if (outcome.reason === 'not_enrolled') throw new SessionRestrictedError(ErrorCode.MfaEnrolmentRequired);
    if (outcome.reason === 'missing') {
      throw ValidationFailedError.field(
        principal.secondFactorEnrolled ? 'totp' : 'password',
        principal.secondFactorEnrolled ? 'send totp or recoveryCode' : 'send your password',
      );
    }
    throw new InvalidCredentialsError();
  }

  /**
   * Starts TOTP enrolment: a new secret, pending until confirmed. Replacing an enrolled factor is a
   * change of authenticator and needs a fresh authentication first (ASVS 7.5.1).
   */
  async beginTotpEnrolment(principal: Principal): Promise<{ secret: string; otpauthUri: string }> {
    if (principal.secondFactorEnrolled) await this.requireFreshAuthentication(principal, 'mfa_replace');
    return this.transactions.run(async (manager) => {
      const user = await lockUser(manager, { id: principal.userId });
      if (!user) throw new UnauthenticatedError();
      const enrolment = await this.secondFactor.begin(manager, user);
      await this.audit.append(manager, {
        action: 'auth.mfa_enrolment_started',
        outcome: 'success',
        actor: auditActor(principal),
        target: { type: 'user', id: user.id },
      });
      return enrolment;
    });
  }

  /**
   * Confirms enrolment with a code from the new secret. The session has now proved both factors, so
   * it is lifted out of any enrolment restriction; returns the recovery codes, shown once.
   */
  async confirmTotpEnrolment(principal: Principal, code: string): Promise<string[]> {
    const actor = auditActor(principal);
    const codes = await this.transactions.run(async (manager) => {
      const user = await lockUser(manager, { id: principal.userId });
      if (!user) throw new UnauthenticatedError();
      const issued = await this.secondFactor.confirm(manager, user, code);
      await this.audit.append(manager, {
        action: 'auth.mfa_enrolled',
        outcome: issued ? 'success' : 'failure',
        actor,
        target: { type: 'user', id: user.id },
        data: issued
          ? { replaced: user.totpSecret !== null, recoveryCodes: issued.length }
          : { reason: user.totpPendingSecret ? 'wrong_code' : 'no_pending_enrolment' },
      });
      if (issued) await this.sessions.reauthenticated(manager, principal.sessionId, 'password+totp');
      return issued ?? (user.totpPendingSecret ? 'wrong_code' : 'no_pending_enrolment');
    });
    if (codes === 'no_pending_enrolment') {
      throw ValidationFailedError.field(
        'code',
        'there is no enrolment to confirm: start one with POST /v1/auth/mfa/totp',
      );
    }
    if (codes === 'wrong_code') {
      throw ValidationFailedError.field(
        'code',
        'is not the current code of the new secret (check the phone clock)',
      );
    }
    return codes;
  }

  /** A new set of recovery codes (the old set stops working); a privileged change, behind step-up. */
  async regenerateRecoveryCodes(principal: Principal): Promise<string[]> {
    return this.transactions.run(async (manager) => {
      const user = await lockUser(manager, { id: principal.userId });
      if (!user?.totpSecret) throw new MfaNotEnrolledError();
      const codes = await this.secondFactor.issueRecoveryCodes(manager, user.id);
      await this.audit.append(manager, {
        action: 'auth.recovery_codes_issued',
        outcome: 'success',
        actor: auditActor(principal),
        target: { type: 'user', id: user.id },
        data: { count: codes.length },
      });
      return codes;
    });
  }

  /** The step-up rule of the guard, for an action that is privileged only in some cases; refusals audited alike. */
  private async requireFreshAuthentication(principal: Principal, action: string): Promise<void> {
    const maxAge = this.config.mfa.stepUpMaxAgeSeconds;
    if (authenticatedRecently(principal, this.clock.now(), maxAge)) return;
    await this.audit.record({
      action: 'access.denied',
      outcome: 'denied',
      actor: auditActor(principal),
      target: { type: 'user', id: principal.userId },
      data: { reason: 'step_up_required', attempted: action },
    });
    throw new StepUpRequiredError(maxAge);
  }

  /** A new access token and a new refresh token for the same session; the old refresh token is spent. */
  async refresh(refreshToken: string): Promise<LoginResult> {
    const outcome = await this.sessions.refresh(refreshToken);
    if (!outcome.ok) throw new UnauthenticatedError();
    return {
      ...(await this.tokens.issueAccessToken(outcome.user.id, outcome.session.id)),
      refreshToken: outcome.refreshToken,
      restriction: restrictionOf(outcome.user, outcome.session, this.config.mfa.required),
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
      await manager.update(
        UserEntity,
        { id: user.id },
        { passwordHash, mustChangePassword: false, version: () => 'version + 1' },
      );
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
    await manager.update(UserEntity, { id: user.id }, { recentFailures: recent });
    if (recent.length >= MAX_FAILURES) {
      await this.lock(manager, user, {
        failures: recent.length,
        windowMinutes: FAILURE_WINDOW_MS / 60_000,
      });
    }
  }

  /**
   * A wrong or replayed second-factor code: counts in the 15-minute window like a wrong password,
   * and in a run that only a right code (or an administrator's unlock) resets.
   */
  private async countSecondFactorFailure(manager: EntityManager, user: UserEntity): Promise<void> {
    const run = user.secondFactorFailures + 1;
    await manager.update(UserEntity, { id: user.id }, { secondFactorFailures: run });
    if (run >= MAX_SECOND_FACTOR_FAILURES) {
      await this.lock(manager, user, { reason: 'second_factor_failures', failures: run });
    } else {
      await this.countFailure(manager, user);
    }
  }

  /** Locks the account until an administrator unlocks it (CJIS AC-7), ending its sessions. */
  private async lock(manager: EntityManager, user: UserEntity, data: Record<string, unknown>): Promise<void> {
    if (user.lockedAt) return;
    const now = this.clock.now();
    user.lockedAt = now;
    await manager.update(UserEntity, { id: user.id }, { lockedAt: now });
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
      data: { ...data, sessionsEnded: ended.affected ?? 0 },
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
    .addSelect(['user.passwordHash', ...SECOND_FACTOR_COLUMNS.map((column) => `user.${column}`)])
    .setLock('pessimistic_write');
  return 'id' in where
    ? builder.where('user.id = :id', { id: where.id }).getOne()
    : builder.where('user.username = :username', { username: where.username }).getOne();
}
