import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { Clock } from '../../../common/clock';
import { RateLimitedError } from '../../../common/errors/domain-error';
import { AppConfig } from '../../../config/app-config';

const WINDOW_MS = 60_000;

/**
 * Per-address budget on the authentication routes (login, refresh, password change): slows
 * password guessing and third-party lockouts (SEC-03). One atomic upsert per call, counted in the
 * database so that every instance shares the budget; over it, 429 with Retry-After.
 */
@Injectable()
export class AuthThrottleGuard implements CanActivate {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const client = (request.ip ?? 'unknown').slice(0, 64);
    const now = this.clock.now();
    const windowStart = new Date(now.getTime() - WINDOW_MS);
    const rows = await this.dataSource.query<Array<{ attempts: number; window_started_at: Date }>>(
      `INSERT INTO "auth_throttle" ("client", "window_started_at", "attempts") VALUES ($1, $2, 1)
       ON CONFLICT ("client") DO UPDATE SET
         "attempts" = CASE WHEN "auth_throttle"."window_started_at" <= $3 THEN 1 ELSE "auth_throttle"."attempts" + 1 END,
         "window_started_at" = CASE WHEN "auth_throttle"."window_started_at" <= $3 THEN $2 ELSE "auth_throttle"."window_started_at" END
       RETURNING "attempts", "window_started_at"`,
      [client, now, windowStart],
    );
    const row = rows[0];
    if (!row || row.attempts <= this.config.authRateLimitPerMinute) return true;
    const retryAfter = Math.max(
      1,
      Math.ceil((new Date(row.window_started_at).getTime() + WINDOW_MS - now.getTime()) / 1000),
    );
    http.getResponse<Response>().setHeader('Retry-After', String(retryAfter));
    throw new RateLimitedError(retryAfter);
  }
}
