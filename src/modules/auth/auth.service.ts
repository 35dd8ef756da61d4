import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InvalidCredentialsError } from '../../common/errors/domain-error';
import { TransactionRunner } from '../../database/transaction-runner';
import { AuditService } from '../audit/audit.service';
import { UserEntity } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { PasswordHasher } from '../users/password-hasher';
import { TokenService, type IssuedToken } from './token.service';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
    private readonly transactions: TransactionRunner,
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

  /** Records the successful login and issues the tokens, in one transaction. */
  async login(user: UserEntity): Promise<IssuedToken> {
    await this.transactions.run(async (manager) => {
      await manager.update(UserEntity, { id: user.id }, { lastLoginAt: new Date() });
      await this.audit.append(manager, {
        action: 'auth.login',
        outcome: 'success',
        actor: { userId: user.id, agencyId: user.agencyId, role: user.role, authMethod: 'password' },
        target: { type: 'user', id: user.id },
      });
    });
    return this.tokens.issueAccessToken(user.id);
  }
}
