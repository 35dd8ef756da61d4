import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { HeaderAPIKeyStrategy } from 'passport-headerapikey';
import type { Principal } from '../auth/principal';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { API_KEY_HEADER } from './api-key-secret';

@Injectable()
export class ApiKeyStrategy extends PassportStrategy(HeaderAPIKeyStrategy, 'api-key') {
  constructor(private readonly authenticator: ApiKeyAuthenticator) {
    // Without passReqToCallback: the audit entries take the address and correlation id from the request context.
    super({ header: API_KEY_HEADER, prefix: '' }, false);
  }

  validate(apiKey: string): Promise<Principal> {
    return this.authenticator.authenticate(apiKey);
  }
}
