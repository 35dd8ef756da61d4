import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ErrorCode, type InstrumentProfile } from '@mla/contracts';
import { DomainError } from '../../../common/errors/domain-error';
import type { CooperationRequestEntity } from '../cooperation-request.entity';
import { RequestTranslationEntity } from './request-translation.entity';

export class TranslationRequiredError extends DomainError {
  readonly code = ErrorCode.RequestTranslationRequired;
  constructor(language: string, accepted: readonly string[], stale: readonly string[]) {
    super(
      `The requested state does not accept ${language}: attach a translation into ${accepted.join(' or ')} first` +
        (stale.length > 0 ? ` (the ${stale.join(', ')} translation predates the last edit)` : ''),
      { language, accepted, stale },
    );
  }
}

/** The languages the requested state accepts under a profile, `*` for states it does not list. */
export function acceptedLanguages(profile: InstrumentProfile, requestedStateCode: string): string[] {
  return profile.languages[requestedStateCode] ?? profile.languages['*'] ?? [];
}

/**
 * The language gate (domain.md §11; scenario 19): a request goes out only in a language the
 * requested state accepts, or with a translation into one made from its current content.
 */
@Injectable()
export class LanguageGate {
  async require(
    manager: EntityManager,
    request: CooperationRequestEntity,
    profile: InstrumentProfile,
  ): Promise<void> {
    const verdict = await this.check(manager, request, profile);
    if (!verdict.ok) throw new TranslationRequiredError(request.language, verdict.accepted, verdict.stale);
  }

  /** Whether the request may go out as it stands: in an accepted language, or with a current translation. */
  async satisfied(
    manager: EntityManager,
    request: CooperationRequestEntity,
    profile: InstrumentProfile,
  ): Promise<boolean> {
    return (await this.check(manager, request, profile)).ok;
  }

  private async check(
    manager: EntityManager,
    request: CooperationRequestEntity,
    profile: InstrumentProfile,
  ): Promise<{ ok: true } | { ok: false; accepted: string[]; stale: string[] }> {
    const accepted = acceptedLanguages(profile, request.requestedStateCode);
    if (accepted.includes(primary(request.language))) return { ok: true };
    const translations = await manager.findBy(RequestTranslationEntity, { requestId: request.id });
    const usable = translations.filter(
      (translation) =>
        accepted.includes(primary(translation.language)) &&
        translation.sourceContentVersion === request.contentVersion,
    );
    if (usable.length > 0) return { ok: true };
    const stale = translations
      .filter((translation) => accepted.includes(primary(translation.language)))
      .map((translation) => translation.language);
    return { ok: false, accepted, stale };
  }
}

/** `fr-CA` is French for the gate: profiles list primary languages. */
function primary(tag: string): string {
  return tag.split('-')[0].toLowerCase();
}
