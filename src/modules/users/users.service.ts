import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import { ROLE_PERMISSIONS } from '@mla/contracts';
import { UnauthenticatedError } from '../../common/errors/domain-error';
import type { MeDto } from '../auth/dto/me.dto';
import { UserEntity } from './user.entity';

@Injectable()
export class UsersService {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  /** The one query that reads the password hash. */
  findForLogin(username: string): Promise<UserEntity | null> {
    return this.users
      .createQueryBuilder('user')
      .addSelect('user.passwordHash')
      .where('user.username = :username', { username: username.toLowerCase() })
      .getOne();
  }

  findActiveWithAgency(id: string): Promise<UserEntity | null> {
    return this.users.findOne({ where: { id, disabledAt: IsNull() }, relations: { agency: true } });
  }

  async describe(id: string): Promise<MeDto> {
    const user = await this.findActiveWithAgency(id);
    if (!user?.agency) throw new UnauthenticatedError();
    const { agency } = user;
    return {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      permissions: [...ROLE_PERMISSIONS[user.role]],
      agency: {
        id: agency.id,
        code: agency.code,
        name: agency.name,
        kind: agency.kind,
        stateCode: agency.stateCode,
      },
    };
  }
}
