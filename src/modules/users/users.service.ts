import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import { ROLE_PERMISSIONS } from '@mla/contracts';
import { UnauthenticatedError } from '../../common/errors/domain-error';
import type { AgencySummaryDto, MeDto } from '../auth/dto/me.dto';
import type { AgencyEntity } from '../directory/agency.entity';
import { UserEntity } from './user.entity';

@Injectable()
export class UsersService {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  findActiveWithAgency(id: string): Promise<UserEntity | null> {
    return this.users.findOne({ where: { id, disabledAt: IsNull() }, relations: { agency: true } });
  }

  async describe(id: string): Promise<MeDto> {
    const user = await this.findActiveWithAgency(id);
    if (!user?.agency) throw new UnauthenticatedError();
    return {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      permissions: [...ROLE_PERMISSIONS[user.role]],
      agency: toAgencySummary(user.agency),
    };
  }
}

export function toAgencySummary(agency: AgencyEntity): AgencySummaryDto {
  const { id, code, name, kind, stateCode } = agency;
  return { id, code, name, kind, stateCode };
}
