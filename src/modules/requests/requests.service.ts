import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  DataSource,
  type EntityManager,
  type EntityTarget,
  type FindOptionsOrder,
  type FindOptionsWhere,
} from 'typeorm';
import {
  PartyRelation,
  Permission,
  RECEIVING_AGENCY_KINDS,
  RequestAction,
  RequestStatus,
  actorMayFire,
  allowedActions,
  appliesTo,
  missingMandatoryFields,
  seesAllConfidentialRequests,
  transitionFor,
  type ActorStanding,
  RequestType,
  Role,
  type TransitionRule,
  ConditionStatus,
  MessageKind,
  OFFER_TYPES,
  type UseCondition,
  type RequestTypeRules,
} from '@mla/contracts';
import { PermissionDeniedError, ValidationFailedError } from '../../common/errors/domain-error';
import { DEFAULT_PAGE_SIZE, decodeCursor, keysetPage } from '../../common/http/pagination';
import { findByIds } from '../../database/find-by-ids';
import { TransactionRunner } from '../../database/transaction-runner';
import { AuditService } from '../audit/audit.service';
import { auditActor, type Principal } from '../auth/principal';
import { AgencyEntity } from '../directory/agency.entity';
import { toAgencyDto } from '../directory/directory.service';
import { UserEntity } from '../users/user.entity';
import { CooperationRequestEntity } from './cooperation-request.entity';
import type { CreateRequestDto, UpdateRequestDto } from './dto/create-request.dto';
import type {
  DeadlineDto,
  OralContactDto,
  RequestDto,
  RequestPageDto,
  RequestSummaryDto,
} from './dto/request.dto';
import type { RequestQueryDto } from './dto/request-query.dto';
import type { TransitionDto } from './dto/transition.dto';
import type { ClarificationDto } from './lifecycle/lifecycle.dto';
import { buildRequestContent, contentAsInput, type RequestContent } from './request-content';
import { canonicalJson } from '../audit/canonical-json';
import { writeMessage } from './request-messages';
import { needsAssignment, sideOfCaller, standingOf, visibilityCondition } from './request.policy';
import { AssignmentLedger } from './assignment-ledger';
import { OffenceCatalogue } from '../offences/offence-catalogue.service';
import { ProfileCatalog, type ProfileVersion } from '../profiles/profile-catalog.service';
import { DeadlineService } from './deadlines/deadline.service';
import type { RequestDeadlineEntity } from './deadlines/request-deadline.entity';
import { EmergencyTrack } from './emergency/emergency-track';
import type { RecordEmergencyReviewDto } from './emergency/emergency-review.dto';
import { LanguageGate } from './translations/language-gate';
import { RequestLinksService, type CanSee } from './links/request-links.service';
import { RequestOralContactEntity } from './oral-contacts/request-oral-contact.entity';
import type { RecordOralContactDto } from './oral-contacts/oral-contact.dto';
import { Clock } from '../../common/clock';
import { LifecycleRecords } from './lifecycle/lifecycle-records.service';
import { checkItemOutcomes, checkTransitionInputs, requestedItems } from './lifecycle/transition-inputs';
import { ItemOutcomeKind, type ConsultationOutcome } from './request.types';
import {
  ActionForbiddenError,
  InvalidTransitionError,
  NotEditableError,
  PreconditionFailedError,
  PreconditionRequiredError,
  ReapprovalRequiredError,
  RequestNotFoundError,
  VersionConflictError,
} from './requests.errors';
import { TransitionListeners } from './transition-listeners';
import { TransmissionReceipts } from './transmission/transmission-receipts.service';
import { Idempotency } from '../../common/idempotency/idempotency-context';

