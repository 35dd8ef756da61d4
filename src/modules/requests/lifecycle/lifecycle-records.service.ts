import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ConditionStatus, type UseCondition } from '@mla/contracts';
import { findByIds } from '../../../database/find-by-ids';
import { UserEntity } from '../../users/user.entity';
import type { CooperationRequestEntity } from '../cooperation-request.entity';
import { contentOf, type RequestContent } from '../request-content';
import { diffContent, type ContentChange } from './content-diff';
import { RequestConditionEntity } from './request-condition.entity';
import { RequestContentVersionEntity } from './request-content-version.entity';

export interface ContentVersionSummary {
  contentVersion: number;
  sentAt: string;
  sentBy: { id: string; displayName: string };
}

export interface ConditionView {
  id: string;
  type: UseCondition['type'];
  text: string;
  status: ConditionStatus;
  proposedAt: string;
  decidedAt: string | null;
}

/**
 * What the deeper lifecycle keeps besides the request row: the content of every version sent to
 * the requested side, and the conditions offered in consultation with their fate. Both are written
 * inside the transition's transaction and never changed afterwards (conditions once, when decided).
 */
@Injectable()
export class LifecycleRecords {
  /** Keeps the content as it leaves for the requested side; the same version is kept once. */
  async recordSent(
    manager: EntityManager,
    request: CooperationRequestEntity,
    sentById: string,
    at: Date,
  ): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(RequestContentVersionEntity)
      .values({
        requestId: request.id,
        contentVersion: request.contentVersion,
        content: contentOf(request),
        sentById,
        sentAt: at,
      })
      .orIgnore()
      .execute();
  }

  /** The last version each of these requests sent to the requested side. */
  async latestSent(
    manager: EntityManager,
    requestIds: readonly string[],
  ): Promise<Map<string, { contentVersion: number; content: RequestContent }>> {
    if (requestIds.length === 0) return new Map();
    const rows = await manager
      .createQueryBuilder(RequestContentVersionEntity, 'v')
      .distinctOn(['v.request_id'])
      .where('v.request_id IN (:...requestIds)', { requestIds })
      .orderBy('v.request_id')
      .addOrderBy('v.content_version', 'DESC')
      .getMany();
    return new Map(
      rows.map((row) => [row.requestId, { contentVersion: row.contentVersion, content: row.content }]),
    );
  }

  async versions(manager: EntityManager, requestId: string): Promise<ContentVersionSummary[]> {
    const rows = await manager.find(RequestContentVersionEntity, {
      where: { requestId },
      select: { requestId: true, contentVersion: true, sentById: true, sentAt: true },
      order: { contentVersion: 'ASC' },
    });
    const people = await findByIds(
      manager,
      UserEntity,
      rows.map((row) => row.sentById),
    );
    return rows.map((row) => ({
      contentVersion: row.contentVersion,
      sentAt: row.sentAt.toISOString(),
      sentBy: { id: row.sentById, displayName: people.get(row.sentById)?.displayName ?? '' },
    }));
  }

  async version(
    manager: EntityManager,
    requestId: string,
    contentVersion: number,
  ): Promise<RequestContentVersionEntity | null> {
    return manager.findOne(RequestContentVersionEntity, { where: { requestId, contentVersion } });
  }

  /** What changed between two sent versions, or undefined when either was never sent. */
  async diff(
    manager: EntityManager,
    requestId: string,
    from: number,
    to: number,
  ): Promise<ContentChange[] | undefined> {
    const [before, after] = await Promise.all([
      this.version(manager, requestId, from),
      this.version(manager, requestId, to),
    ]);
    if (!before || !after) return undefined;
    return diffContent(before.content, after.content);
  }

  async proposeConditions(
    manager: EntityManager,
    requestId: string,
    conditions: readonly UseCondition[],
    proposedById: string,
    at: Date,
  ): Promise<string[]> {
    if (conditions.length === 0) return [];
    const rows = conditions.map((condition, ordinal) =>
      manager.create(RequestConditionEntity, {
        ordinal,
        requestId,
        type: condition.type,
        text: condition.text,
        status: ConditionStatus.Proposed,
        proposedById,
        proposedAt: at,
        decidedById: null,
        decidedAt: null,
      }),
    );
    await manager.insert(RequestConditionEntity, rows);
    return rows.map((row) => row.id);
  }

  /** Accepts or rejects every condition still on offer; returns how many it decided. */
  async decideConditions(
    manager: EntityManager,
    requestId: string,
    status: typeof ConditionStatus.Accepted | typeof ConditionStatus.Rejected,
    decidedById: string,
    at: Date,
  ): Promise<number> {
    const result = await manager.update(
      RequestConditionEntity,
      { requestId, status: ConditionStatus.Proposed },
      { status, decidedById, decidedAt: at },
    );
    return result.affected ?? 0;
  }

  async conditions(manager: EntityManager, requestId: string): Promise<ConditionView[]> {
    const rows = await manager.find(RequestConditionEntity, {
      where: { requestId },
      order: { proposedAt: 'ASC', ordinal: 'ASC' },
    });
    return rows.map((row) => ({
      id: row.id,
      type: row.type,
      text: row.text,
      status: row.status,
      proposedAt: row.proposedAt.toISOString(),
      decidedAt: row.decidedAt?.toISOString() ?? null,
    }));
  }
}
