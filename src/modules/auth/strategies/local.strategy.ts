import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-local';
import { AuthService, type LoginResult } from '../auth.service';
import type { LoginDto } from '../dto/login.dto';

@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly auth: AuthService) {
    super({ usernameField: 'username', passwordField: 'password', session: false, passReqToCallback: true });
  }

  /**
   * Passport calls the result the "user"; here it is the login's outcome: the new session's tokens.
   * LocalAuthGuard validated the body against LoginDto before passport ran, so the fields are typed.
   */
  validate(request: Request, username: string, password: string): Promise<LoginResult> {
    const { totp, recoveryCode } = request.body as LoginDto;
    return this.auth.login(username, password, { totp, recoveryCode });
  }
}
