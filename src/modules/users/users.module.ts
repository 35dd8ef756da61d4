import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PasswordHasher } from './password-hasher';
import { PasswordPolicy } from './password-policy';
import { UserEntity } from './user.entity';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity])],
  providers: [UsersService, PasswordHasher, PasswordPolicy],
  exports: [UsersService, PasswordHasher, PasswordPolicy],
})
export class UsersModule {}
