import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { DataSource, type EntityManager } from 'typeorm';
import { RequestStatus } from '@mla/contracts';
import { decodeCursor, keysetPage } from '../../common/http/pagination';
import type { PageQueryDto } from '../../common/http/pagination';
import { findByIds } from '../../database/find-by-ids';
import { TransactionRunner } from '../../database/transaction-runner';
import { AuditService } from '../audit/audit.service';
import { auditActor, type Principal } from '../auth/principal';
import { AgencyEntity } from '../directory/agency.entity';
import { toAgencyDto } from '../directory/directory.service';
import { UserEntity } from '../users/user.entity';
import type { CreateMessageDto, MessageDto, MessagePageDto } from './dto/message.dto';
import { RequestMessageEntity } from './request-message.entity';
import { writeMessage } from './request-messages';
import { MessageNotAllowedError } from './requests.errors';
import { RequestsService } from './requests.service';
import { Idempotency } from '../../common/idempotency/idempotency-context';

/** Messages between the two sides: clarification rounds, status enquiries and answers, notes. */
@Injectable()
export class MessagesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly requests: RequestsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async list(principal: Principal, requestId: string, page: PageQueryDto): Promise<MessagePageDto> {
    const manager = this.dataSource.manager;
    await this.requests.loadVisible(manager, principal, requestId);
    const builder = manager
      .createQueryBuilder(RequestMessageEntity, 'm')
      .where('m.request_id = :requestId', { requestId });
    if (page.cursor) {
      const position = decodeCursor(page.cursor, { createdAt: 'instant', id: 'uuid' });
      builder.andWhere('(m.created_at, m.id) > (:createdAt, :id)', {
        createdAt: new Date(position.createdAt),
        id: position.id,
      });
    }
    const { rows, nextCursor } = await keysetPage(
      builder.orderBy('m.created_at', 'ASC').addOrderBy('m.id', 'ASC'),
      page.limit,
      (last) => ({ createdAt: last.createdAt.toISOString(), id: last.id }),
    );
    return { items: await this.toDtos(rows), nextCursor };
  }

  async post(principal: Principal, requestId: string, dto: CreateMessageDto): Promise<MessageDto> {
    const message = await this.transactions.run(async (manager) => {
      const { request } = await this.requests.loadVisible(manager, principal, requestId, 'share');
      // Before transmission the requested side does not know the request; after closure the file is shut.
      if (!request.transmittedAt)
        throw new MessageNotAllowedError('Messages open once the request is transmitted');
      if (request.status === RequestStatus.Closed) throw new MessageNotAllowedError('The request is closed');
      const entity = await writeMessage(manager, principal, requestId, dto.kind, dto.body, this.clock.now());
      await this.audit.append(manager, {
        action: 'message.create',
        outcome: 'success',
        actor: auditActor(principal),
        target: { type: 'message', id: entity.id },
        requestId,
        data: { kind: dto.kind },
      });
      // A retry with the same Idempotency-Key gets this view, recorded in this transaction.
      Idempotency.respondWith(manager, async () => (await this.toDtos([entity], manager))[0]);
      return entity;
    });
    const [dto_] = await this.toDtos([message]);
    if (!dto_) throw new Error('message vanished after insert');
    return dto_;
  }

  private async toDtos(
    messages: RequestMessageEntity[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<MessageDto[]> {
    if (messages.length === 0) return [];
    const authorById = await findByIds(
      manager,
      UserEntity,
      messages.flatMap((message) => (message.authorId ? [message.authorId] : [])),
    );
    const agencyById = await findByIds(
      manager,
      AgencyEntity,
      messages.flatMap((message) => (message.authorAgencyId ? [message.authorAgencyId] : [])),
    );
    return messages.map((message) => {
      const base = {
        id: message.id,
        requestId: message.requestId,
        kind: message.kind,
        body: message.body,
        createdAt: message.createdAt.toISOString(),
      };
      // A reminder written by the portal itself has no author.
      if (!message.authorId || !message.authorAgencyId) return { ...base, author: null, authorAgency: null };
      const author = authorById.get(message.authorId);
      const agency = agencyById.get(message.authorAgencyId);
      if (!author || !agency) throw new Error(`Author or agency of message ${message.id} is missing`);
      return {
        ...base,
        author: { id: author.id, displayName: author.displayName },
        authorAgency: toAgencyDto(agency),
      };
    });
  }
}
