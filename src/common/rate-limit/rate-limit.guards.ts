import { type ExecutionContext, Injectable } from '@nestjs/common';
import {
  normalizeIp,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerRequest,
} from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { RateLimitedError } from '../errors/domain-error';

/** The two API-wide budgets (SEC-19); ThrottlerModule declares both, each guard applies one. */
export type RateLimitBudget = 'ip' | 'user';

/** The principal's id for the per-user budget; absent on public routes and failed authentications. */
export function userTracker(request: Request): string | undefined {
  const user: { userId?: unknown } | undefined = request.user;
  return typeof user?.userId === 'string' ? user.userId : undefined;
}

/** `request.ip` honours `trust proxy` ('loopback'), so X-Forwarded-For from anyone else is ignored. */
export function ipTracker(request: Request): string {
  return normalizeIp(request.ip ?? 'unknown');
}

/**
 * One budget per guard, because the two must run at different moments: the per-address budget
 * before authentication (a flood of bad tokens is still counted, and costs no session lookup), the
 * per-user budget after it, when the principal is known. Over budget: 429, `Retry-After` and the
 * envelope with `common.rate_limited`, as the login throttle answers.
 */
abstract class ApiRateLimitGuard extends ThrottlerGuard {
  protected abstract readonly budget: RateLimitBudget;

  /**
   * The library's own, with one budget per guard and unsuffixed `RateLimit-*` headers that describe
   * the tighter budget (the per-user guard runs second and overwrites only when it has less left).
   */
  protected override async handleRequest(requestProps: ThrottlerRequest): Promise<boolean> {
    const { context, limit, ttl, throttler, blockDuration, getTracker, generateKey } = requestProps;
    if (throttler.name !== this.budget) return true;
    const { req, res } = this.getRequestResponse(context);
    const tracker = await getTracker(req, context);
    const key = generateKey(context, tracker, throttler.name);
    const record = await this.storageService.increment(key, ttl, limit, blockDuration, throttler.name);
    const remaining = Math.max(0, limit - record.totalHits);
    const response = res as Response;
    const shown = Number(response.getHeader('RateLimit-Remaining') ?? Number.POSITIVE_INFINITY);
    if (remaining <= shown) {
      response.setHeader('RateLimit-Limit', String(limit));
      response.setHeader('RateLimit-Remaining', String(remaining));
      response.setHeader('RateLimit-Reset', String(record.timeToExpire));
    }
    if (record.isBlocked)
      await this.throwThrottlingException(context, { ...record, limit, ttl, key, tracker });
    return true;
  }

  protected override throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const retryAfter = Math.max(1, detail.timeToBlockExpire);
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(retryAfter));
    throw new RateLimitedError(
      retryAfter,
      this.budget === 'ip' ? 'requests from this address' : 'requests from this account',
    );
  }
}

@Injectable()
export class IpRateLimitGuard extends ApiRateLimitGuard {
  protected readonly budget = 'ip';
}

@Injectable()
export class UserRateLimitGuard extends ApiRateLimitGuard {
  protected readonly budget = 'user';
}
