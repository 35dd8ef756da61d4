import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-local';
import { AuthService } from '../auth.service';
import type { IssuedTokens } from '../token.service';

@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly auth: AuthService) {
    super({ usernameField: 'username', passwordField: 'password', session: false });
  }

  /** Passport calls the result the "user"; here it is the login's outcome: the new session's tokens. */
  validate(username: string, password: string): Promise<IssuedTokens> {
    return this.auth.login(username, password);
  }
}