@Injectable()
export class RequestsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly ledger: AssignmentLedger,
    private readonly profiles: ProfileCatalog,
    private readonly deadlines: DeadlineService,
    private readonly languageGate: LanguageGate,
    private readonly clock: Clock,
    private readonly offences: OffenceCatalogue,
    private readonly links: RequestLinksService,
    private readonly records: LifecycleRecords,
    private readonly emergency: EmergencyTrack,
    private readonly listeners: TransitionListeners,
    private readonly receipts: TransmissionReceipts,
  ) {}

  async create(principal: Principal, dto: CreateRequestDto): Promise<RequestDto> {
    const id = randomUUID();
    return this.runAndView(principal, id, async (manager) => {
      const requested = await this.counterpart(manager, principal, dto.type, dto.requestedAgencyId);
      const { type, requestedAgencyId: _ignored, links, ...input } = dto;
      const content = buildRequestContent(type, input);
      const profile = await this.profiles.current(manager, content.legalBasis);
      checkAgainstProfile(profile, type, content);
      const now = this.clock.now();
      const request = manager.create(CooperationRequestEntity, {
        ...content,
        id,
        type,
        profileVersion: profile.profile.version,
        status: RequestStatus.Draft,
        version: 1,
        requestingAgencyId: principal.agencyId,
        requestingStateCode: principal.stateCode,
        requestedAgencyId: requested.id,
        requestedStateCode: requested.stateCode,
        createdById: principal.userId,
        editorIds: [],
        refusal: null,
        submittedAt: null,
        approvedAt: null,
        approvedById: null,
        transmittedAt: null,
        createdAt: now,
        updatedAt: now,
      });
      await manager.insert(CooperationRequestEntity, request);
      await this.audit.append(manager, {
        action: 'request.create',
        outcome: 'success',
        actor: auditActor(principal),
        target: { type: 'request', id: request.id },
        requestId: request.id,
        data: {
          type,
          legalBasis: content.legalBasis,
          profileVersion: profile.profile.version,
          requestedAgencyId: requested.id,
          status: RequestStatus.Draft,
          confidential: content.confidential,
        },
      });
      // Always, not only when confidential: marking the draft confidential later must not lock out its author.
      await this.ledger.open(manager, principal, request, principal.userId);
      await this.links.add(manager, principal, request, links ?? [], this.canSee(principal));
    });
  }

  /**
   * Runs a use case on request `id` and answers the caller's view of it. With an Idempotency-Key the
   * view is read inside the transaction, after everything else in it, and recorded for a retry
   * (F1): that very view is the answer, rather than the same eight queries again after the commit.
   * Without a key (or when the transaction produced none) it is read once the transaction committed.
   */
  private async runAndView(
    principal: Principal,
    id: string,
    work: (manager: EntityManager) => Promise<void>,
  ): Promise<RequestDto> {
    let produced: RequestDto | undefined;
    await this.transactions.run(async (manager) => {
      // A rerun after a lost race must not answer the view of the attempt that was rolled back.
      produced = undefined;
      Idempotency.respondWith(manager, async () => (produced = await this.view(manager, principal, id)));
      await work(manager);
    });
    return produced ?? this.get(principal, id);
  }

  async get(principal: Principal, id: string): Promise<RequestDto> {
    return this.view(this.dataSource.manager, principal, id);
  }

  /** The caller's view of the request; inside a transaction, as that transaction sees it. */
  private async view(manager: EntityManager, principal: Principal, id: string): Promise<RequestDto> {
    const { request, standing } = await this.loadVisible(manager, principal, id);
    return this.toDto(manager, request, standing, principal);
  }

  async list(principal: Principal, query: RequestQueryDto): Promise<RequestPageDto> {
    const visible = visibilityCondition(principal, query.box);
    const filters: string[] = [];
    const params: Record<string, unknown> = { ...visible.params };
    if (visible.restriction) filters.push(visible.restriction);
    if (query.status) {
      filters.push('r.status = :status');
      params.status = query.status;
    }
    if (query.type) {
      filters.push('r.type = :type');
      params.type = query.type;
    }
    if (query.overdue) {
      filters.push(
        `EXISTS (SELECT 1 FROM "request_deadline" d WHERE d."request_id" = r."id" AND d."status" = 'open' AND d."due_at" < :now)`,
      );
      params.now = this.clock.now();
    }
    if (query.cursor) {
      const position = decodeCursor(query.cursor, { createdAt: 'instant', id: 'uuid' });
      filters.push('(r.created_at, r.id) < (:cursorCreatedAt, :cursorId)');
      params.cursorCreatedAt = new Date(position.createdAt);
      params.cursorId = position.id;
    }
    // The visible requests are a union of relations (requesting agency, requested agency, …), and a
    // single ordered scan cannot serve an OR of them: PostgreSQL would fetch and sort every visible
    // request of a big agency for each page. Each relation instead yields its own first page from its
    // (agency, created_at, id) index, and the page is taken from those few candidates; the outer
    // condition is the full one, so the rows are exactly those of the plain query.
    // One more than the page, as keysetPage fetches, so that a relation can also tell a page follows.
    const perRelation = Number(query.limit ?? DEFAULT_PAGE_SIZE) + 1;
    const where = (branch: string) => [branch, ...filters].join(' AND ');
    const candidates = visible.branches
      .map(
        (branch) =>
          `(SELECT r.id FROM "cooperation_request" r WHERE ${where(branch)} ORDER BY r.created_at DESC, r.id DESC LIMIT ${perRelation})`,
      )
      .join(' UNION ALL ');
    const builder = this.dataSource.manager
      .createQueryBuilder(CooperationRequestEntity, 'r')
      .where(`r.id IN (${candidates})`)
      .andWhere(visible.sql)
      .setParameters(params);
    for (const filter of filters.filter((filter) => filter !== visible.restriction)) builder.andWhere(filter);
    const { rows: page, nextCursor } = await keysetPage(
      builder.orderBy('r.created_at', 'DESC').addOrderBy('r.id', 'DESC'),
      query.limit,
      (last) => ({ createdAt: last.createdAt.toISOString(), id: last.id }),
    );
    const agencies = await findByIds(
      this.dataSource.manager,
      AgencyEntity,
      page.flatMap((request) => [request.requestingAgencyId, request.requestedAgencyId]),
    );
    const sent = await this.records.latestSent(
      this.dataSource.manager,
      page.filter((request) => answerInPreparation(request)).map((request) => request.id),
    );
    // One query for the whole page's deadlines: a list that shows the next deadline must not cost a
    // request view (an audited read) per row.
    const deadlines = await this.deadlines.forRequests(
      this.dataSource.manager,
      page.map((request) => request.id),
    );
    return {
      items: page.map((request) => {
        const standing = standingOf(principal, request);
        return summarise(
          asSeenBy(request, standing, sent.get(request.id)),
          standing,
          agencies,
          this.nextDeadline(request, deadlines.get(request.id) ?? [], agencies),
        );
      }),
      nextCursor,
    };
  }

  async update(
    principal: Principal,
    id: string,
    dto: UpdateRequestDto,
    ifMatch: number | undefined,
  ): Promise<RequestDto> {
    try {
      await this.applyUpdate(principal, id, dto, ifMatch);
    } catch (error) {
      // A refused attempt to lift need-to-know is a denied use of a privilege (CJIS AU-2): recorded,
      // after the use case's transaction has rolled back.
      if (error instanceof PermissionDeniedError) {
        await this.audit.record({
          action: 'access.denied',
          outcome: 'denied',
          actor: auditActor(principal),
          target: { type: 'request', id },
          requestId: id,
          data: { permission: Permission.RequestAssign, attempted: 'lift_confidential' },
        });
      }
      throw error;
    }
    return this.get(principal, id);
  }

  private async applyUpdate(
    principal: Principal,
    id: string,
    dto: UpdateRequestDto,
    ifMatch: number | undefined,
  ): Promise<void> {
    await this.transactions.run(async (manager) => {
      const { request, standing } = await this.loadVisible(manager, principal, id);
      if (!standing.relations.has(PartyRelation.RequestingAgency))
        throw new ActionForbiddenError('edit', 'role_or_side');
      if (ifMatch === undefined) throw new PreconditionRequiredError();
      // A draft; or a transmitted request whose author answers a clarification by changing it (T9).
      const answering = request.status === RequestStatus.ClarificationRequested;
      if (request.status !== RequestStatus.Draft && !answering) throw new NotEditableError(request.status);
      if (ifMatch !== request.version) throw new PreconditionFailedError(request.version);
      const { requestedAgencyId, ...sent } = dto;
      if (answering) {
        // What the requested side received stays addressed and judged as it was sent.
        const fixed = [
          ...(requestedAgencyId !== undefined ? ['requestedAgencyId'] : []),
          ...(sent.legalBasis !== undefined && sent.legalBasis !== request.legalBasis ? ['legalBasis'] : []),
        ];
        if (fixed.length > 0) {
          throw new ValidationFailedError(
            fixed.map((field) => ({
              field,
              messages: [`${field} cannot change once the request is transmitted`],
            })),
          );
        }
      }
      // Class fields are defined (as undefined) on the DTO instance even when the body omits them
      // (ES2022 define semantics): only the fields actually sent may replace stored content.
      const changes = Object.fromEntries(
        Object.entries(sent).filter(([, value]) => value !== undefined),
      ) as typeof sent;
      if (
        changes.confidential === false &&
        request.confidential &&
        !seesAllConfidentialRequests(principal.role)
      ) {
        // Lifting need-to-know widens who sees the case: only those who may grant it may lift it.
        throw new PermissionDeniedError(Permission.RequestAssign);
      }
      const requested = requestedAgencyId
        ? await this.counterpart(manager, principal, request.type, requestedAgencyId)
        : undefined;
      const content = buildRequestContent(request.type, { ...contentAsInput(request), ...changes });
      // A draft moved to another legal basis is judged by that basis's current profile from now on.
      const profile =
        content.legalBasis === request.legalBasis
          ? await this.pinnedProfile(manager, request)
          : await this.profiles.current(manager, content.legalBasis);
      checkAgainstProfile(profile, request.type, content);
      await this.conditionalUpdate(manager, request, {
        ...content,
        profileVersion: profile.profile.version,
        // Translations made before this edit no longer match the source (language gate).
        contentVersion: request.contentVersion + 1,
        editorIds: [...new Set([...request.editorIds, principal.userId])],
        ...(requested ? { requestedAgencyId: requested.id, requestedStateCode: requested.stateCode } : {}),
      });
      await this.audit.append(manager, {
        action: 'request.update',
        outcome: 'success',
        actor: auditActor(principal),
        target: { type: 'request', id },
        requestId: id,
        // Which fields changed, never their content: the audit log holds no case data.
        data: { changedFields: changedFields(request, content, requested), fromVersion: request.version },
      });
      if (content.confidential !== request.confidential) {
        await this.audit.append(manager, {
          action: 'request.confidentiality_change',
          outcome: 'success',
          actor: auditActor(principal),
          target: { type: 'request', id },
          requestId: id,
          data: { from: request.confidential, to: content.confidential },
        });
      }
    });
  }

  /**
   * Records a telephone or oral request made before the written one (domain.md §6.6): the written
   * confirmation then falls due by the profile's deadline, and transmission meets it.
   */
  async recordOralContact(principal: Principal, id: string, dto: RecordOralContactDto): Promise<RequestDto> {
    return this.runAndView(principal, id, async (manager) => {
      const { request, standing } = await this.loadVisible(manager, principal, id);
      if (!standing.relations.has(PartyRelation.RequestingAgency)) {
        throw new ActionForbiddenError('edit', 'role_or_side');
      }
      const before: readonly RequestStatus[] = [
        RequestStatus.Draft,
        RequestStatus.PendingApproval,
        RequestStatus.Ready,
      ];
      if (!before.includes(request.status)) throw new NotEditableError(request.status);
      const contactedAt = new Date(dto.contactedAt);
      const now = this.clock.now();
      if (contactedAt.getTime() > now.getTime()) {
        throw ValidationFailedError.field('contactedAt', 'contactedAt is in the future');
      }
      const contact = manager.create(RequestOralContactEntity, {
        requestId: id,
        counterpart: dto.counterpart,
        contactedAt,
        summary: dto.summary,
        recordedById: principal.userId,
        recordedAt: now,
      });
      await manager.insert(RequestOralContactEntity, contact);
      const rules = (await this.pinnedProfile(manager, request)).profile.requestTypes[request.type];
      if (rules) await this.deadlines.start(manager, request, rules, 'oral_contact', contactedAt);
      await this.audit.append(manager, {
        action: 'request.oral_contact',
        outcome: 'success',
        actor: auditActor(principal),
        target: { type: 'request', id },
        requestId: id,
        // When, not what: the summary is case content.
        data: { oralContactId: contact.id, contactedAt: contactedAt.toISOString() },
      });
    });
  }

  private async oralContactsOf(manager: EntityManager, requestId: string): Promise<OralContactDto[]> {
    const rows = await manager.find(RequestOralContactEntity, {
      where: { requestId },
      order: { contactedAt: 'ASC', id: 'ASC' },
    });
    const people = await findByIds(
      manager,
      UserEntity,
      rows.map((row) => row.recordedById),
    );
    return rows.map((row) => ({
      id: row.id,
      counterpart: row.counterpart,
      contactedAt: row.contactedAt.toISOString(),
      summary: row.summary,
      recordedBy: { id: row.recordedById, displayName: people.get(row.recordedById)?.displayName ?? '' },
      recordedAt: row.recordedAt.toISOString(),
    }));
  }

  /** The requested side records an extension of a running preservation period (scenario 3). */
  async extendPreservation(principal: Principal, id: string): Promise<RequestDto> {
    return this.runAndView(principal, id, async (manager) => {
      const { request, standing } = await this.loadVisible(manager, principal, id);
      const decides =
        standing.relations.has(PartyRelation.RequestedAgency) &&
        (principal.role === Role.CentralAuthorityOfficer || principal.role === Role.ContactPointOperator);
      if (!decides) throw new ActionForbiddenError('extend_preservation', 'role_or_side');
      const profile = await this.pinnedProfile(manager, request);
      const rules = profile.profile.requestTypes[request.type];
      if (!rules) throw new Error(`request ${id} has no rules in its profile`);
      const { from, to } = await this.deadlines.extendPreservation(manager, request, rules, this.clock.now());
      await this.audit.append(manager, {
        action: 'request.preservation_extended',
        outcome: 'success',
        actor: auditActor(principal),
        target: { type: 'request', id },
        requestId: id,
        data: { from: from.toISOString(), to: to.toISOString() },
      });
    });
  }

  /** The requesting supervisor records the post-event review of an executed emergency request. */
  async recordEmergencyReview(
    principal: Principal,
    id: string,
    dto: RecordEmergencyReviewDto,
  ): Promise<RequestDto> {
    return this.runAndView(principal, id, async (manager) => {
      const { request, standing } = await this.loadVisible(manager, principal, id);
      const reviews =
        standing.relations.has(PartyRelation.RequestingAgency) && principal.role === Role.Supervisor;
      if (!reviews) throw new ActionForbiddenError('emergency_review', 'role_or_side');
      await this.emergency.recordReview(manager, principal, request, dto, this.clock.now());
    });
  }

  async transition(
    principal: Principal,
    id: string,
    dto: TransitionDto,
    ifMatch: number | undefined,
  ): Promise<RequestDto> {
    return this.runAndView(principal, id, async (manager) => {
      const { request, standing } = await this.loadVisible(manager, principal, id);
      const rule = transitionFor(dto.action);
      if (!rule.from.includes(request.status) || !appliesTo(rule, request.type)) {
        throw new InvalidTransitionError(
          request.status,
          dto.action,
          allowedActions(request.status, standing, request.type),
        );
      }
      if (!actorMayFire(rule, standing))
        throw new ActionForbiddenError(dto.action, forbiddenBecause(rule, standing));
      const profile = await this.pinnedProfile(manager, request);
      const rules = profile.profile.requestTypes[request.type];
      // What the profile requires is checked again whenever content leaves its author or its state.
      const sendsContent =
        rule.action === RequestAction.Submit ||
        rule.action === RequestAction.Transmit ||
        rule.action === RequestAction.ApproveAnswer;
      if (sendsContent) checkAgainstProfile(profile, request.type, request);
      checkTransitionInputs(rule, request.type, dto, rules);
      if (rule.action === RequestAction.Refuse && dto.grounds)
        this.offences.checkRefusalGrounds(profile.profile, request, dto.grounds);
      if (rule.action === RequestAction.Transmit) await this.requireActiveParties(manager, request);
      if (rule.action === RequestAction.Transmit || rule.action === RequestAction.ApproveAnswer)
        await this.languageGate.require(manager, request, profile.profile);
      if (ifMatch !== undefined && ifMatch !== request.version)
        throw new PreconditionFailedError(request.version);

      const now = this.clock.now();
      // Approved in a language the requested state does not take: it waits for the translation (T3).
      const to =
        rule.untranslatedTo && !(await this.languageGate.satisfied(manager, request, profile.profile))
          ? rule.untranslatedTo
          : rule.to;
      const effects = await this.lifecycleEffects(manager, principal, request, rule, dto, rules, now);
      await this.conditionalUpdate(
        manager,
        request,
        { status: to, ...milestones(rule.action, principal, now, dto), ...effects.changes },
        now,
      );
      const event = deadlineEvent(rule, request);
      if (rules && event) await this.deadlines.start(manager, request, rules, event, now);
      if (rule.action === RequestAction.Transmit) await this.links.onTransmitted(manager, request, now);
      // The written request has gone out: any confirmation an oral contact was waiting for is given.
      if (rule.action === RequestAction.Transmit)
        await this.deadlines.meet(manager, id, 'written_confirmation', now);
      if (rule.action === RequestAction.Transmit)
        await this.records.recordSent(manager, request, principal.userId, now);
      // An offer of spontaneous information goes out with the conditions its sender asks for (BUD 26(2)).
      if (rule.action === RequestAction.Transmit && OFFER_TYPES.includes(request.type))
        await this.records.proposeConditions(
          manager,
          request.id,
          offeredConditions(request),
          principal.userId,
          now,
        );
      await this.deadlines.settle(manager, id, to, now);
      // The emergency track (domain.md §6.6) follows transitions without being part of the table.
      await this.emergency.afterTransition(manager, request, rule.action, rules, now);
      const message =
        effects.message ??
        (rule.recordsMessage && dto.reason
          ? { kind: rule.recordsMessage, body: dto.reason, authorId: principal.userId }
          : undefined);
      // Not always the caller's words: an approved clarification answer stays its writer's message.
      const written =
        message &&
        (await writeMessage(
          manager,
          { userId: message.authorId, agencyId: principal.agencyId },
          id,
          message.kind,
          message.body,
          now,
        ));
      const entryId = await this.audit.append(manager, {
        action: `request.${dto.action}`,
        outcome: 'success',
        actor: auditActor(principal),
        target: { type: 'request', id },
        requestId: id,
        data: {
          from: request.status,
          to,
          version: request.version + 1,
          ...(dto.grounds ? { grounds: dto.grounds } : {}),
          // Reasons are recorded (they justify the decision); message text lives in its message.
          // A clarification answer is case content, held for approval: never in the audit log.
          ...(dto.reason &&
          !rule.recordsMessage &&
          !effects.message &&
          rule.action !== RequestAction.SubmitAnswer
            ? { reason: dto.reason }
            : {}),
          ...(dto.consultationSkippedReason
            ? { consultationSkippedReason: dto.consultationSkippedReason }
            : {}),
          ...(written ? { messageId: written.id } : {}),
          ...effects.audit,
        },
      });
      // T5 records a transmission receipt: signed, with the log checkpoint covering this entry.
      if (rule.action === RequestAction.Transmit)
        this.receipts.issue(manager, principal, request, entryId, now);
      await this.listeners.notify(manager, { principal, request, action: rule.action, to, now });
    });
  }

  /**
   * What the deeper lifecycle (domain.md §6.2) records besides the status: the routing, the
   * clarification round, the consultation, the conditions, the postponement and the outcome of each
   * item. Guards that depend on the request's record rather than on the table are checked here too.
   */
  private async lifecycleEffects(
    manager: EntityManager,
    principal: Principal,
    request: CooperationRequestEntity,
    rule: TransitionRule,
    dto: TransitionDto,
    rules: RequestTypeRules | undefined,
    now: Date,
  ): Promise<{
    changes: Partial<CooperationRequestEntity>;
    audit: Record<string, unknown>;
    message?: { kind: MessageKind; body: string; authorId: string };
  }> {
    // A consultation counts while it is open: one held before an earlier decision does not cover
    // a later refusal or postponement.
    const consulting = request.status === RequestStatus.InConsultation;
    if (rule.needsConsultation && !consulting && !dto.consultationSkippedReason) {
      throw ValidationFailedError.field(
        'consultationSkippedReason',
        `to ${rule.action} without a consultation first (start_consultation), record why none was appropriate`,
      );
    }
    const consultationOutcome: ConsultationOutcome = consulting
      ? { held: true }
      : { held: false, skippedBecause: dto.consultationSkippedReason ?? '' };
    const clarification = request.clarification;
    const waited = (): number =>
      (clarification?.waitedSeconds ?? 0) +
      (clarification?.openedAt ? Math.round((now.getTime() - Date.parse(clarification.openedAt)) / 1000) : 0);
    switch (rule.action) {
      case RequestAction.Assess: {
        const executing = dto.executingAgencyId
          ? await this.executingAgency(manager, request, dto.executingAgencyId)
          : undefined;
        return {
          changes: { executingAgencyId: executing?.id ?? null },
          audit: executing ? { executingAgencyId: executing.id } : {},
        };
      }
      case RequestAction.RequestClarification: {
        const items = (dto.clarificationItems ?? []).map(({ field, question }) => ({ field, question }));
        return {
          changes: {
            clarification: {
              round: (clarification?.round ?? 0) + 1,
              openedAt: now.toISOString(),
              askedAboutVersion: request.contentVersion,
              items,
              waitedSeconds: clarification?.waitedSeconds ?? 0,
              pendingAnswer: null,
            },
          },
          audit: { round: (clarification?.round ?? 0) + 1, fields: items.map((item) => item.field) },
        };
      }
      case RequestAction.AnswerClarification: {
        if (clarification && request.contentVersion !== clarification.askedAboutVersion) {
          // T9: an answer that changed the request goes out only with its supervisor's approval.
          throw new ReapprovalRequiredError(clarification.askedAboutVersion, request.contentVersion);
        }
        return {
          changes: {
            clarification: clarification && { ...clarification, openedAt: null, waitedSeconds: waited() },
          },
          audit: { round: clarification?.round ?? 0 },
        };
      }
      case RequestAction.SubmitAnswer:
        if (!clarification) throw new Error(`request ${request.id} has no clarification round`);
        return {
          changes: {
            clarification: {
              ...clarification,
              pendingAnswer: { text: dto.reason ?? '', byId: principal.userId, at: now.toISOString() },
            },
          },
          audit: { round: clarification.round, contentVersion: request.contentVersion },
        };
      case RequestAction.ReturnAnswer:
        if (!clarification) throw new Error(`request ${request.id} has no clarification round`);
        return { changes: { clarification: { ...clarification, pendingAnswer: null } }, audit: {} };
      case RequestAction.ApproveAnswer: {
        const pending = clarification?.pendingAnswer;
        if (!clarification || !pending) throw new Error(`request ${request.id} has no answer to approve`);
        // Four-eyes: whoever wrote the answer does not approve it either.
        if (pending.byId === principal.userId)
          throw new ActionForbiddenError(rule.action, 'author_may_not_approve');
        // The new version is what the requested side now holds.
        await this.records.recordSent(manager, request, principal.userId, now);
        return {
          changes: {
            clarification: { ...clarification, openedAt: null, pendingAnswer: null, waitedSeconds: waited() },
          },
          audit: { round: clarification.round, contentVersion: request.contentVersion },
          message: { kind: MessageKind.ClarificationResponse, body: pending.text, authorId: pending.byId },
        };
      }
      case RequestAction.StartConsultation:
        return {
          changes: {
            consultation: {
              openedAt: now.toISOString(),
              openedById: principal.userId,
              grounds: dto.grounds ?? [],
              openedFrom: request.status,
            },
          },
          audit: {},
        };
      case RequestAction.ProposeConditions: {
        const ids = await this.records.proposeConditions(
          manager,
          request.id,
          dto.conditions ?? [],
          principal.userId,
          now,
        );
        return {
          changes: {},
          audit: { conditionIds: ids, conditionTypes: (dto.conditions ?? []).map((c) => c.type) },
        };
      }
      case RequestAction.AcceptConditions:
      case RequestAction.RejectConditions:
      case RequestAction.AcceptOffer:
      case RequestAction.CannotComply: {
        // Accepting binds the side that receives the material: the requesting side to conditions
        // offered in consultation, the receiver of an offer to its sender's conditions.
        const accepts =
          rule.action === RequestAction.AcceptConditions || rule.action === RequestAction.AcceptOffer;
        const decided = await this.records.decideConditions(
          manager,
          request.id,
          accepts ? ConditionStatus.Accepted : ConditionStatus.Rejected,
          principal.userId,
          now,
        );
        return { changes: {}, audit: { conditionsDecided: decided } };
      }
      case RequestAction.ProvideInformation:
        // BUD 26(2): the sender may provide it although the receiver cannot comply; recorded as such.
        return {
          changes: {},
          audit: { despiteCannotComply: request.status === RequestStatus.RecipientCannotComply },
        };
      case RequestAction.Refuse:
        return {
          changes: {
            refusal: {
              grounds: dto.grounds ?? [],
              reason: dto.reason ?? '',
              consultation: consultationOutcome,
            },
          },
          audit: { consultationHeld: consultationOutcome.held },
        };
      case RequestAction.Postpone: {
        // Postponement defers execution: from a consultation only if the request had been accepted.
        const openedFrom = request.consultation?.openedFrom;
        if (consulting && openedFrom !== RequestStatus.Accepted && openedFrom !== RequestStatus.InExecution) {
          throw new InvalidTransitionError(
            request.status,
            rule.action,
            allowedActions(request.status, standingOf(principal, request), request.type).filter(
              (action) => action !== RequestAction.Postpone,
            ),
          );
        }
        const expectedResumeAt = new Date(dto.expectedResumeAt ?? '');
        if (!(expectedResumeAt.getTime() > now.getTime())) {
          throw ValidationFailedError.field('expectedResumeAt', 'expectedResumeAt must be in the future');
        }
        return {
          changes: {
            postponement: {
              grounds: dto.grounds ?? [],
              reason: dto.reason ?? '',
              expectedResumeAt: expectedResumeAt.toISOString(),
              postponedAt: now.toISOString(),
              consultation: consultationOutcome,
              resumedAt: null,
              resumeNote: null,
            },
          },
          audit: {
            expectedResumeAt: expectedResumeAt.toISOString(),
            consultationHeld: consultationOutcome.held,
          },
        };
      }
      case RequestAction.Resume:
        if (!request.postponement) throw new Error(`request ${request.id} has no postponement`);
        return {
          changes: {
            postponement: {
              ...request.postponement,
              resumedAt: now.toISOString(),
              resumeNote: dto.reason ?? null,
            },
          },
          audit: {},
        };
      case RequestAction.MarkPartiallyExecuted: {
        const outcomes = checkItemOutcomes(request, dto.itemOutcomes ?? [], rules?.refusalGrounds ?? []);
        return {
          changes: { itemOutcomes: outcomes },
          audit: {
            itemOutcomes: outcomes.map(({ item, outcome, groundCode }) => ({ item, outcome, groundCode })),
          },
        };
      }
      case RequestAction.MarkExecuted:
        return {
          changes: {
            itemOutcomes: requestedItems(request).map((item) => ({
              item,
              outcome: ItemOutcomeKind.Executed,
            })),
          },
          audit: {},
        };
      case RequestAction.Withdraw: {
        // Nothing stays pending on a withdrawn request: conditions on offer lapse with it, and the
        // clarification clock stops.
        await this.records.decideConditions(
          manager,
          request.id,
          ConditionStatus.Rejected,
          principal.userId,
          now,
        );
        return {
          changes: clarification?.openedAt
            ? {
                clarification: {
                  ...clarification,
                  openedAt: null,
                  pendingAnswer: null,
                  waitedSeconds: waited(),
                },
              }
            : {},
          audit: {},
        };
      }
      default:
        return { changes: {}, audit: {} };
    }
  }

  /** The agency a central authority routes a request to: an active agency of its own state. */
  private async executingAgency(
    manager: EntityManager,
    request: CooperationRequestEntity,
    executingAgencyId: string,
  ): Promise<AgencyEntity> {
    const agency = await manager.findOne(AgencyEntity, {
      where: { id: executingAgencyId },
      lock: { mode: 'for_key_share' },
    });
    const problem = !agency
      ? 'no agency in the directory has this id'
      : agency.stateCode !== request.requestedStateCode
        ? 'the executing agency must belong to the requested state'
        : agency.deactivatedAt !== null
          ? 'the executing agency has been deactivated'
          : undefined;
    if (!agency || problem) throw ValidationFailedError.field('executingAgencyId', problem ?? 'invalid');
    return agency;
  }

  /** Loads a request the caller can see, or answers 404 exactly as if it did not exist. */
  async loadVisible(
    manager: EntityManager,
    principal: Principal,
    id: string,
    lock?: 'share',
  ): Promise<{ request: CooperationRequestEntity; standing: ActorStanding }> {
    // FOR SHARE holds off a concurrent transition (e.g. close) until the caller's transaction ends.
    const request = await manager.findOne(CooperationRequestEntity, {
      where: { id },
      ...(lock ? { lock: { mode: 'pessimistic_read' as const } } : {}),
    });
    if (!request) throw new RequestNotFoundError();
    const standing = standingOf(principal, request);
    if (standing.relations.size === 0) throw new RequestNotFoundError();
    if (needsAssignment(principal, request) && !(await this.ledger.holds(manager, principal, id)))
      throw new RequestNotFoundError();
    return { request, standing };
  }

  /** The rows of `entity` kept for a request the caller can see (404 otherwise), in `order`. */
  async listOf<Row extends { requestId: string }>(
    principal: Principal,
    requestId: string,
    entity: EntityTarget<Row>,
    order: FindOptionsOrder<Row>,
  ): Promise<Row[]> {
    const manager = this.dataSource.manager;
    await this.loadVisible(manager, principal, requestId);
    return manager.find(entity, { where: { requestId } as FindOptionsWhere<Row>, order });
  }

  /** The visibility rule as a lookup: the request if the caller may see it, undefined otherwise. */
  private canSee(principal: Principal): CanSee {
    return async (manager, id) => {
      try {
        return (await this.loadVisible(manager, principal, id)).request;
      } catch (error) {
        if (error instanceof RequestNotFoundError) return undefined;
        throw error;
      }
    };
  }

  /** Optimistic concurrency: the write lands only if nobody changed the row since it was read. */
  private async conditionalUpdate(
    manager: EntityManager,
    request: CooperationRequestEntity,
    changes: Partial<CooperationRequestEntity>,
    now = new Date(),
  ): Promise<void> {
    const result = await manager
      .createQueryBuilder()
      .update(CooperationRequestEntity)
      .set({ ...changes, version: () => 'version + 1', updatedAt: now })
      .where('id = :id AND version = :version', { id: request.id, version: request.version })
      .execute();
    if (result.affected !== 1) throw new VersionConflictError();
  }

  private async counterpart(
    manager: EntityManager,
    principal: Principal,
    type: RequestType,
    requestedAgencyId: string,
  ): Promise<AgencyEntity> {
    // FOR KEY SHARE waits for a deactivation under way (it holds the row FOR UPDATE) and then reads
    // its outcome, so no request reaches an agency in the instant it leaves the portal.
    const agency = await manager.findOne(AgencyEntity, {
      where: { id: requestedAgencyId },
      lock: { mode: 'for_key_share' },
    });
    const problem = !agency
      ? 'no agency in the directory has this id'
      : agency.deactivatedAt !== null
        ? 'the requested agency has been deactivated and receives no new requests'
        : agency.stateCode === principal.stateCode
          ? 'the requested agency must belong to another state'
          : !(RECEIVING_AGENCY_KINDS[type] as readonly string[]).includes(agency.kind)
            ? `a ${type} request goes to an agency of kind ${RECEIVING_AGENCY_KINDS[type].join(' or ')}`
            : undefined;
    if (!agency || problem) throw ValidationFailedError.field('requestedAgencyId', problem ?? 'invalid');
    return agency;
  }

  /** The profile version the request was made under. */
  private async pinnedProfile(
    manager: EntityManager,
    request: CooperationRequestEntity,
  ): Promise<ProfileVersion> {
    const profile = await this.profiles.version(manager, request.legalBasis, request.profileVersion);
    if (!profile) throw new Error(`request ${request.id} names a missing profile version`);
    return profile;
  }

  /** A request approved before either party left the portal stays with the sender, who withdraws it. */
  private async requireActiveParties(
    manager: EntityManager,
    request: CooperationRequestEntity,
  ): Promise<void> {
    const parties = await manager.find(AgencyEntity, {
      where: [{ id: request.requestingAgencyId }, { id: request.requestedAgencyId }],
      lock: { mode: 'for_key_share' },
    });
    if (parties.some((agency) => agency.deactivatedAt !== null)) {
      throw new ActionForbiddenError(RequestAction.Transmit, 'party_agency_inactive');
    }
  }

  private async toDto(
    manager: EntityManager,
    stored: CooperationRequestEntity,
    standing: ActorStanding,
    principal: Principal,
  ): Promise<RequestDto> {
    let request = stored;
    const agencies = await findByIds(manager, AgencyEntity, [
      request.requestingAgencyId,
      request.requestedAgencyId,
      ...(request.executingAgencyId ? [request.executingAgencyId] : []),
    ]);
    const author = await manager.findOneByOrFail(UserEntity, { id: request.createdById });
    const requestedSide = sideOfCaller(standing.relations) === 'requested';
    // While the requesting side prepares an answer, the requested side keeps what it was sent.
    if (requestedSide && answerInPreparation(stored)) {
      request = asSeenBy(
        stored,
        standing,
        (await this.records.latestSent(manager, [stored.id])).get(stored.id),
      );
    }
    const deadlines = ((await this.deadlines.forRequests(manager, [request.id])).get(request.id) ?? []).map(
      (deadline) =>
        this.deadlines.toDto(
          deadline,
          agencies.get(request.requestingAgencyId)!,
          agencies.get(request.requestedAgencyId)!,
        ),
    );
    return {
      ...summarise(
        request,
        standing,
        agencies,
        deadlines.find((deadline) => deadline.status === 'open') ?? null,
      ),
      createdBy: { id: author.id, displayName: author.displayName },
      urgency: request.urgency,
      offences: request.offences,
      factsSummary: request.factsSummary,
      assistanceSought: request.assistanceSought,
      purpose: request.purpose,
      subjects: request.subjects,
      targets: request.targets,
      timeRange: request.timeRange,
      confidentiality: request.confidentiality,
      preservation: request.preservation,
      details: request.details,
      refusal: request.refusal,
      executingAgency: request.executingAgencyId
        ? toAgencyDto(agencies.get(request.executingAgencyId)!)
        : null,
      clarification: clarificationView(request, requestedSide, this.clock.now()),
      consultation: request.consultation && {
        openedAt: request.consultation.openedAt,
        grounds: request.consultation.grounds,
      },
      conditions: await this.records.conditions(manager, request.id),
      postponement: request.postponement,
      requestedItems: requestedItems(request),
      itemOutcomes: request.itemOutcomes,
      // Internal milestones of the requesting side are not shown to the requested side.
      submittedAt: requestedSide ? null : (request.submittedAt?.toISOString() ?? null),
      approvedAt: requestedSide ? null : (request.approvedAt?.toISOString() ?? null),
      transmittedAt: request.transmittedAt?.toISOString() ?? null,
      links: await this.links.of(manager, request.id, this.canSee(principal)),
      oralContacts: await this.oralContactsOf(manager, request.id),
      // The requesting side's own review of its emergency request.
      emergencyReview: requestedSide ? null : await this.emergency.reviewOf(manager, request.id),
      deadlines,
    };
  }

  /** The open deadline that falls due first (rows come earliest first), on both agencies' clocks. */
  private nextDeadline(
    request: CooperationRequestEntity,
    deadlines: RequestDeadlineEntity[],
    agencies: Map<string, AgencyEntity>,
  ): DeadlineDto | null {
    const next = deadlines.find((deadline) => deadline.status === 'open');
    return next
      ? this.deadlines.toDto(
          next,
          agencies.get(request.requestingAgencyId)!,
          agencies.get(request.requestedAgencyId)!,
        )
      : null;
  }
}

