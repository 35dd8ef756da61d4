import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountMaintenanceService } from './account-maintenance.service';
import { PasswordHasher } from './password-hasher';
import { PasswordPolicy } from './password-policy';
import { SecondFactorService } from './second-factor.service';
import { UserEntity } from './user.entity';
import { UsersAdminService } from './users-admin.service';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';
import { AuditModule } from '../audit/audit.module';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity]), AuditModule],
  controllers: [UsersController],
  providers: [
    UsersService,
    UsersAdminService,
    AccountMaintenanceService,
    PasswordHasher,
    PasswordPolicy,
    SecondFactorService,
  ],
  exports: [UsersService, PasswordHasher, PasswordPolicy, SecondFactorService],
})
export class UsersModule {}
