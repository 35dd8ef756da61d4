import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PageQueryDto } from '../../common/http/pagination';
import { AuditQueryService } from '../audit/audit-query.service';
import type { AuditEventPageDto } from '../audit/dto/audit-event.dto';
import type { Principal } from '../auth/principal';
import { sideOfCaller } from './request.policy';
import { RequestsService } from './requests.service';

/** Drafting, editing and internal approval stay with the requesting side (domain.md §6.1: DRAFT is not visible to the RdS). */
const REQUESTING_SIDE_ONLY = [
  'request.create',
  'request.update',
  'request.submit',
  'request.return_to_draft',
  'request.approve',
];

@Injectable()
export class RequestHistoryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly requests: RequestsService,
    private readonly audit: AuditQueryService,
  ) {}

  async list(principal: Principal, requestId: string, page: PageQueryDto): Promise<AuditEventPageDto> {
    const { standing } = await this.requests.loadVisible(this.dataSource.manager, principal, requestId);
    const requestedSideOnly = sideOfCaller(standing.relations) === 'requested';
    return this.audit.list({ ...page, requestId }, (builder) => {
      if (requestedSideOnly)
        builder.andWhere('entry.action NOT IN (:...internal)', { internal: REQUESTING_SIDE_ONLY });
    });
  }
}
