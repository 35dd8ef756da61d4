import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import {
  CONSENT_DECIDERS,
  ConsentDecision,
  ConsentKind,
  MessageKind,
  PERMISSIVE_CONSENT_DECISIONS,
  USE_ACTORS,
  type FieldError,
  type UseCondition,
} from '@mla/contracts';
import { Clock } from '../../../common/clock';
import { ValidationFailedError } from '../../../common/errors/domain-error';
import { findByIds } from '../../../database/find-by-ids';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { auditActor, type Principal } from '../../auth/principal';
import { StateEntity } from '../../directory/state.entity';
import { UserEntity } from '../../users/user.entity';
import type { CooperationRequestEntity } from '../cooperation-request.entity';
import { RequestsService } from '../requests.service';
import type {
  ConsentDto,
  ConsentListDto,
  DecideConsentDto,
  FurtherUseDto,
  FurtherUseListDto,
  OnwardTransferDto,
  OnwardTransferListDto,
  RecordFurtherUseDto,
  RecordOnwardTransferDto,
  RequestConsentInputDto,
} from './consent.dto';
import { ConsentAlreadyDecidedError, ConsentNotFoundError, ConsentRequiredError } from './consents.errors';
import { RequestConsentEntity } from './request-consent.entity';
import { RequestFurtherUseEntity } from './request-further-use.entity';
import { RequestOnwardTransferEntity } from './request-onward-transfer.entity';
import { travellingConditions } from './travelling-conditions';
import { writeMessage } from '../request-messages';
import { requireAcceptedOnce, requireActor } from './use-policy';

/**
 * Consent to further use and onward transfer (domain.md §8.2; scenario 16). The requesting side asks
 * once the requested side has accepted the request; the requested side decides once; a use is
 * recorded only under a granted or conditional consent that covers exactly it, and carries the
 * consent's conditions with it.
 */
