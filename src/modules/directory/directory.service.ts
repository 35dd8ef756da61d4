import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import { AgencyEntity } from './agency.entity';
import type { AgencyDto, AgencyQueryDto, StateDto } from './dto/directory.dto';
import { StateEntity } from './state.entity';

@Injectable()
export class DirectoryService {
  constructor(
    @InjectRepository(StateEntity) private readonly states: Repository<StateEntity>,
    @InjectRepository(AgencyEntity) private readonly agencies: Repository<AgencyEntity>,
  ) {}

  async listStates(): Promise<StateDto[]> {
    const states = await this.states.find({ order: { code: 'ASC' } });
    return states.map(({ code, name, legalSystem, languages }) => ({ code, name, legalSystem, languages }));
  }

  async listAgencies(query: AgencyQueryDto): Promise<AgencyDto[]> {
    const agencies = await this.agencies.find({
      where: {
        ...(query.stateCode ? { stateCode: query.stateCode } : {}),
        ...(query.kind ? { kind: query.kind } : {}),
        ...(query.includeInactive ? {} : { deactivatedAt: IsNull() }),
      },
      order: { stateCode: 'ASC', code: 'ASC' },
    });
    return agencies.map(toAgencyDto);
  }

  findAgency(id: string): Promise<AgencyEntity | null> {
    return this.agencies.findOneBy({ id });
  }
}

export function toAgencyDto(agency: AgencyEntity): AgencyDto {
  const { id, code, name, stateCode, kind, timeZone, deactivatedAt } = agency;
  return { id, code, name, stateCode, kind, timeZone, active: deactivatedAt === null };
}