const DAY_SECONDS = 86_400;

/** The conditions an offer of spontaneous information proposes in its own fields. */
function offeredConditions(request: CooperationRequestEntity): UseCondition[] {
  const proposed = request.details?.['proposedConditions'];
  if (!Array.isArray(proposed)) return [];
  return (proposed as UseCondition[]).map(({ type, text }) => ({ type, text }));
}

function clarificationView(
  request: CooperationRequestEntity,
  requestedSide: boolean,
  now: Date,
): ClarificationDto | null {
  const state = request.clarification;
  if (!state) return null;
  const open = state.openedAt ? Math.max(0, (now.getTime() - Date.parse(state.openedAt)) / 1000) : 0;
  return {
    rounds: state.round,
    open: state.openedAt !== null,
    openedAt: state.openedAt,
    items: state.items,
    daysWaitingOnRequestingSide: Math.round(((state.waitedSeconds + open) / DAY_SECONDS) * 100) / 100,
    // Whether the requesting supervisor has yet to approve is the requesting side's own business.
    answerAwaitingApproval: !requestedSide && state.pendingAnswer !== null,
    // The supervisor approves what they can read; the requested side sees it only once approved.
    pendingAnswer:
      !requestedSide && state.pendingAnswer
        ? {
            text: state.pendingAnswer.text,
            writtenById: state.pendingAnswer.byId,
            writtenAt: state.pendingAnswer.at,
          }
        : null,
  };
}

