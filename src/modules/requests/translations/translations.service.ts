import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PartyRelation, RequestAction, RequestStatus } from '@mla/contracts';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../../common/clock';
import { findByIds } from '../../../database/find-by-ids';
import { TransactionRunner } from '../../../database/transaction-runner';
import { AuditService } from '../../audit/audit.service';
import { auditActor, type Principal } from '../../auth/principal';
import { ProfileCatalog } from '../../profiles/profile-catalog.service';
import { UserEntity } from '../../users/user.entity';
import { CooperationRequestEntity } from '../cooperation-request.entity';
import { ActionForbiddenError, NotEditableError } from '../requests.errors';
import { RequestsService } from '../requests.service';
import { acceptedLanguages, LanguageGate } from './language-gate';
import { LifecycleRecords } from '../lifecycle/lifecycle-records.service';
import { SystemTransitions } from '../lifecycle/system-transitions';
import { sideOfCaller } from '../request.policy';
import { RequestTranslationEntity } from './request-translation.entity';
import type { TranslationDto, TranslationListDto } from './translation.dto';

/**
 * Before transmission the request is still the requesting side's to prepare; so is a new version
 * it prepares to answer a clarification, which goes out only in a language the requested state takes.
 */
const PREPARABLE: readonly RequestStatus[] = [
  RequestStatus.Draft,
  RequestStatus.PendingApproval,
  RequestStatus.PendingTranslation,
  RequestStatus.Ready,
  RequestStatus.ClarificationRequested,
  RequestStatus.AnswerPendingApproval,
];

/** Translations of a request (domain.md §11): attached by the requesting side before it goes out. */
@Injectable()
export class TranslationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly requests: RequestsService,
    private readonly profiles: ProfileCatalog,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly languageGate: LanguageGate,
    private readonly records: LifecycleRecords,
    private readonly system: SystemTransitions,
  ) {}

  async list(principal: Principal, requestId: string): Promise<TranslationListDto> {
    const manager = this.dataSource.manager;
    const { request, standing } = await this.requests.loadVisible(manager, principal, requestId);
    const rows = await manager.find(RequestTranslationEntity, {
      where: { requestId },
      order: { language: 'ASC' },
    });
    const accepted = await this.accepted(request);
    if (sideOfCaller(standing.relations) !== 'requested') {
      return { acceptedLanguages: accepted, items: await this.toDtos(request, rows) };
    }
    // The requested side reads translations of what it was sent, never of a version the requesting
    // side is still preparing (a clarification answer awaiting approval).
    const sent = (await this.records.latestSent(manager, [requestId])).get(requestId);
    const shown = sent?.contentVersion ?? request.contentVersion;
    return {
      acceptedLanguages: accepted,
      items: await this.toDtos(
        { contentVersion: shown },
        rows.filter((row) => row.sourceContentVersion <= shown),
      ),
    };
  }

  /** Attaches (or replaces) the translation into `language`, made from the current content. */
  async attach(
    principal: Principal,
    requestId: string,
    language: string,
    text: string,
  ): Promise<TranslationDto> {
    const row = await this.transactions.run(async (manager) => {
      const { request, standing } = await this.requests.loadVisible(manager, principal, requestId, 'share');
      const requestingSide =
        standing.relations.has(PartyRelation.RequestingAgency) ||
        standing.relations.has(PartyRelation.RequestingCentralAuthority);
      if (!requestingSide) throw new ActionForbiddenError('edit', 'role_or_side');
      if (!PREPARABLE.includes(request.status)) throw new NotEditableError(request.status);
      const values = {
        body: text,
        sourceContentVersion: request.contentVersion,
        attachedById: principal.userId,
        attachedAt: this.clock.now(),
      };
      const existing = await manager.findOneBy(RequestTranslationEntity, { requestId, language });
      if (existing) await manager.update(RequestTranslationEntity, { id: existing.id }, values);
      else await manager.insert(RequestTranslationEntity, { requestId, language, ...values });
      await this.audit.append(manager, {
        action: 'request.translation_attached',
        outcome: 'success',
        actor: auditActor(principal),
        target: { type: 'request', id: requestId },
        requestId,
        // The language and the version it was made from; never the text (case content).
        data: { language, sourceContentVersion: request.contentVersion, replaced: existing !== null },
      });
      await this.releaseIfTranslated(manager, principal, request);
      return {
        request,
        translation: await manager.findOneByOrFail(RequestTranslationEntity, { requestId, language }),
      };
    });
    const [dto] = await this.toDtos(row.request, [row.translation]);
    return dto;
  }

  /**
   * An approved request waiting for a translation becomes ready once the requested state can read
   * it (T3, scenario 19): the portal fires `complete_translation` on the attacher's behalf.
   */
  private async releaseIfTranslated(
    manager: EntityManager,
    principal: Principal,
    request: CooperationRequestEntity,
  ): Promise<void> {
    if (!this.system.canFire(request, RequestAction.CompleteTranslation)) return;
    const profile = await this.profiles.version(manager, request.legalBasis, request.profileVersion);
    if (!profile || !(await this.languageGate.satisfied(manager, request, profile.profile))) return;
    await this.system.fire(manager, request, RequestAction.CompleteTranslation, {
      actor: auditActor(principal),
      at: this.clock.now(),
    });
  }

  private async accepted(request: CooperationRequestEntity): Promise<string[]> {
    const profile = await this.profiles.find(request.legalBasis, request.profileVersion);
    return profile ? acceptedLanguages(profile.profile, request.requestedStateCode) : [];
  }

  private async toDtos(
    request: Pick<CooperationRequestEntity, 'contentVersion'>,
    rows: RequestTranslationEntity[],
  ): Promise<TranslationDto[]> {
    const people = await findByIds(
      this.dataSource.manager,
      UserEntity,
      rows.map((row) => row.attachedById),
    );
    return rows.map((row) => ({
      language: row.language,
      text: row.body,
      sourceContentVersion: row.sourceContentVersion,
      stale: row.sourceContentVersion !== request.contentVersion,
      attachedBy: { id: row.attachedById, displayName: people.get(row.attachedById)?.displayName ?? '' },
      attachedAt: row.attachedAt.toISOString(),
    }));
  }
}
