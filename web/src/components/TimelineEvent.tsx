import type { ReactNode } from 'react';
import { useI18n } from '../i18n';
import { eventLabel, outcomeLabel, roleLabel } from '../labels';
import { type Agency, DualTime } from './DualTime';

/**
 * One line of a timeline (a request's history, an item's custody trail): when, on both clocks;
 * what happened, in words; by which role; and how it ended when it did not succeed. `children`
 * adds what only one kind of trail has.
 */
export function TimelineEvent({
  at,
  action,
  actor,
  outcome,
  counterpart,
  children,
}: {
  at: string;
  action: string;
  actor: { role: string } | null | undefined;
  outcome: string;
  counterpart: Agency | undefined;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  const failed = outcomeLabel(t, outcome);
  return (
    <>
      <DualTime iso={at} counterpart={counterpart} />{' '}
      <span className="event-action">{eventLabel(t, action)}</span>
      {actor && <> {t('request.by', { role: roleLabel(t, actor.role) })}</>}
      {failed && <> ({failed})</>}
      {children}
    </>
  );
}