@Injectable()
export class ConsentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly requests: RequestsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async list(principal: Principal, requestId: string): Promise<ConsentListDto> {
    const rows = await this.requests.listOf(principal, requestId, RequestConsentEntity, {
      requestedAt: 'ASC',
      id: 'ASC',
    });
    return { items: await this.toConsentDtos(this.dataSource.manager, rows) };
  }

  async requestConsent(
    principal: Principal,
    requestId: string,
    dto: RequestConsentInputDto,
  ): Promise<ConsentDto> {
    const consent = await this.transactions.run(async (manager) => {
      const { request, standing } = await this.requests.loadVisible(manager, principal, requestId, 'share');
      requireActor(USE_ACTORS, standing, 'request_consent');
      await this.checkSubject(manager, request, dto);
      await requireAcceptedOnce(manager, request);
      const now = this.clock.now();
      const onward = dto.kind === ConsentKind.OnwardTransfer;
      const row = manager.create(RequestConsentEntity, {
        requestId,
        kind: dto.kind,
        purpose: dto.purpose,
        legalBasis: dto.legalBasis,
        newProceeding: onward ? null : (dto.newProceeding ?? null),
        recipientStateCode: onward ? (dto.recipientStateCode ?? null) : null,
        recipientDescription: onward ? (dto.recipientDescription ?? null) : null,
        requestedById: principal.userId,
        requestedAt: now,
        decision: null,
        conditions: [],
        reasons: null,
        documentTitle: null,
        documentReference: null,
        decidedById: null,
        decidedAt: null,
      });
      await manager.insert(RequestConsentEntity, row);
      const { id: messageId } = await writeMessage(
        manager,
        principal,
        requestId,
        MessageKind.ConsentRequest,
        consentRequestText(row),
        now,
      );
      await this.audit.append(manager, {
        action: 'request.consent_requested',
        outcome: 'success',
        actor: auditActor(principal),
        target: { type: 'request', id: requestId },
        requestId,
        // What is asked and of whom; the purpose and proceeding are case content, kept in the message.
        data: {
          consentId: row.id,
          kind: row.kind,
          ...(row.recipientStateCode ? { recipientStateCode: row.recipientStateCode } : {}),
          messageId,
        },
      });
      return row;
    });
    const [dto_] = await this.toConsentDtos(this.dataSource.manager, [consent]);
    return dto_;
  }

  async decide(
    principal: Principal,
    requestId: string,
    consentId: string,
    dto: DecideConsentDto,
  ): Promise<ConsentDto> {
    const consent = await this.transactions.run(async (manager) => {
      const { standing } = await this.requests.loadVisible(manager, principal, requestId, 'share');
      requireActor(CONSENT_DECIDERS, standing, 'decide_consent');
      const conditions = checkDecision(dto);
      const existing = await manager.findOneBy(RequestConsentEntity, { id: consentId, requestId });
      if (!existing) throw new ConsentNotFoundError(consentId);
      if (existing.decision !== null) throw new ConsentAlreadyDecidedError(consentId, existing.decision);
      const now = this.clock.now();
      const decided = {
        decision: dto.decision,
        conditions,
        reasons: dto.reasons ?? null,
        documentTitle: dto.document?.title ?? null,
        documentReference: dto.document?.reference ?? null,
        decidedById: principal.userId,
        decidedAt: now,
      };
      // Decided once: the write lands only on a consent still undecided, whoever races for it.
      const result = await manager
        .createQueryBuilder()
        .update(RequestConsentEntity)
        .set(decided)
        .where({ id: consentId, decision: IsNull() })
        .execute();
      if (result.affected !== 1) {
        const current = await manager.findOneByOrFail(RequestConsentEntity, { id: consentId });
        throw new ConsentAlreadyDecidedError(consentId, current.decision ?? 'decided');
      }
      const row = { ...existing, ...decided };
      const { id: messageId } = await writeMessage(
        manager,
        principal,
        requestId,
        MessageKind.ConsentDecision,
        consentDecisionText(row),
        now,
      );
      await this.audit.append(manager, {
        action: 'request.consent_decided',
        outcome: 'success',
        actor: auditActor(principal),
        target: { type: 'request', id: requestId },
        requestId,
        data: {
          consentId,
          kind: row.kind,
          decision: row.decision,
          conditionTypes: conditions.map((condition) => condition.type),
          ...(row.documentReference ? { documentReference: row.documentReference } : {}),
          // Reasons justify a refusal, as on a refused request.
          ...(row.reasons ? { reasons: row.reasons } : {}),
          messageId,
        },
      });
      return row;
    });
    const [dto_] = await this.toConsentDtos(this.dataSource.manager, [consent]);
    return dto_;
  }

  async listOnwardTransfers(principal: Principal, requestId: string): Promise<OnwardTransferListDto> {
    const rows = await this.requests.listOf(principal, requestId, RequestOnwardTransferEntity, {
      recordedAt: 'ASC',
      id: 'ASC',
    });
    return { items: await this.toUseDtos(this.dataSource.manager, rows, toOnwardTransferDto) };
  }

  /** Records an onward transfer to a third state; 409 `request.consent_required` without consent for it. */
  async recordOnwardTransfer(
    principal: Principal,
    requestId: string,
    dto: RecordOnwardTransferDto,
  ): Promise<OnwardTransferDto> {
    const row = await this.transactions.run(async (manager) => {
      const { standing } = await this.requests.loadVisible(manager, principal, requestId, 'share');
      requireActor(USE_ACTORS, standing, 'record_onward_transfer');
      const consent = await this.permissiveConsent(
        manager,
        requestId,
        ConsentKind.OnwardTransfer,
        (candidate) => candidate.recipientStateCode === dto.recipientStateCode,
        { recipientStateCode: dto.recipientStateCode },
      );
      const transfer = manager.create(RequestOnwardTransferEntity, {
        requestId,
        consentId: consent.id,
        recipientStateCode: dto.recipientStateCode,
        recipientDescription: dto.recipientDescription,
        purpose: dto.purpose,
        conditions: await travellingConditions(manager, consent),
        recordedById: principal.userId,
        recordedAt: this.clock.now(),
      });
      await manager.insert(RequestOnwardTransferEntity, transfer);
      await this.audit.append(manager, {
        action: 'request.onward_transfer',
        outcome: 'success',
        actor: auditActor(principal),
        target: { type: 'request', id: requestId },
        requestId,
        data: {
          onwardTransferId: transfer.id,
          consentId: consent.id,
          recipientStateCode: transfer.recipientStateCode,
          conditionTypes: transfer.conditions.map((condition) => condition.type),
        },
      });
      return transfer;
    });
    const [dto_] = await this.toUseDtos(this.dataSource.manager, [row], toOnwardTransferDto);
    return dto_;
  }

  async listFurtherUses(principal: Principal, requestId: string): Promise<FurtherUseListDto> {
    const rows = await this.requests.listOf(principal, requestId, RequestFurtherUseEntity, {
      recordedAt: 'ASC',
      id: 'ASC',
    });
    return { items: await this.toUseDtos(this.dataSource.manager, rows, toFurtherUseDto) };
  }

  /** Records a use in another proceeding; 409 `request.consent_required` without consent naming it. */
  async recordFurtherUse(
    principal: Principal,
    requestId: string,
    dto: RecordFurtherUseDto,
  ): Promise<FurtherUseDto> {
    const row = await this.transactions.run(async (manager) => {
      const { standing } = await this.requests.loadVisible(manager, principal, requestId, 'share');
      requireActor(USE_ACTORS, standing, 'record_further_use');
      const consent = await this.permissiveConsent(
        manager,
        requestId,
        ConsentKind.FurtherUse,
        (candidate) => sameProceeding(candidate.newProceeding, dto.proceeding),
        { proceeding: dto.proceeding },
      );
      const use = manager.create(RequestFurtherUseEntity, {
        requestId,
        consentId: consent.id,
        proceeding: dto.proceeding,
        purpose: dto.purpose,
        conditions: await travellingConditions(manager, consent),
        recordedById: principal.userId,
        recordedAt: this.clock.now(),
      });
      await manager.insert(RequestFurtherUseEntity, use);
      await this.audit.append(manager, {
        action: 'request.further_use',
        outcome: 'success',
        actor: auditActor(principal),
        target: { type: 'request', id: requestId },
        requestId,
        data: {
          furtherUseId: use.id,
          consentId: consent.id,
          conditionTypes: use.conditions.map((condition) => condition.type),
        },
      });
      return use;
    });
    const [dto_] = await this.toUseDtos(this.dataSource.manager, [row], toFurtherUseDto);
    return dto_;
  }

  /**
   * The latest granted or conditional consent of `kind` that covers the use; otherwise 409, naming
   * any refusal of exactly that use (a refused consent keeps it blocked).
   */
  private async permissiveConsent(
    manager: EntityManager,
    requestId: string,
    kind: ConsentKind,
    covers: (consent: RequestConsentEntity) => boolean,
    subject: Record<string, string>,
  ): Promise<RequestConsentEntity> {
    const candidates = (
      await manager.find(RequestConsentEntity, {
        where: { requestId, kind },
        order: { decidedAt: 'DESC', id: 'DESC' },
      })
    ).filter(covers);
    const allowing = candidates.find(
      (candidate) => candidate.decision !== null && PERMISSIVE_CONSENT_DECISIONS.includes(candidate.decision),
    );
    if (allowing) return allowing;
    const refused = candidates
      .filter((candidate) => candidate.decision === ConsentDecision.Refused)
      .map((candidate) => candidate.id);
    throw new ConsentRequiredError(kind, subject, refused);
  }

  /** What each kind names, and only that: a 400 naming every field that is missing or out of place. */
  private async checkSubject(
    manager: EntityManager,
    request: CooperationRequestEntity,
    dto: RequestConsentInputDto,
  ): Promise<void> {
    const errors: FieldError[] = [];
    const problem = (field: string, message: string) => errors.push({ field, messages: [message] });
    if (dto.kind === ConsentKind.FurtherUse) {
      if (dto.newProceeding === undefined)
        problem('newProceeding', 'newProceeding is required for a further use');
      if (dto.recipientStateCode !== undefined)
        problem('recipientStateCode', 'recipientStateCode belongs to an onward transfer only');
      if (dto.recipientDescription !== undefined)
        problem('recipientDescription', 'recipientDescription belongs to an onward transfer only');
    } else {
      if (dto.newProceeding !== undefined)
        problem('newProceeding', 'newProceeding belongs to a further use only');
      const code = dto.recipientStateCode;
      if (code === undefined)
        problem('recipientStateCode', 'recipientStateCode is required for an onward transfer');
      else if (code === request.requestingStateCode || code === request.requestedStateCode)
        problem('recipientStateCode', 'recipientStateCode must be a third state, not a party to the request');
      else if (!(await manager.existsBy(StateEntity, { code })))
        problem('recipientStateCode', 'recipientStateCode names no state in the directory');
    }
    if (errors.length > 0) throw new ValidationFailedError(errors);
  }

  private async toConsentDtos(manager: EntityManager, rows: RequestConsentEntity[]): Promise<ConsentDto[]> {
    const people = await findByIds(
      manager,
      UserEntity,
      rows.flatMap((row) => [row.requestedById, ...(row.decidedById ? [row.decidedById] : [])]),
    );
    const person = (id: string) => ({ id, displayName: people.get(id)?.displayName ?? '' });
    return rows.map((row) => ({
      id: row.id,
      requestId: row.requestId,
      kind: row.kind,
      purpose: row.purpose,
      legalBasis: row.legalBasis,
      newProceeding: row.newProceeding,
      recipientStateCode: row.recipientStateCode,
      recipientDescription: row.recipientDescription,
      requestedBy: person(row.requestedById),
      requestedAt: row.requestedAt.toISOString(),
      decision: row.decision,
      conditions: row.conditions,
      reasons: row.reasons,
      document:
        row.documentTitle !== null && row.documentReference !== null
          ? { title: row.documentTitle, reference: row.documentReference }
          : null,
      decidedBy: row.decidedById ? person(row.decidedById) : null,
      decidedAt: row.decidedAt?.toISOString() ?? null,
    }));
  }

  private async toUseDtos<Row extends { recordedById: string }, Dto>(
    manager: EntityManager,
    rows: Row[],
    toDto: (row: Row, recordedBy: { id: string; displayName: string }) => Dto,
  ): Promise<Dto[]> {
    const people = await findByIds(
      manager,
      UserEntity,
      rows.map((row) => row.recordedById),
    );
    return rows.map((row) =>
      toDto(row, { id: row.recordedById, displayName: people.get(row.recordedById)?.displayName ?? '' }),
    );
  }
}

