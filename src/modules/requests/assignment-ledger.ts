import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import type { EntityManager } from 'typeorm';
import { CASE_ROLES } from '@mla/contracts';
import { UserEntity } from '../users/user.entity';
import { AuditService } from '../audit/audit.service';
import { auditActor, type Principal } from '../auth/principal';
import type { CooperationRequestEntity } from './cooperation-request.entity';
import { RequestAssignmentEntity } from './request-assignment.entity';
import { AlreadyAssignedError, AssigneeNotEligibleError, AssignmentNotFoundError } from './requests.errors';

/**
 * Opens and closes assignments, each with its audit entry in the caller's transaction. Both are
 * single conditional statements, so two supervisors acting at once get one success and one
 * 409/404, never a duplicate or a unique-violation 500.
 */
@Injectable()
export class AssignmentLedger {
  constructor(
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Whether the caller holds an open assignment on the request within their own agency. */
  async holds(manager: EntityManager, principal: Principal, requestId: string): Promise<boolean> {
    // FOR SHARE: an unassignment committing meanwhile is waited for and then seen (B8), so an
    // officer being taken off cannot slip one more write through.
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM "request_assignment"
        WHERE "request_id" = $1 AND "user_id" = $2 AND "agency_id" = $3 AND "unassigned_at" IS NULL
        FOR SHARE`,
      [requestId, principal.userId, principal.agencyId],
    );
    return rows.length > 0;
  }

  /**
   * Assigns an active user of the actor's agency who holds a case role. The account row is read
   * FOR SHARE: an administrator disabling or moving that person meanwhile is waited for and then
   * seen, so no assignment opens after theirs were closed.
   */
  async open(
    manager: EntityManager,
    actor: Principal,
    request: Pick<CooperationRequestEntity, 'id'>,
    userId: string,
  ): Promise<RequestAssignmentEntity> {
    const assignee = await manager.findOne(UserEntity, {
      where: { id: userId },
      lock: { mode: 'pessimistic_read' },
    });
    const eligible =
      assignee !== null &&
      assignee.agencyId === actor.agencyId &&
      assignee.disabledAt === null &&
      CASE_ROLES.includes(assignee.role);
    if (!eligible) throw new AssigneeNotEligibleError(userId);
    const assignment = manager.create(RequestAssignmentEntity, {
      id: randomUUID(),
      requestId: request.id,
      userId,
      agencyId: actor.agencyId,
      assignedById: actor.userId,
      assignedAt: this.clock.now(),
      unassignedAt: null,
      unassignedById: null,
    });
    const inserted: unknown[] = await manager.query(
      `INSERT INTO "request_assignment"
         ("id", "request_id", "user_id", "agency_id", "assigned_by_id", "assigned_at")
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING
       RETURNING "id"`,
      [
        assignment.id,
        assignment.requestId,
        assignment.userId,
        assignment.agencyId,
        assignment.assignedById,
        assignment.assignedAt,
      ],
    );
    if (inserted.length === 0) throw new AlreadyAssignedError(userId);
    await this.audit.append(manager, {
      action: 'request.assigned',
      outcome: 'success',
      actor: auditActor(actor),
      target: { type: 'request', id: request.id },
      requestId: request.id,
      data: { userId, agencyId: actor.agencyId },
    });
    return assignment;
  }

  /** Closes the user's open assignment in the actor's agency; the row stays as the record. */
  async close(
    manager: EntityManager,
    actor: Principal,
    request: Pick<CooperationRequestEntity, 'id'>,
    userId: string,
  ): Promise<void> {
    const result = await manager
      .createQueryBuilder()
      .update(RequestAssignmentEntity)
      .set({ unassignedAt: this.clock.now(), unassignedById: actor.userId })
      .where('request_id = :requestId AND user_id = :userId AND agency_id = :agencyId', {
        requestId: request.id,
        userId,
        agencyId: actor.agencyId,
      })
      .andWhere('unassigned_at IS NULL')
      .execute();
    if (result.affected !== 1) throw new AssignmentNotFoundError(userId);
    await this.audit.append(manager, {
      action: 'request.unassigned',
      outcome: 'success',
      actor: auditActor(actor),
      target: { type: 'request', id: request.id },
      requestId: request.id,
      data: { userId, agencyId: actor.agencyId },
    });
  }
}
