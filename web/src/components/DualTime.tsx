import type { Schemas } from '@mla/api-client';
import { formatDateTime } from '../format';
import { useI18n } from '../i18n';

export type Agency = Pick<Schemas['AgencyDto'], 'code' | 'stateCode' | 'timeZone'>;

/**
 * The agency on the other side of the request from the signed-in user: the requested agency for
 * the requesting state's people, the requesting agency for everyone in the requested state (its
 * central authority, and the executing agency it routed the request to). Unknown until /me is in.
 */
export function counterpartOf(
  request: { requestingAgency: Agency; requestedAgency: Agency },
  me: { agency: { stateCode: string } } | undefined,
): Agency | undefined {
  if (!me) return undefined;
  return me.agency.stateCode === request.requestingAgency.stateCode
    ? request.requestedAgency
    : request.requestingAgency;
}

/**
 * An instant in the user's own time zone, and beside it the same instant on the counterpart
 * agency's clock with its zone named: "12 Mar 2026, 16:30 (FR-CA: 12 Mar 2026, 10:30 CET)".
 */
export function DualTime({ iso, counterpart }: { iso: string; counterpart: Agency | undefined }) {
  const { t, language } = useI18n();
  return (
    <>
      <time dateTime={iso}>{formatDateTime(iso, language)}</time>
      {counterpart && (
        <>
          {' '}
          <span className="counterpart-time">
            (
            {t('time.counterpart', {
              agency: counterpart.code,
              time: formatDateTime(iso, language, counterpart.timeZone),
            })}
            )
          </span>
        </>
      )}
    </>
  );
}