/** Conditions with a conditional decision only, at least one; reasons with a refusal always. */
function checkDecision(dto: DecideConsentDto): UseCondition[] {
  const errors: FieldError[] = [];
  const conditions = dto.conditions ?? [];
  if (dto.decision === ConsentDecision.Conditional && conditions.length === 0)
    errors.push({ field: 'conditions', messages: ['a conditional consent names at least one condition'] });
  if (dto.decision !== ConsentDecision.Conditional && conditions.length > 0)
    errors.push({
      field: 'conditions',
      messages: [`conditions go with a conditional consent, not a ${dto.decision} one`],
    });
  if (dto.decision === ConsentDecision.Refused && dto.reasons === undefined)
    errors.push({ field: 'reasons', messages: ['a refusal states its reasons'] });
  if (errors.length > 0) throw new ValidationFailedError(errors);
  return conditions.map((condition) => ({ type: condition.type, text: condition.text }));
}

/** A proceeding is named by people: compared without regard to case and spacing. */
function sameProceeding(named: string | null, asked: string): boolean {
  const normal = (text: string) => text.trim().replace(/\s+/g, ' ').toLowerCase();
  return named !== null && normal(named) === normal(asked);
}

function consentRequestText(consent: RequestConsentEntity): string {
  const what =
    consent.kind === ConsentKind.OnwardTransfer
      ? `onward transfer to ${consent.recipientStateCode}` +
        (consent.recipientDescription ? ` (${consent.recipientDescription})` : '')
      : `further use in ${consent.newProceeding}`;
  return `Consent requested for ${what}.\nPurpose: ${consent.purpose}\nLegal basis: ${consent.legalBasis}`;
}

