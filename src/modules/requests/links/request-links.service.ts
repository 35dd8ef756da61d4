import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { LinkRelation, MessageKind, RequestType, type FieldError } from '@mla/contracts';
import { ValidationFailedError } from '../../../common/errors/domain-error';
import { AuditService } from '../../audit/audit.service';
import { auditActor, type Principal } from '../../auth/principal';
import { CooperationRequestEntity } from '../cooperation-request.entity';
import { RequestDeadlineEntity } from '../deadlines/request-deadline.entity';
import type { RequestLinkDto } from '../dto/request.dto';
import type { RequestLinkInputDto } from '../dto/create-request.dto';
import { writeMessage } from '../request-messages';
import { RequestLinkEntity } from './request-link.entity';
import { requestedItems } from '../lifecycle/transition-inputs';
import { ItemOutcomeKind, type ItemOutcome } from '../request.types';

/**
 * A request split from one that was executed in part (scenario 8) asks the same state again only
 * for what it did not provide: every item it seeks was refused or impossible there.
 */
function splitProblem(
  request: CooperationRequestEntity,
  linked: CooperationRequestEntity,
  outcomes: readonly ItemOutcome[],
): string | undefined {
  if (linked.requestedStateCode !== request.requestedStateCode) {
    return 'a request split from another goes to the same requested state';
  }
  const done = new Set(
    outcomes.filter((outcome) => outcome.outcome === ItemOutcomeKind.Executed).map((outcome) => outcome.item),
  );
  const again = requestedItems(request).filter((item) => done.has(item));
  return again.length > 0
    ? `${again.join(', ')} ${again.length === 1 ? 'was' : 'were'} already executed on the request it splits from; ask only for the items that were not`
    : undefined;
}

/** Decides whether the caller may see a request (the requests service's visibility rule). */
export type CanSee = (manager: EntityManager, id: string) => Promise<CooperationRequestEntity | undefined>;

/**
 * Links between requests (domain.md §4, issue 4 item 4). A follow-up names the preservation it
 * follows; when it reaches the requested side, the preserved data is held until a decision on it
 * (BUD 29(7)): the preservation period stops running out, and both sides are told.
 */
@Injectable()
export class RequestLinksService {
  constructor(private readonly audit: AuditService) {}

  /** Records the links a new request declares, each to a request its author can see. */
  async add(
    manager: EntityManager,
    principal: Principal,
    request: CooperationRequestEntity,
    links: readonly RequestLinkInputDto[],
    canSee: CanSee,
  ): Promise<void> {
    const problems: FieldError[] = [];
    const accepted: Array<{ linked: CooperationRequestEntity; relation: LinkRelation }> = [];
    for (const [index, link] of links.entries()) {
      const field = `links[${index}].requestId`;
      const linked = await canSee(manager, link.requestId);
      if (!linked) {
        problems.push({ field, messages: ['no request you can see has this id'] });
        continue;
      }
      if (link.relation === LinkRelation.FollowUpOfPreservation) {
        const why =
          linked.type !== RequestType.Preservation
            ? 'a follow-up of preservation names a preservation request'
            : request.type === RequestType.Preservation
              ? 'a preservation request is not a follow-up of another preservation (use extension_of)'
              : linked.requestedStateCode !== request.requestedStateCode
                ? 'the follow-up goes to the state that preserves the data'
                : undefined;
        if (why) {
          problems.push({ field, messages: [why] });
          continue;
        }
      }
      if (link.relation === LinkRelation.SplitFrom && linked.itemOutcomes) {
        const why = splitProblem(request, linked, linked.itemOutcomes);
        if (why) {
          problems.push({ field, messages: [why] });
          continue;
        }
      }
      accepted.push({ linked, relation: link.relation });
    }
    if (problems.length > 0) throw new ValidationFailedError(problems);
    for (const { linked, relation } of accepted) {
      await manager
        .createQueryBuilder()
        .insert()
        .into(RequestLinkEntity)
        .values({
          requestId: request.id,
          linkedRequestId: linked.id,
          relation,
          createdById: principal.userId,
          createdAt: request.createdAt,
        })
        .orIgnore()
        .execute();
      await this.audit.append(manager, {
        action: 'request.link',
        outcome: 'success',
        actor: auditActor(principal),
        target: { type: 'request', id: request.id },
        requestId: request.id,
        data: { relation, linkedRequestId: linked.id },
      });
    }
  }

  /** On transmission of a follow-up: the preservation it follows is held until a decision on it. */
  async onTransmitted(manager: EntityManager, request: CooperationRequestEntity, at: Date): Promise<void> {
    const followed = await manager.findBy(RequestLinkEntity, {
      requestId: request.id,
      relation: LinkRelation.FollowUpOfPreservation,
    });
    for (const link of followed) {
      const held = await manager.update(
        RequestDeadlineEntity,
        { requestId: link.linkedRequestId, name: 'preservation_minimum', status: 'open' },
        { status: 'held', settledAt: at, nextWarningAt: null },
      );
      if (!held.affected) continue;
      await writeMessage(
        manager,
        null,
        link.linkedRequestId,
        MessageKind.DeadlineReminder,
        'The follow-up request has been transmitted: the data stays preserved until a decision on it.',
        at,
      );
      await this.audit.append(manager, {
        action: 'request.preservation_held',
        outcome: 'success',
        actor: null,
        target: { type: 'request', id: link.linkedRequestId },
        requestId: link.linkedRequestId,
        data: { followUpRequestId: request.id },
      });
    }
  }

  /** The request's links in both directions, limited to the requests the caller may see. */
  async of(manager: EntityManager, requestId: string, canSee: CanSee): Promise<RequestLinkDto[]> {
    const rows = await manager
      .createQueryBuilder(RequestLinkEntity, 'link')
      .where('link.request_id = :requestId OR link.linked_request_id = :requestId', { requestId })
      .orderBy('link.created_at', 'ASC')
      .getMany();
    const links: RequestLinkDto[] = [];
    for (const row of rows) {
      const outgoing = row.requestId === requestId;
      const other = await canSee(manager, outgoing ? row.linkedRequestId : row.requestId);
      if (!other) continue;
      links.push({
        requestId: other.id,
        relation: row.relation,
        direction: outgoing ? 'outgoing' : 'incoming',
        title: other.title,
        status: other.status,
      });
    }
    return links;
  }
}
