import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { CONSENT_DECIDERS, MessageKind, USE_ACTORS } from '@mla/contracts';
import { Clock } from '../../../common/clock';
import { ValidationFailedError } from '../../../common/errors/domain-error';
import { findByIds } from '../../../database/find-by-ids';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { auditActor, type Principal } from '../../auth/principal';
import { UserEntity } from '../../users/user.entity';
import { RequestsService } from '../requests.service';
import type {
  ExculpatoryNoticeDto,
  ExculpatoryNoticeListDto,
  FileExculpatoryNoticeDto,
  RequestConsultationDto,
} from './consent.dto';
import { ConsultationAlreadyRequestedError, ExculpatoryNoticeNotFoundError } from './consents.errors';
import { writeMessage } from '../request-messages';
import { RequestExculpatoryNoticeEntity } from './request-exculpatory-notice.entity';
import { requireAcceptedOnce, requireActor } from './use-policy';

/**
 * Exculpatory disclosure (domain.md §8.2; UNCAC 46(19); scenario 17): the requesting side may
 * disclose exculpatory material despite speciality, but tells the requested side first, or, where
 * that was impossible, at once and with a justification. The notice reaches the requested side as
 * a message the moment it is filed; the requested side may ask to consult.
 */
@Injectable()
export class ExculpatoryNoticesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly requests: RequestsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async list(principal: Principal, requestId: string): Promise<ExculpatoryNoticeListDto> {
    const rows = await this.requests.listOf(principal, requestId, RequestExculpatoryNoticeEntity, {
      notifiedAt: 'ASC',
      id: 'ASC',
    });
    return { items: await this.toDtos(this.dataSource.manager, rows) };
  }

  async file(
    principal: Principal,
    requestId: string,
    dto: FileExculpatoryNoticeDto,
  ): Promise<ExculpatoryNoticeDto> {
    const notice = await this.transactions.run(async (manager) => {
      const { request, standing } = await this.requests.loadVisible(manager, principal, requestId, 'share');
      requireActor(USE_ACTORS, standing, 'file_exculpatory_notice');
      if (!dto.advanceNotice && dto.justification === undefined) {
        throw ValidationFailedError.field(
          'justification',
          'justification is required when advance notice was impossible: say why the requested side is told only now',
        );
      }
      await requireAcceptedOnce(manager, request);
      const now = this.clock.now();
      const row = manager.create(RequestExculpatoryNoticeEntity, {
        requestId,
        advanceNotice: dto.advanceNotice,
        hearingDate: dto.hearingDate ?? null,
        description: dto.description,
        justification: dto.justification ?? null,
        notifiedById: principal.userId,
        notifiedAt: now,
        consultationRequestedById: null,
        consultationRequestedAt: null,
        consultationMessage: null,
      });
      await manager.insert(RequestExculpatoryNoticeEntity, row);
      const { id: messageId } = await writeMessage(
        manager,
        principal,
        requestId,
        MessageKind.ExculpatoryNotice,
        noticeText(row),
        now,
      );
      await this.audit.append(manager, {
        action: 'request.exculpatory_notice',
        outcome: 'success',
        actor: auditActor(principal),
        target: { type: 'request', id: requestId },
        requestId,
        data: {
          noticeId: row.id,
          advanceNotice: row.advanceNotice,
          ...(row.hearingDate ? { hearingDate: row.hearingDate } : {}),
          // Why the rule of prior notice was not kept is what an auditor looks for.
          ...(row.justification ? { justification: row.justification } : {}),
          messageId,
        },
      });
      return row;
    });
    const [dto_] = await this.toDtos(this.dataSource.manager, [notice]);
    return dto_;
  }

  async requestConsultation(
    principal: Principal,
    requestId: string,
    noticeId: string,
    dto: RequestConsultationDto,
  ): Promise<ExculpatoryNoticeDto> {
    const notice = await this.transactions.run(async (manager) => {
      const { standing } = await this.requests.loadVisible(manager, principal, requestId, 'share');
      requireActor(CONSENT_DECIDERS, standing, 'request_consultation');
      const existing = await manager.findOneBy(RequestExculpatoryNoticeEntity, { id: noticeId, requestId });
      if (!existing) throw new ExculpatoryNoticeNotFoundError(noticeId);
      if (existing.consultationRequestedAt !== null) throw new ConsultationAlreadyRequestedError(noticeId);
      const now = this.clock.now();
      const consultation = {
        consultationRequestedById: principal.userId,
        consultationRequestedAt: now,
        consultationMessage: dto.message,
      };
      const result = await manager
        .createQueryBuilder()
        .update(RequestExculpatoryNoticeEntity)
        .set(consultation)
        .where({ id: noticeId, consultationRequestedAt: IsNull() })
        .execute();
      if (result.affected !== 1) throw new ConsultationAlreadyRequestedError(noticeId);
      const { id: messageId } = await writeMessage(
        manager,
        principal,
        requestId,
        MessageKind.ConsultationRequest,
        `Consultation requested on the exculpatory-disclosure notice of ${existing.notifiedAt.toISOString()}.\n${dto.message}`,
        now,
      );
      await this.audit.append(manager, {
        action: 'request.consultation_requested',
        outcome: 'success',
        actor: auditActor(principal),
        target: { type: 'request', id: requestId },
        requestId,
        data: { noticeId, messageId },
      });
      return { ...existing, ...consultation };
    });
    const [dto_] = await this.toDtos(this.dataSource.manager, [notice]);
    return dto_;
  }

  private async toDtos(
    manager: EntityManager,
    rows: RequestExculpatoryNoticeEntity[],
  ): Promise<ExculpatoryNoticeDto[]> {
    const people = await findByIds(
      manager,
      UserEntity,
      rows.flatMap((row) => [
        row.notifiedById,
        ...(row.consultationRequestedById ? [row.consultationRequestedById] : []),
      ]),
    );
    const person = (id: string) => ({ id, displayName: people.get(id)?.displayName ?? '' });
    return rows.map((row) => ({
      id: row.id,
      advanceNotice: row.advanceNotice,
      hearingDate: row.hearingDate,
      description: row.description,
      justification: row.justification,
      notifiedBy: person(row.notifiedById),
      notifiedAt: row.notifiedAt.toISOString(),
      consultation:
        row.consultationRequestedById && row.consultationRequestedAt && row.consultationMessage !== null
          ? {
              message: row.consultationMessage,
              requestedBy: person(row.consultationRequestedById),
              requestedAt: row.consultationRequestedAt.toISOString(),
            }
          : null,
    }));
  }
}

function noticeText(notice: RequestExculpatoryNoticeEntity): string {
  const lines = [
    notice.advanceNotice
      ? 'Notice of exculpatory disclosure, given before the disclosure.'
      : 'Notice of exculpatory disclosure, given without advance notice.',
  ];
  if (notice.hearingDate) lines.push(`Hearing: ${notice.hearingDate}`);
  lines.push(`Disclosure: ${notice.description}`);
  if (notice.justification) lines.push(`Why no advance notice: ${notice.justification}`);
  return lines.join('\n');
}