/** The requesting side is changing the request to answer a question; nothing of it has gone out yet. */
function answerInPreparation(request: CooperationRequestEntity): boolean {
  return (
    request.status === RequestStatus.ClarificationRequested ||
    request.status === RequestStatus.AnswerPendingApproval
  );
}

/**
 * The request as its reader may see it: the requested side sees, until the requesting supervisor
 * approves an answer that changed it, the content last sent and the question still open.
 */
function asSeenBy(
  request: CooperationRequestEntity,
  standing: ActorStanding,
  lastSent: { contentVersion: number; content: RequestContent } | undefined,
): CooperationRequestEntity {
  if (sideOfCaller(standing.relations) !== 'requested' || !answerInPreparation(request)) return request;
  return Object.assign(
    Object.create(Object.getPrototypeOf(request) as object) as CooperationRequestEntity,
    request,
    {
      ...(lastSent ? { ...lastSent.content, contentVersion: lastSent.contentVersion } : {}),
      status: RequestStatus.ClarificationRequested,
    },
  );
}

function summarise(
  request: CooperationRequestEntity,
  standing: ActorStanding,
  agencies: Map<string, AgencyEntity>,
  nextDeadline: DeadlineDto | null,
): RequestSummaryDto {
  const agency = (id: string): AgencyEntity => {
    const found = agencies.get(id);
    if (!found) throw new Error(`Agency ${id} of request ${request.id} is missing`);
    return found;
  };
  return {
    id: request.id,
    reference: request.reference,
    title: request.title,
    type: request.type,
    legalBasis: request.legalBasis,
    profileVersion: request.profileVersion,
    status: request.status,
    version: request.version,
    urgencyLevel: request.urgency.level,
    confidential: request.confidential,
    language: request.language,
    contentVersion: request.contentVersion,
    requestingAgency: toAgencyDto(agency(request.requestingAgencyId)),
    requestedAgency: toAgencyDto(agency(request.requestedAgencyId)),
    allowedActions: allowedActions(request.status, standing, request.type),
    nextDeadline,
    createdAt: request.createdAt.toISOString(),
    updatedAt: request.updatedAt.toISOString(),
  };
}

