import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InvalidCredentialsError, UnauthenticatedError } from '../../common/errors/domain-error';
import { TransactionRunner } from '../../database/transaction-runner';
import { AuditService } from '../audit/audit.service';
import { UserEntity } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { PasswordHasher } from '../users/password-hasher';
import { SessionService } from './session.service';
import { TokenService, type IssuedTokens } from './token.service';

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
    if (user && passwordOk && !user.disabledAt) return user;
    const reason = !user ? 'unknown_user' : !passwordOk ? 'wrong_password' : 'account_disabled';
    await this.audit.record({
      action: 'auth.login_failed',
      outcome: 'failure',
      actor: null,
      target: { type: 'user', id: user?.id ?? null },
      // The typed name is kept only as a hash: people type passwords into the username field, and the
      // log is permanent. Repeated attempts on the same name still show up as the same hash.
      data: { reason, ...(user ? {} : { usernameSha256: sha256(username.toLowerCase()) }) },
    });
    throw new InvalidCredentialsError();
  }

  /** Opens a session, records the login and issues the tokens, in one transaction. */
  async login(user: UserEntity): Promise<IssuedTokens> {
    const { session, refreshToken } = await this.transactions.run(async (manager) => {
      const started = await this.sessions.start(manager, user, 'password');
      await manager.update(UserEntity, { id: user.id }, { lastLoginAt: started.session.createdAt });
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
}
