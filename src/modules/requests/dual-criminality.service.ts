import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal';
import { OffenceCatalogue } from '../offences/offence-catalogue.service';
import { ProfileCatalog } from '../profiles/profile-catalog.service';
import type { DualCriminalityAssessmentDto } from './dto/dual-criminality.dto';
import { RequestsService } from './requests.service';

@Injectable()
export class DualCriminalityService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly requests: RequestsService,
    private readonly profiles: ProfileCatalog,
    private readonly offences: OffenceCatalogue,
  ) {}

  /** The assessment of a request the caller can see, under the profile version the request was made under. */
  async assessmentOf(principal: Principal, id: string): Promise<DualCriminalityAssessmentDto> {
    const manager = this.dataSource.manager;
    const { request } = await this.requests.loadVisible(manager, principal, id);
    const pinned = await this.profiles.version(manager, request.legalBasis, request.profileVersion);
    if (!pinned) throw new Error(`request ${request.id} names a missing profile version`);
    const assessment = this.offences.assess(pinned.profile, request);
    return {
      requestId: request.id,
      advisory: true,
      type: request.type,
      legalBasis: request.legalBasis,
      profileVersion: request.profileVersion,
      requestedStateCode: request.requestedStateCode,
      requirement: assessment.requirement,
      required: assessment.required,
      status: assessment.status,
      offences: assessment.offences.map((offence, index) => ({ index, ...offence })),
      refusalGroundsAvailable: this.offences.refusalGrounds(pinned.profile, request),
      sources: this.offences.sources,
    };
  }
}