/** The top-level fields whose stored value a PATCH actually changes (sent but equal ones are not). */
function changedFields(
  before: CooperationRequestEntity,
  after: RequestContent,
  requested: AgencyEntity | undefined,
): string[] {
  const fields: string[] = (Object.keys(after) as Array<keyof RequestContent>).filter(
    (field) => canonicalJson(before[field] ?? null) !== canonicalJson(after[field] ?? null),
  );
  if (requested && requested.id !== before.requestedAgencyId) fields.push('requestedAgencyId');
  return fields.sort();
}

function forbiddenBecause(
  rule: TransitionRule,
  standing: ActorStanding,
): 'role_or_side' | 'author_may_not_approve' {
  const wouldOtherwise = actorMayFire({ ...rule, notByAuthor: false }, standing);
  return rule.notByAuthor && standing.isAuthor && wouldOtherwise ? 'author_may_not_approve' : 'role_or_side';
}

/** The facts a transition stamps on the request besides its status. */
function milestones(
  action: RequestAction,
  principal: Principal,
  now: Date,
  dto: TransitionDto,
): Partial<CooperationRequestEntity> {
  switch (action) {
    case RequestAction.Submit:
      return { submittedAt: now };
    case RequestAction.Approve:
      return { approvedAt: now, approvedById: principal.userId };
    // Back with its author: the central authority no longer sees it until it is approved again.
    case RequestAction.ReturnToDraft:
      return { approvedAt: null, approvedById: null };
    case RequestAction.Transmit:
      return { transmittedAt: now };
    case RequestAction.Refuse:
      return { refusal: { grounds: dto.grounds ?? [], reason: dto.reason ?? '' } };
    default:
      return {};
  }
}

