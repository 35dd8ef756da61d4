import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { AmbiguousCredentialsError, UnauthenticatedError } from '../../../common/errors/domain-error';
import { API_KEY_HEADER } from '../../api-keys/api-key-secret';
import { PublicMetadata } from '../decorators/access.decorators';
import type { Principal } from '../principal';

/**
 * Global guard: every route needs a valid access token or API key unless it is marked @Public().
 * Passport tries the bearer token first, then the key.
 */
@Injectable()
export class AuthenticationGuard extends AuthGuard(['jwt', 'api-key']) {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    if (this.reflector.getAllAndOverride(PublicMetadata, [context.getHandler(), context.getClass()]))
      return true;
    const { headers } = context.switchToHttp().getRequest<Request>();
    // Two credentials would make the caller's identity depend on which strategy runs first.
    if (headers.authorization !== undefined && headers[API_KEY_HEADER] !== undefined)
      throw new AmbiguousCredentialsError();
    return super.canActivate(context);
  }

  override handleRequest<T = Principal>(error: unknown, principal: T | false): T {
    if (error instanceof Error && !(error instanceof UnauthenticatedError)) throw error;
    if (error || !principal) throw new UnauthenticatedError();
    return principal;
  }
}
