import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { Clock } from './common/clock';
import { CryptoModule } from './common/crypto/crypto.module';
import { AppConfig } from './config/app-config';
import { DatabaseModule } from './database/database.module';
import { RateLimitModule } from './common/rate-limit/rate-limit.module';
import { DemoRequestSeeder } from './database/seeds/demo-requests';
import { DemoSeeder } from './database/seeds/demo-seeder';
import { ApiKeysModule } from './modules/api-keys/api-keys.module';
import { AuditModule } from './modules/audit/audit.module';
import { AuthModule } from './modules/auth/auth.module';
import { DirectoryModule } from './modules/directory/directory.module';
import { EvidenceModule } from './modules/evidence/evidence.module';
import { OffencesModule } from './modules/offences/offences.module';
import { ProfilesModule } from './modules/profiles/profiles.module';
import { HealthModule } from './modules/health/health.module';
import { IdempotencyModule } from './modules/idempotency/idempotency.module';
import { RequestsModule } from './modules/requests/requests.module';
import { UsersModule } from './modules/users/users.module';

@Module({})
class ConfigHolderModule {}

/**
 * The application, built from a configuration validated before Nest starts (main.ts, tests and the
 * OpenAPI script each build one), so nothing reads process.env after boot.
 */
@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        {
          module: ConfigHolderModule,
          global: true,
          providers: [{ provide: AppConfig, useValue: config }, Clock],
          exports: [AppConfig, Clock],
        },
        ScheduleModule.forRoot(),
        CryptoModule,
        DatabaseModule,
        RateLimitModule,
        IdempotencyModule,
        AuditModule,
        UsersModule,
        AuthModule,
        ApiKeysModule,
        DirectoryModule,
        ProfilesModule,
        OffencesModule,
        RequestsModule,
        EvidenceModule,
        HealthModule,
      ],
      providers: [DemoSeeder, DemoRequestSeeder, { provide: APP_FILTER, useClass: AllExceptionsFilter }],
    };
  }
}