/**
 * The request's legal basis must provide for its type, and the content must hold every field the
 * profile makes mandatory: a 400 naming each missing one, and the profile version that asks for it.
 */
function checkAgainstProfile(
  { profile }: ProfileVersion,
  type: RequestType,
  content: Parameters<typeof missingMandatoryFields>[0],
): void {
  const rules = profile.requestTypes[type];
  if (!rules) {
    throw ValidationFailedError.field(
      'legalBasis',
      `the ${profile.legalBasis} profile (version ${profile.version}) does not provide for ${type} requests`,
    );
  }
  const missing = missingMandatoryFields(content, rules.mandatoryFields);
  if (missing.length > 0) {
    throw new ValidationFailedError(
      missing.map((field) => ({
        field,
        messages: [`${field} is required by the ${profile.legalBasis} profile (version ${profile.version})`],
      })),
      `Missing fields the ${profile.legalBasis} profile requires: ${missing.join(', ')}`,
    );
  }
}

/** The profile event a transition starts deadlines at (domain.md §6.3 "Start" column), if any. */
function deadlineEvent(rule: TransitionRule, request: CooperationRequestEntity): string | undefined {
  if (rule.action === RequestAction.Transmit) return 'transmitted';
  // Preservation runs from the requested side's confirmation, which its acceptance is (BUD 29(7)),
  // with or without conditions; a deadline starts once, so a later acceptance does not restart it.
  if (rule.to === RequestStatus.Accepted && request.type === RequestType.Preservation)
    return 'preservation_confirmed';
  return undefined;
}
