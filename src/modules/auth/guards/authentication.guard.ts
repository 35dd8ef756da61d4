import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { UnauthenticatedError } from '../../../common/errors/domain-error';
import { PublicMetadata } from '../decorators/access.decorators';
import type { Principal } from '../principal';

/** Global guard: every route needs a valid access token unless it is marked @Public(). */
@Injectable()
export class AuthenticationGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    if (this.reflector.getAllAndOverride(PublicMetadata, [context.getHandler(), context.getClass()]))
      return true;
    return super.canActivate(context);
  }

  override handleRequest<T = Principal>(error: unknown, principal: T | false): T {
    if (error instanceof Error && !(error instanceof UnauthenticatedError)) throw error;
    if (error || !principal) throw new UnauthenticatedError();
    return principal;
  }
}
