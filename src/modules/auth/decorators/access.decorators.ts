import { applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Permission } from '@mla/contracts';
import { ErrorResponseDto } from '../../../common/http/error-envelope.dto';
import type { Principal } from '../principal';

export const PermissionMetadata = Reflector.createDecorator<Permission>();
export const PublicMetadata = Reflector.createDecorator<true>({ transform: () => true });
export const AllowRestrictedMetadata = Reflector.createDecorator<true>({ transform: () => true });
export const StepUpMetadata = Reflector.createDecorator<true>({ transform: () => true });
export const RefuseApiKeysMetadata = Reflector.createDecorator<true>({ transform: () => true });

/**
 * Declares the permission a route needs. The same decorator writes the OpenAPI security entry,
 * so the documentation cannot drift from what is enforced.
 */
export function RequirePermission(permission: Permission): MethodDecorator & ClassDecorator {
  return applyDecorators(
    PermissionMetadata(permission),
    ApiBearerAuth(),
    ApiExtension('x-permission', permission),
    ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Missing, invalid or expired token' }),
    ApiForbiddenResponse({ type: ErrorResponseDto, description: `The caller's role lacks ${permission}` }),
  );
}

/**
 * Lets a session that must first change its password or enrol a second factor call this route
 * (the routes that do those things, plus who-am-I and logout). Every other route refuses it.
 */
export function AllowRestrictedSession(): MethodDecorator {
  return applyDecorators(AllowRestrictedMetadata(), ApiExtension('x-allow-restricted-session', true));
}

/**
 * A privileged action: the session's last full authentication must be recent (SEC-10, ASVS 7.5.3);
 * otherwise 401 `auth.step_up_required`, and the client confirms at POST /v1/auth/step-up.
 */
export function RequireStepUp(): MethodDecorator {
  return applyDecorators(
    StepUpMetadata(),
    ApiExtension('x-step-up', true),
    ApiUnauthorizedResponse({
      type: ErrorResponseDto,
      description: 'Missing or expired token, or `auth.step_up_required`: authenticate again first',
    }),
  );
}

/** Opts a route out of authentication, on purpose and visibly. */
export function Public(): MethodDecorator & ClassDecorator {
  return applyDecorators(PublicMetadata(), ApiExtension('x-permission', 'public'));
}

/**
 * Refuses callers authenticated by an API key (403 `auth.api_key_not_allowed`): routes about a
 * person's own session or password, and administration, which no machine client should reach even
 * if a role were misassigned.
 */
export function RefuseApiKeys(): MethodDecorator & ClassDecorator {
  return applyDecorators(RefuseApiKeysMetadata(), ApiExtension('x-api-key', 'refused'));
}

/** The authenticated caller; fails loudly if used on a route the authentication guard did not run on. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = context.switchToHttp().getRequest<{ user?: Principal }>().user;
    if (!principal) throw new Error('CurrentPrincipal used on a route without an authenticated principal');
    return principal;
  },
);