function consentDecisionText(consent: RequestConsentEntity): string {
  const what =
    consent.kind === ConsentKind.OnwardTransfer
      ? `onward transfer to ${consent.recipientStateCode}`
      : `further use in ${consent.newProceeding}`;
  const lines = [`Consent to ${what}: ${consent.decision}.`];
  for (const condition of consent.conditions) lines.push(`Condition ${condition.type}: ${condition.text}`);
  if (consent.reasons) lines.push(`Reasons: ${consent.reasons}`);
  if (consent.documentTitle)
    lines.push(`Document: ${consent.documentTitle} (${consent.documentReference ?? ''})`);
  return lines.join('\n');
}

function toOnwardTransferDto(
  row: RequestOnwardTransferEntity,
  recordedBy: { id: string; displayName: string },
): OnwardTransferDto {
  return {
    id: row.id,
    consentId: row.consentId,
    recipientStateCode: row.recipientStateCode,
    recipientDescription: row.recipientDescription,
    purpose: row.purpose,
    conditions: row.conditions,
    recordedBy,
    recordedAt: row.recordedAt.toISOString(),
  };
}

function toFurtherUseDto(
  row: RequestFurtherUseEntity,
  recordedBy: { id: string; displayName: string },
): FurtherUseDto {
  return {
    id: row.id,
    consentId: row.consentId,
    proceeding: row.proceeding,
    purpose: row.purpose,
    conditions: row.conditions,
    recordedBy,
    recordedAt: row.recordedAt.toISOString(),
  };
}
