import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { findByIds } from '../../database/find-by-ids';
import { TransactionRunner } from '../../database/transaction-runner';
import type { Principal } from '../auth/principal';
import { AgencyEntity } from '../directory/agency.entity';
import { toAgencyDto } from '../directory/directory.service';
import { UserEntity } from '../users/user.entity';
import { AssignmentLedger } from './assignment-ledger';
import type { AssignmentDto, AssignmentListDto } from './dto/assignment.dto';
import { RequestAssignmentEntity } from './request-assignment.entity';
import { requestedSideAgencies, sideOfCaller } from './request.policy';
import { RequestsService } from './requests.service';

/** Who works a request on each side (need-to-know, SEC-13 / SEC-23). */
@Injectable()
export class RequestAssignmentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly requests: RequestsService,
    private readonly ledger: AssignmentLedger,
  ) {}

  /**
   * The caller's own side only: the other state learns nothing about who works the request here
   * beyond what the request itself shows (its author).
   */
  async list(principal: Principal, requestId: string): Promise<AssignmentListDto> {
    const manager = this.dataSource.manager;
    const { request, standing } = await this.requests.loadVisible(manager, principal, requestId);
    const requestedSide = sideOfCaller(standing.relations) === 'requested';
    const rows = await manager
      .createQueryBuilder(RequestAssignmentEntity, 'a')
      .where('a.request_id = :requestId AND a.unassigned_at IS NULL', { requestId })
      .andWhere(
        requestedSide ? 'a.agency_id IN (:...requestedSide)' : 'a.agency_id NOT IN (:...requestedSide)',
        { requestedSide: requestedSideAgencies(request) },
      )
      .orderBy('a.assigned_at', 'ASC')
      .addOrderBy('a.id', 'ASC')
      .getMany();
    return { items: await this.toDtos(rows) };
  }

  async assign(principal: Principal, requestId: string, userId: string): Promise<AssignmentDto> {
    const assignment = await this.transactions.run(async (manager) => {
      const { request } = await this.requests.loadVisible(manager, principal, requestId, 'share');
      return this.ledger.open(manager, principal, request, userId);
    });
    const [dto] = await this.toDtos([assignment]);
    if (!dto) throw new Error('assignment vanished after insert');
    return dto;
  }

  async unassign(principal: Principal, requestId: string, userId: string): Promise<void> {
    await this.transactions.run(async (manager) => {
      const { request } = await this.requests.loadVisible(manager, principal, requestId, 'share');
      await this.ledger.close(manager, principal, request, userId);
    });
  }

  private async toDtos(rows: RequestAssignmentEntity[]): Promise<AssignmentDto[]> {
    if (rows.length === 0) return [];
    const manager = this.dataSource.manager;
    const users = await findByIds(
      manager,
      UserEntity,
      rows.flatMap((row) => [row.userId, row.assignedById]),
    );
    const agencies = await findByIds(
      manager,
      AgencyEntity,
      rows.map((row) => row.agencyId),
    );
    const person = (id: string) => {
      const user = users.get(id);
      if (!user) throw new Error(`User ${id} of an assignment is missing`);
      return { id: user.id, displayName: user.displayName };
    };
    return rows.map((row) => {
      const agency = agencies.get(row.agencyId);
      if (!agency) throw new Error(`Agency ${row.agencyId} of an assignment is missing`);
      return {
        user: person(row.userId),
        agency: toAgencyDto(agency),
        assignedBy: person(row.assignedById),
        assignedAt: row.assignedAt.toISOString(),
      };
    });
  }
}
