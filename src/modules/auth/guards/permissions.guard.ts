import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { hasPermission } from '@mla/contracts';
import {
  ApiKeyNotAllowedError,
  PermissionDeniedError,
  PermissionNotDeclaredError,
  UnauthenticatedError,
} from '../../../common/errors/domain-error';
import { PermissionMetadata, PublicMetadata, RefuseApiKeysMetadata } from '../decorators/access.decorators';
import { AuditService } from '../../audit/audit.service';
import { API_KEY_AUTH_METHOD, auditActor, type Principal } from '../principal';

/** Global guard after authentication: default deny, function-level permission from the role table. */
@Injectable()
export class PermissionsGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride(PublicMetadata, targets)) return true;
    const required = this.reflector.getAllAndOverride(PermissionMetadata, targets);
    if (!required) {
      // Fail closed: a route nobody classified is a bug, not a public endpoint.
      throw new PermissionNotDeclaredError(context.getClass().name, context.getHandler().name);
    }
    const request = context.switchToHttp().getRequest<{ user?: Principal; method: string }>();
    const principal = request.user;
    if (!principal) throw new UnauthenticatedError();
    if (
      principal.authMethod === API_KEY_AUTH_METHOD &&
      this.reflector.getAllAndOverride(RefuseApiKeysMetadata, targets)
    ) {
      await this.audit.record({
        action: 'access.denied',
        outcome: 'denied',
        actor: auditActor(principal),
        target: { type: 'route', id: `${context.getClass().name}.${context.getHandler().name}` },
        data: { reason: 'api_key', method: request.method },
      });
      throw new ApiKeyNotAllowedError();
    }
    if (!hasPermission(principal.role, required)) {
      // Denied use of a function is a security event (CJIS AU-2, AC-6(9)); record it, then refuse.
      await this.audit.record({
        action: 'access.denied',
        outcome: 'denied',
        actor: auditActor(principal),
        target: { type: 'route', id: `${context.getClass().name}.${context.getHandler().name}` },
        data: { permission: required, method: request.method },
      });
      throw new PermissionDeniedError(required);
    }
    return true;
  }
}
