import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { hasPermission } from '@mla/contracts';
import {
  PermissionDeniedError,
  PermissionNotDeclaredError,
  UnauthenticatedError,
} from '../../../common/errors/domain-error';
import { PermissionMetadata, PublicMetadata } from '../decorators/access.decorators';
import type { Principal } from '../principal';

/** Global guard after authentication: default deny, function-level permission from the role table. */
@Injectable()
export class PermissionsGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride(PublicMetadata, targets)) return true;
    const required = this.reflector.getAllAndOverride(PermissionMetadata, targets);
    if (!required) {
      // Fail closed: a route nobody classified is a bug, not a public endpoint.
      throw new PermissionNotDeclaredError(context.getClass().name, context.getHandler().name);
    }
    const principal = context.switchToHttp().getRequest<{ user?: Principal }>().user;
    if (!principal) throw new UnauthenticatedError();
    if (!hasPermission(principal.role, required)) throw new PermissionDeniedError(required);
    return true;
  }
}
