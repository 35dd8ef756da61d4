import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import type { EntityManager } from 'typeorm';
import {
  EMERGENCY_EXECUTED_EVENT,
  EMERGENCY_REVIEW_DEADLINE,
  MessageKind,
  RequestAction,
  RequestType,
  UrgencyLevel,
  type RequestTypeRules,
} from '@mla/contracts';
import { AuditService } from '../../audit/audit.service';
import { auditActor, type Principal } from '../../auth/principal';
import { AgencyEntity } from '../../directory/agency.entity';
import { UserEntity } from '../../users/user.entity';
import type { CooperationRequestEntity } from '../cooperation-request.entity';
import { DeadlineService } from '../deadlines/deadline.service';
import { RequestDeadlineEntity } from '../deadlines/request-deadline.entity';
import { writeMessage } from '../request-messages';
import { EmergencyReviewNotDueError } from '../requests.errors';
import type { EmergencyReviewDto } from '../dto/request.dto';
import type { RecordEmergencyReviewDto } from './emergency-review.dto';
import { RequestEmergencyReviewEntity } from './request-emergency-review.entity';

/** An emergency request: one marked so, or an emergency disclosure, which always is one. */
export function isEmergency(request: Pick<CooperationRequestEntity, 'type' | 'urgency'>): boolean {
  return request.urgency.level === UrgencyLevel.Emergency || request.type === RequestType.EmergencyDisclosure;
}

/**
 * The emergency track (domain.md §6.6, §5.11, scenario 9), beside the transition table rather than
 * in it: on transmission the requested agency's 24/7 duty officers are alerted by a portal message
 * (paging and mail come later) that names the hour-based deadline the profile started; on execution
 * the requesting side's post-event review falls due (profile deadline `emergency_review`), met by
 * the requesting supervisor recording it.
 */
@Injectable()
export class EmergencyTrack {
  constructor(
    private readonly deadlines: DeadlineService,
    private readonly audit: AuditService,
  ) {}

  /** Runs after a transition of `request` (as it was before it) has been applied. */
  async afterTransition(
    manager: EntityManager,
    request: CooperationRequestEntity,
    action: RequestAction,
    rules: RequestTypeRules | undefined,
    at: Date,
  ): Promise<void> {
    if (!isEmergency(request)) return;
    if (action === RequestAction.Transmit) await this.alert(manager, request, at);
    // Executed in full or in part, the emergency is over: its review falls due either way.
    if ((action === RequestAction.MarkExecuted || action === RequestAction.MarkPartiallyExecuted) && rules)
      await this.deadlines.start(manager, request, rules, EMERGENCY_EXECUTED_EVENT, at);
  }

  private async alert(manager: EntityManager, request: CooperationRequestEntity, at: Date): Promise<void> {
    const requested = await manager.findOneByOrFail(AgencyEntity, { id: request.requestedAgencyId });
    // The first deadline transmission started, e.g. the hours the profile gives for a response.
    const [due] = await manager.find(RequestDeadlineEntity, {
      where: { requestId: request.id, status: 'open', startsAt: at },
      order: { dueAt: 'ASC' },
    });
    const dueText = due
      ? ` Respond by ${DateTime.fromJSDate(due.dueAt, { zone: requested.timeZone }).toFormat('yyyy-MM-dd HH:mm')} ${requested.timeZone} (${due.dueAt.toISOString()}, deadline ${due.name}, ${Math.round((due.dueAt.getTime() - at.getTime()) / 3_600_000)} hours).`
      : '';
    await writeMessage(
      manager,
      null,
      request.id,
      MessageKind.EmergencyAlert,
      `EMERGENCY: ${request.type} request ${request.reference} for the 24/7 duty officers of ${requested.name}.` +
        dueText +
        ` Imminent risk: ${request.urgency.reasons ?? ''}`,
      at,
    );
    await this.audit.append(manager, {
      action: 'request.emergency_alert',
      outcome: 'success',
      actor: null,
      target: { type: 'request', id: request.id },
      requestId: request.id,
      data: {
        requestedAgencyId: requested.id,
        ...(due ? { deadline: due.name, dueAt: due.dueAt.toISOString() } : {}),
      },
    });
  }

  /** Records the post-event review once its deadline has started (the request was executed). */
  async recordReview(
    manager: EntityManager,
    principal: Principal,
    request: CooperationRequestEntity,
    dto: RecordEmergencyReviewDto,
    at: Date,
  ): Promise<void> {
    if (!isEmergency(request)) throw new EmergencyReviewNotDueError('the request is not an emergency');
    const deadline = await manager.findOne(RequestDeadlineEntity, {
      where: { requestId: request.id, name: EMERGENCY_REVIEW_DEADLINE },
      lock: { mode: 'pessimistic_write' },
    });
    if (!deadline) throw new EmergencyReviewNotDueError('it falls due once the request has been executed');
    if (await manager.existsBy(RequestEmergencyReviewEntity, { requestId: request.id }))
      throw new EmergencyReviewNotDueError('it has been recorded already');
    await manager.insert(RequestEmergencyReviewEntity, {
      requestId: request.id,
      justified: dto.justified,
      useLimitsRespected: dto.useLimitsRespected,
      notes: dto.notes,
      reviewedById: principal.userId,
      reviewedAt: at,
    });
    // Met even when late: the record says when it was made.
    await manager.update(
      RequestDeadlineEntity,
      { id: deadline.id, status: 'open' },
      { status: 'met', settledAt: at, nextWarningAt: null },
    );
    await this.audit.append(manager, {
      action: 'request.emergency_review',
      outcome: 'success',
      actor: auditActor(principal),
      target: { type: 'request', id: request.id },
      requestId: request.id,
      // The findings, not the notes: the audit log holds no case content.
      data: {
        justified: dto.justified,
        useLimitsRespected: dto.useLimitsRespected,
        late: deadline.status === 'expired',
      },
    });
  }

  async reviewOf(manager: EntityManager, requestId: string): Promise<EmergencyReviewDto | null> {
    const review = await manager.findOneBy(RequestEmergencyReviewEntity, { requestId });
    if (!review) return null;
    const reviewer = await manager.findOneByOrFail(UserEntity, { id: review.reviewedById });
    return {
      justified: review.justified,
      useLimitsRespected: review.useLimitsRespected,
      notes: review.notes,
      reviewedBy: { id: reviewer.id, displayName: reviewer.displayName },
      reviewedAt: review.reviewedAt.toISOString(),
    };
  }
}
