import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import {
  AgencyKind,
  ErrorCode,
  LinkRelation,
  MessageKind,
  PartyRelation,
  RequestStatus,
  RequestType,
  Role,
  isActor,
  type TransitionActor,
} from '@mla/contracts';
import { Clock } from '../../../common/clock';
import { DomainError, ValidationFailedError } from '../../../common/errors/domain-error';
import { findByIds } from '../../../database/find-by-ids';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { auditActor, type Principal } from '../../auth/principal';
import { AgencyEntity } from '../../directory/agency.entity';
import { StateEntity } from '../../directory/state.entity';
import { UserEntity } from '../../users/user.entity';
import { acceptedRequestConditions, mergeConditions } from '../consents/travelling-conditions';
import type { CooperationRequestEntity } from '../cooperation-request.entity';
import type { CreateRequestDto } from '../dto/create-request.dto';
import { writeMessage } from '../request-messages';
import { ActionForbiddenError } from '../requests.errors';
import { RequestsService } from '../requests.service';
import { RequestTrafficDisclosureEntity } from './request-traffic-disclosure.entity';
import type {
  DiscloseTrafficDto,
  PreservationDraftDto,
  TrafficDisclosureDto,
  TrafficDisclosureListDto,
} from './traffic-disclosure.dto';

/** Whoever carries out the preservation on the requested side (BUD 30(1): POC or CA). */
const DISCLOSERS: readonly TransitionActor[] = [
  {
    relation: PartyRelation.RequestedAgency,
    roles: [Role.ContactPointOperator, Role.CentralAuthorityOfficer, Role.ExecutingOfficer],
  },
  { relation: PartyRelation.ExecutingAgency, roles: [Role.ExecutingOfficer] },
];
/** Who prepares the next preservation on the requesting side. */
const PREPARERS: readonly TransitionActor[] = [
  {
    relation: PartyRelation.RequestingAgency,
    roles: [Role.LiaisonOfficer, Role.Supervisor, Role.ContactPointOperator],
  },
];
/** A preservation being carried out: confirmed (accepted) and not yet over. */
const PRESERVING: readonly RequestStatus[] = [RequestStatus.Accepted, RequestStatus.InExecution];

class DisclosureNotAllowedError extends DomainError {
  readonly code = ErrorCode.RequestDisclosureNotAllowed;
  constructor(type: RequestType, status: RequestStatus) {
    super(
      `Traffic data is disclosed from a preservation being carried out; this is a ${type} request, ${status}`,
      { type, status },
    );
  }
}

class DisclosureNotFoundError extends DomainError {
  readonly code = ErrorCode.RequestDisclosureNotFound;
  constructor(disclosureId: string) {
    super('This request has no such traffic disclosure', { disclosureId });
  }
}

/**
 * Expedited disclosure of preserved traffic data (domain.md §5.3; BUD 30; UNCC 43; scenario 2):
 * the requested side names the provider in a third state and the path, and the requesting side
 * gets a preservation request to that state, filled in from both, to review and send.
 */
