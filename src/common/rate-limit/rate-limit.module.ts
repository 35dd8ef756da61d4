import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { Clock } from '../clock';
import { DatabaseThrottlerStorage } from './database-throttler-storage';
import { ipTracker, userTracker } from './rate-limit.guards';

/**
 * The API-wide rate limits (SEC-19). The guards themselves are registered by AuthModule, around
 * authentication, because global guards run in registration order.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, DataSource, Clock],
      useFactory: (config: AppConfig, dataSource: DataSource, clock: Clock) => {
        const ttl = config.rateLimits.windowSeconds * 1000;
        return {
          throttlers: [
            {
              name: 'ip',
              ttl,
              limit: config.rateLimits.perIp,
              getTracker: (request) => ipTracker(request as Request),
            },
            {
              name: 'user',
              ttl,
              limit: config.rateLimits.perUser,
              getTracker: (request) => userTracker(request as Request) ?? '',
              skipIf: (context) => userTracker(context.switchToHttp().getRequest<Request>()) === undefined,
            },
          ],
          // One budget for the whole API, not one per route (the library's default key).
          generateKey: (_context, tracker, name) => `${name}:${tracker}`,
          // The guards set RateLimit-* and Retry-After themselves: the library's carry `-ip`/`-user` suffixes.
          setHeaders: false,
          storage: new DatabaseThrottlerStorage(dataSource, clock),
        };
      },
    }),
  ],
})
export class RateLimitModule {}
