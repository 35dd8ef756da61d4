import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import { ROLE_PERMISSIONS } from '@mla/contracts';
import { UnauthenticatedError } from '../../common/errors/domain-error';
import type { AgencySummaryDto, MeDto } from '../auth/dto/me.dto';
import { RecoveryCodeEntity } from './recovery-code.entity';
import type { Principal } from '../auth/principal';
import type { AgencyEntity } from '../directory/agency.entity';
import { UserEntity } from './user.entity';

@Injectable()
export class UsersService {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  /** An enabled account of an active agency: a deactivated agency's people are refused on their next call. */
  /**
   * Every authenticated call asks this. One query: `findOne` with a relation sends two (a DISTINCT
   * over the join to apply its LIMIT, then the rows), and a lookup by primary key needs no LIMIT.
   */
  findActiveWithAgency(id: string): Promise<UserEntity | null> {
    return this.users
      .createQueryBuilder('user')
      .innerJoinAndSelect('user.agency', 'agency', 'agency.deactivatedAt IS NULL')
      .where('user.id = :id AND user.disabledAt IS NULL', { id })
      .getOne();
  }

  async describe(principal: Principal, mfaRequired: boolean): Promise<MeDto> {
    const user = await this.findActiveWithAgency(principal.userId);
    if (!user?.agency) throw new UnauthenticatedError();
    const recoveryCodesLeft = await this.users.manager.countBy(RecoveryCodeEntity, {
      userId: user.id,
      usedAt: IsNull(),
    });
    return {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      permissions: [...ROLE_PERMISSIONS[user.role]],
      agency: toAgencySummary(user.agency),
      secondFactor: {
        enrolled: user.totpEnrolledAt !== null,
        required: mfaRequired,
        recoveryCodesLeft,
        sessionRestriction: principal.restriction,
      },
    };
  }
}

export function toAgencySummary(agency: AgencyEntity): AgencySummaryDto {
  const { id, code, name, kind, stateCode } = agency;
  return { id, code, name, kind, stateCode };
}