@Injectable()
export class TrafficDisclosuresService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly requests: RequestsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async disclose(
    principal: Principal,
    requestId: string,
    dto: DiscloseTrafficDto,
  ): Promise<TrafficDisclosureDto> {
    const row = await this.transactions.run(async (manager) => {
      const { request, standing } = await this.requests.loadVisible(manager, principal, requestId, 'share');
      if (!isActor(DISCLOSERS, standing)) throw new ActionForbiddenError('disclose_traffic', 'role_or_side');
      if (request.type !== RequestType.Preservation || !PRESERVING.includes(request.status)) {
        throw new DisclosureNotAllowedError(request.type, request.status);
      }
      const state = await manager.findOneBy(StateEntity, { code: dto.providerStateCode });
      if (!state)
        throw ValidationFailedError.field('providerStateCode', 'no state in the directory has this code');
      if (state.code === request.requestedStateCode) {
        throw ValidationFailedError.field(
          'providerStateCode',
          'the disclosure names a provider in another state than the one preserving the data',
        );
      }
      const now = this.clock.now();
      const disclosure = manager.create(RequestTrafficDisclosureEntity, {
        id: randomUUID(),
        requestId,
        providerName: dto.providerName,
        providerStateCode: state.code,
        pathDescription: dto.pathDescription,
        sufficiencyNote: dto.sufficiencyNote ?? null,
        // What the preservation was accepted under binds this data too, before anything added now.
        conditions: mergeConditions(
          await acceptedRequestConditions(manager, requestId),
          dto.conditions ?? [],
        ),
        disclosedById: principal.userId,
        disclosedAt: now,
      });
      await manager.insert(RequestTrafficDisclosureEntity, disclosure);
      await writeMessage(
        manager,
        principal,
        requestId,
        MessageKind.StatusUpdate,
        `Traffic data disclosed: the communication passed through ${dto.providerName} (${state.name}). ${dto.pathDescription}`,
        now,
      );
      await this.audit.append(manager, {
        action: 'request.traffic_disclosure',
        outcome: 'success',
        actor: auditActor(principal),
        target: { type: 'request', id: requestId },
        requestId,
        // Where, not what: the path is case content.
        data: { disclosureId: disclosure.id, providerStateCode: state.code },
      });
      return disclosure;
    });
    const [dto0] = await this.toDtos([row]);
    if (!dto0) throw new Error('disclosure vanished after insert');
    return dto0;
  }

  async list(principal: Principal, requestId: string): Promise<TrafficDisclosureListDto> {
    const rows = await this.requests.listOf(principal, requestId, RequestTrafficDisclosureEntity, {
      disclosedAt: 'ASC',
      id: 'ASC',
    });
    return { items: await this.toDtos(rows) };
  }

  /** The "one click" of scenario 2: a preservation to the provider's state, ready to review and send. */
  async preservationDraft(
    principal: Principal,
    requestId: string,
    disclosureId: string,
  ): Promise<PreservationDraftDto> {
    const manager = this.dataSource.manager;
    const { request, standing } = await this.requests.loadVisible(manager, principal, requestId);
    if (!isActor(PREPARERS, standing)) throw new ActionForbiddenError('prepare_preservation', 'role_or_side');
    const disclosure = await manager.findOneBy(RequestTrafficDisclosureEntity, {
      id: disclosureId,
      requestId,
    });
    if (!disclosure) throw new DisclosureNotFoundError(disclosureId);
    const receivers = await manager.find(AgencyEntity, {
      where: {
        stateCode: disclosure.providerStateCode,
        kind: In([AgencyKind.ContactPoint247, AgencyKind.CentralAuthority]),
      },
      order: { kind: 'DESC', code: 'ASC' },
    });
    // Preservation goes 24/7 point to 24/7 point by preference (domain.md §6.5).
    const receiver =
      receivers.find(
        (agency) => agency.kind === AgencyKind.ContactPoint247 && agency.deactivatedAt === null,
      ) ?? receivers.find((agency) => agency.deactivatedAt === null);
    const notes = [
      `Drawn from preservation ${request.reference} and the traffic data disclosed on ${disclosure.disclosedAt.toISOString()}.`,
      ...(receiver
        ? []
        : [
            `No active 24/7 point or central authority of ${disclosure.providerStateCode} is in the directory: choose the requested agency.`,
          ]),
      ...(disclosure.conditions.length > 0
        ? [
            `The disclosed data is bound by ${disclosure.conditions.map((c) => c.type).join(', ')}: check they allow its use in this request.`,
          ]
        : []),
    ];
    return { body: draftBody(request, disclosure, receiver?.id ?? ''), notes };
  }

  private async toDtos(rows: RequestTrafficDisclosureEntity[]): Promise<TrafficDisclosureDto[]> {
    const people = await findByIds(
      this.dataSource.manager,
      UserEntity,
      rows.map((row) => row.disclosedById),
    );
    return rows.map((row) => ({
      id: row.id,
      providerName: row.providerName,
      providerStateCode: row.providerStateCode,
      pathDescription: row.pathDescription,
      sufficiencyNote: row.sufficiencyNote,
      conditions: row.conditions,
      disclosedBy: { id: row.disclosedById, displayName: people.get(row.disclosedById)?.displayName ?? '' },
      disclosedAt: row.disclosedAt.toISOString(),
    }));
  }
}

/** The preservation request body: identifiers and time range as preserved, custodian the provider found. */
function draftBody(
  request: CooperationRequestEntity,
  disclosure: RequestTrafficDisclosureEntity,
  requestedAgencyId: string,
): CreateRequestDto {
  const zoned = (time: { local: string; timeZone: string }) => ({
    local: time.local,
    timeZone: time.timeZone,
  });
  return {
    type: RequestType.Preservation,
    requestedAgencyId,
    title: `Preserve data at ${disclosure.providerName} (${disclosure.providerStateCode})`,
    reference: request.reference,
    legalBasis: request.legalBasis,
    urgency: { ...request.urgency },
    offences: request.offences.map((offence) => ({ ...offence })),
    factsSummary: `${request.factsSummary}\n\nTraffic data disclosed by ${request.requestedStateCode}: ${disclosure.pathDescription}`,
    assistanceSought: { ...request.assistanceSought, measures: [...request.assistanceSought.measures] },
    purpose: request.purpose,
    subjects: request.subjects.map((subject) => ({ ...subject })),
    targets: request.targets.map(({ timestamp, ...target }) => ({
      ...target,
      ...(timestamp ? { timestamp: zoned(timestamp) } : {}),
    })),
    ...(request.timeRange
      ? { timeRange: { from: zoned(request.timeRange.from), to: zoned(request.timeRange.to) } }
      : {}),
    confidentiality: { ...request.confidentiality },
    confidential: request.confidential,
    language: request.language,
    links: [{ requestId: request.id, relation: LinkRelation.Related }],
    ...(request.preservation
      ? {
          preservation: {
            ...request.preservation,
            custodian: { provider: disclosure.providerName },
          },
        }
      : {}),
  };
}
