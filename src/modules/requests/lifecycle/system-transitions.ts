import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { appliesTo, transitionFor, type RequestAction } from '@mla/contracts';
import { AuditService } from '../../audit/audit.service';
import type { AuditActor } from '../../audit/audit.types';
import { CooperationRequestEntity } from '../cooperation-request.entity';
import { VersionConflictError } from '../requests.errors';

/**
 * Transitions no person chooses (the table names no actors for them): `complete_translation` once a
 * translation lets an approved request out (T3), `lapse` when a preservation period runs out (T21).
 * They bypass `RequestsService.transition()`, which is about a caller's right to act, but not the
 * table, the conditional update or the `request.<action>` audit entry.
 */
@Injectable()
export class SystemTransitions {
  constructor(private readonly audit: AuditService) {}

  /** Whether the table lets `action` move this request from where it is now. */
  canFire(request: CooperationRequestEntity, action: RequestAction): boolean {
    const rule = transitionFor(action);
    return rule.from.includes(request.status) && appliesTo(rule, request.type);
  }

  /**
   * Moves the request as the table says, if it is unchanged since it was read. Callers hold the row
   * locked and ask `canFire` first, since what they write besides depends on it. The audit entry's
   * data is `{ from, to, version }`, as for a transition, unless the caller gives its own.
   */
  async fire(
    manager: EntityManager,
    request: CooperationRequestEntity,
    action: RequestAction,
    audit: { actor: AuditActor | null; at: Date; data?: Record<string, unknown> },
  ): Promise<void> {
    const rule = transitionFor(action);
    if (rule.actors.length > 0) throw new Error(`${action} is fired by people, through transition()`);
    if (!this.canFire(request, action))
      throw new Error(`${action} cannot move request ${request.id} from ${request.status}`);
    const result = await manager
      .createQueryBuilder()
      .update(CooperationRequestEntity)
      .set({ status: rule.to, version: () => 'version + 1', updatedAt: audit.at })
      .where('id = :id AND version = :version', { id: request.id, version: request.version })
      .execute();
    if (result.affected !== 1) throw new VersionConflictError();
    await this.audit.append(manager, {
      action: `request.${action}`,
      outcome: 'success',
      actor: audit.actor,
      target: { type: 'request', id: request.id },
      requestId: request.id,
      data: audit.data ?? { from: request.status, to: rule.to, version: request.version + 1 },
    });
  }
}
