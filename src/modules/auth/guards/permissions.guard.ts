import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ErrorCode, hasPermission } from '@mla/contracts';
import { Clock } from '../../../common/clock';
import {
  ApiKeyNotAllowedError,
  PermissionDeniedError,
  PermissionNotDeclaredError,
  SessionRestrictedError,
  StepUpRequiredError,
  UnauthenticatedError,
} from '../../../common/errors/domain-error';
import { AppConfig } from '../../../config/app-config';
import {
  AllowRestrictedMetadata,
  PermissionMetadata,
  PublicMetadata,
  RefuseApiKeysMetadata,
  StepUpMetadata,
} from '../decorators/access.decorators';
import { AuditService } from '../../audit/audit.service';
import { API_KEY_AUTH_METHOD, auditActor, authenticatedRecently, type Principal } from '../principal';

/**
 * Global guard after authentication: default deny, function-level permission from the role table,
 * the set-up a restricted session must finish first, and step-up for privileged actions.
 */
@Injectable()
export class PermissionsGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride(PublicMetadata, targets)) return true;
    const required = this.reflector.getAllAndOverride(PermissionMetadata, targets);
    if (!required) {
      // Fail closed: a route nobody classified is a bug, not a public endpoint.
      throw new PermissionNotDeclaredError(context.getClass().name, context.getHandler().name);
    }
    const principal = context.switchToHttp().getRequest<{ user?: Principal }>().user;
    if (!principal) throw new UnauthenticatedError();
    if (
      principal.authMethod === API_KEY_AUTH_METHOD &&
      this.reflector.getAllAndOverride(RefuseApiKeysMetadata, targets)
    ) {
      await this.recordDenial(context, principal, { reason: 'api_key' });
      throw new ApiKeyNotAllowedError();
    }
    if (principal.restriction && !this.reflector.getAllAndOverride(AllowRestrictedMetadata, targets)) {
      throw new SessionRestrictedError(
        principal.restriction === 'password_change'
          ? ErrorCode.PasswordChangeRequired
          : ErrorCode.MfaEnrolmentRequired,
      );
    }
    if (!hasPermission(principal.role, required)) {
      await this.recordDenial(context, principal, { permission: required });
      throw new PermissionDeniedError(required);
    }
    const maxAgeSeconds = this.config.mfa.stepUpMaxAgeSeconds;
    if (
      this.reflector.getAllAndOverride(StepUpMetadata, targets) &&
      !authenticatedRecently(principal, this.clock.now(), maxAgeSeconds)
    ) {
      await this.recordDenial(context, principal, { reason: 'step_up_required' });
      throw new StepUpRequiredError(maxAgeSeconds);
    }
    return true;
  }

  /** Denied use of a function is a security event (CJIS AU-2, AC-6(9)): recorded, then refused. */
  private recordDenial(
    context: ExecutionContext,
    principal: Principal,
    data: Record<string, string>,
  ): Promise<void> {
    return this.audit.record({
      action: 'access.denied',
      outcome: 'denied',
      actor: auditActor(principal),
      target: { type: 'route', id: `${context.getClass().name}.${context.getHandler().name}` },
      data: { ...data, method: context.switchToHttp().getRequest<{ method: string }>().method },
    });
  }
}
