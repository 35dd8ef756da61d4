import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PageQueryDto } from '../../common/http/pagination';
import { AuditQueryService } from '../audit/audit-query.service';
import { READ_ACTION_SQL } from '../audit/audited-read';
import type { AuditEventPageDto } from '../audit/dto/audit-event.dto';
import type { Principal } from '../auth/principal';
import { requestedSideAgencies, sideOfCaller } from './request.policy';
import { RequestsService } from './requests.service';

/**
 * What the requested side may see of a request's history: the steps from transmission on. An
 * allowlist, so a new internal event type stays with the requesting side until someone decides
 * otherwise (domain.md §6.1: drafting and internal approval are not visible to the requested state).
 */
const SHARED_EVENTS = [
  'request.transmit',
  // The portal's alert to the requested side's 24/7 officers about an emergency request.
  'request.emergency_alert',
  'request.acknowledge',
  'request.assess',
  'request.request_clarification',
  'request.answer_clarification',
  // The requesting supervisor's approval of an answer is when the new version reaches them.
  'request.approve_answer',
  'request.start_consultation',
  'request.propose_conditions',
  'request.accept_conditions',
  'request.reject_conditions',
  'request.accept',
  'request.refuse',
  'request.start_execution',
  'request.postpone',
  'request.resume',
  'request.mark_partially_executed',
  'request.mark_executed',
  // Spontaneous information: the receiver's answer to the conditions, and the sender's decision.
  'request.accept_offer',
  'request.cannot_comply',
  'request.provide_information',
  'request.withdraw',
  'request.close',
  'message.create',
  // Consent on the use of material (domain.md §8.2): both sides take part, both see every step.
  'request.consent_requested',
  'request.consent_decided',
  'request.onward_transfer',
  'request.further_use',
  'request.exculpatory_notice',
  'request.consultation_requested',
  // Results delivered and their receipt acknowledged; each item's own trail is its custody route.
  'evidence_package.seal',
  'evidence_package.acknowledge',
];

/**
 * Item-level evidence events stay out of the request's history for both sides: the requesting side
 * must not learn of items before they are delivered, and each item's trail, with the right rules,
 * is `GET /v1/evidence/{id}/custody`.
 */
const ITEM_EVENTS = "entry.action LIKE 'evidence.%'";

/** Who was given or lost need-to-know: each side sees only the changes in its own agencies. */
const ASSIGNMENT_EVENTS = ['request.assigned', 'request.unassigned'];

// Reads (`*.view`, `*.list`) are for auditors (GET /v1/audit/events?requestId=): the history tells
// the parties what was done with the request, and every look at it would otherwise add to it. The
// requested side's allowlist names no read; the requesting side's rule excludes them explicitly.
const READ_EVENTS = READ_ACTION_SQL;

// The oversight body's work on a case (legal holds and their reasons, court reports) is recorded
// against the request for auditors; the parties' history is not where the audited learn of it.
const AUDIT_EVENTS = "entry.action LIKE 'audit.%'";

@Injectable()
export class RequestHistoryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly requests: RequestsService,
    private readonly audit: AuditQueryService,
  ) {}

  async list(principal: Principal, requestId: string, page: PageQueryDto): Promise<AuditEventPageDto> {
    const { request, standing } = await this.requests.loadVisible(
      this.dataSource.manager,
      principal,
      requestId,
    );
    const requestedSide = sideOfCaller(standing.relations) === 'requested';
    const params = {
      shared: SHARED_EVENTS,
      assignment: ASSIGNMENT_EVENTS,
      requestedSide: requestedSideAgencies(request),
    };
    // An assignment event belongs to the side whose staff it names (its data.agencyId), not to whoever
    // wrote it: an administrator closing a person's assignments acts for neither side.
    const assignmentSide = `(entry.body::jsonb #>> '{data,agencyId}')`;
    return this.audit.list({ ...page, requestId }, (builder) => {
      if (requestedSide)
        builder.andWhere(
          `(entry.action IN (:...shared) OR (entry.action IN (:...assignment) AND ${assignmentSide} IN (:...requestedSide)))`,
          params,
        );
      else
        builder.andWhere(
          `NOT (entry.action IN (:...assignment) AND ${assignmentSide} IN (:...requestedSide)) AND NOT (${ITEM_EVENTS}) AND NOT ${READ_EVENTS} AND NOT (${AUDIT_EVENTS})`,
          params,
        );
    });
  }
}
