import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiClient, Schemas } from '@mla/api-client';
import { errorText, isStale } from '../errors';
import { type MessageKey, useI18n } from '../i18n';
import { fieldLabel } from '../wizard/fields';
import { counterpartOf, DualTime } from './DualTime';

type Request = Schemas['RequestDto'];
type Status = Request['status'];
type PostableKind = Schemas['CreateMessageDto']['kind'];

/**
 * The thread's messages that are written by a transition (the API refuses them as plain messages):
 * the question of a clarification round, and its answer. Choosing one of them here fires the
 * transition with the message as its reason, so there is one place to write and one to read.
 */
export const THREAD_ACTIONS = ['request_clarification', 'answer_clarification', 'submit_answer'] as const;
export type ThreadAction = (typeof THREAD_ACTIONS)[number];
/** What a user may post as a plain message (POSTABLE_MESSAGE_KINDS): no state changes. */
const POSTABLE: readonly PostableKind[] = ['status_enquiry', 'status_update', 'note'];
/** Where each transition written in the thread takes the request, as the transition table says. */
const LEADS_TO: Record<ThreadAction, Status> = {
  request_clarification: 'clarification_requested',
  answer_clarification: 'under_assessment',
  submit_answer: 'answer_pending_approval',
};

export type ComposeKind = ThreadAction | PostableKind;
/** Messages read at a time (the API's most). */
const MESSAGE_PAGE = 100;

export function isThreadAction(action: string): action is ThreadAction {
  return (THREAD_ACTIONS as readonly string[]).includes(action);
}

function composeLabel(kind: ComposeKind): MessageKey {
  return isThreadAction(kind) ? `thread.compose.${kind}` : `messageKind.${kind}`;
}

/**
 * The clarification and consultation thread (both sides see every message), oldest first, each
 * with its kind, author and agency and time on both clocks; below it, what the user may write now:
 * the clarification transitions the request allows them, and plain messages once it is
 * transmitted and until it is closed. `compose` (from the action bar) picks a kind and focuses the
 * message box.
 */
export function MessageThread({
  request,
  me,
  client,
  compose,
  onTransition,
}: {
  request: Request;
  me: Schemas['MeDto'] | undefined;
  client: ApiClient;
  compose?: { kind: ComposeKind; seq: number } | null;
  onTransition: (updated: Request) => void;
}) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const counterpart = counterpartOf(request, me);
  // The API pages oldest first (its cursor leads to later messages): a long thread is read a page
  // at a time, and the rest is offered below the list rather than silently cut.
  const messages = useInfiniteQuery({
    queryKey: ['request', request.id, 'messages'],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) => {
      const { data, error } = await client.GET('/v1/requests/{id}/messages', {
        params: { path: { id: request.id }, query: { limit: MESSAGE_PAGE, cursor: pageParam } },
      });
      if (!data) throw new Error(error?.code ?? 'messages');
      return data;
    },
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const loaded = messages.data?.pages.flatMap((page) => page.items) ?? [];

  const transitions = THREAD_ACTIONS.filter((action) => request.allowedActions.includes(action));
  // Messages open at transmission and close with the request (MessagesService.post); the API
  // refuses the rest, this only spares the user a form that cannot succeed.
  const messagingOpen =
    request.transmittedAt !== null &&
    request.transmittedAt !== undefined &&
    request.status !== 'closed' &&
    (me?.permissions.includes('message.create') ?? false);
  const kinds: ComposeKind[] = [...transitions, ...(messagingOpen ? POSTABLE : [])];
  const clarification = request.clarification;

  return (
    <section aria-labelledby="thread-heading">
      <h2 id="thread-heading">{t('thread.heading')}</h2>
      {messages.isPending ? (
        <p>{t('app.loading')}</p>
      ) : messages.error ? (
        <p role="alert" className="error">
          {errorText(t, messages.error)}
        </p>
      ) : loaded.length === 0 ? (
        <p>{t('thread.empty')}</p>
      ) : (
        <ol className="thread" aria-label={t('thread.list')}>
          {loaded.map((message) => (
            <li key={message.id} className={`thread-message thread-${message.kind}`}>
              <p className="message-meta">
                <strong className="message-kind">{t(`messageKind.${message.kind}`)}</strong>
                {' · '}
                <span className="message-author">
                  {message.author && message.authorAgency
                    ? t('thread.author', {
                        name: message.author.displayName,
                        agency: `${message.authorAgency.name} (${message.authorAgency.code})`,
                      })
                    : t('thread.portal')}
                </span>
                {' · '}
                <DualTime iso={message.createdAt} counterpart={counterpart} />
              </p>
              {/* dir="auto": each message keeps the direction it was written in. */}
              <p className="message-body" dir="auto">
                {message.body}
              </p>
            </li>
          ))}
        </ol>
      )}
      {messages.hasNextPage && (
        <p className="buttons">
          <button
            type="button"
            disabled={messages.isFetchingNextPage}
            onClick={() => void messages.fetchNextPage()}
          >
            {t('thread.showLater', { count: loaded.length })}
          </button>
        </p>
      )}
      {clarification?.open && (
        <div className="info-box">
          <p>{t('thread.openRound', { round: clarification.rounds })}</p>
          {clarification.items.length > 0 && (
            <ul>
              {clarification.items.map((item) => (
                <li key={item.field}>
                  {t('thread.openItem', { field: fieldLabel(t, item.field), question: item.question })}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {clarification?.answerAwaitingApproval && (
        <div className="info-box">
          <p>{t('thread.answerAwaitingApproval')}</p>
          {/* What the supervisor approves (requesting side only): the answer as it will go out. */}
          {clarification.pendingAnswer && (
            <blockquote className="message-body" dir="auto">
              {clarification.pendingAnswer.text}
            </blockquote>
          )}
        </div>
      )}
      {kinds.length > 0 ? (
        <Composer
          request={request}
          client={client}
          kinds={kinds}
          compose={compose}
          onStale={() => {
            // The version the form sent is old: reload the request and everything shown of it, so
            // the next try carries the current version (and the user sees what changed).
            void queryClient.invalidateQueries({ queryKey: ['request', request.id] });
            void queryClient.invalidateQueries({ queryKey: ['requests'] });
          }}
          onSent={(updated) => {
            void queryClient.invalidateQueries({ queryKey: ['request', request.id, 'messages'] });
            void queryClient.invalidateQueries({ queryKey: ['request', request.id, 'history'] });
            if (updated) onTransition(updated);
          }}
        />
      ) : (
        (request.status === 'closed' || !request.transmittedAt) && (
          <p className="hint">{t('thread.notOpen')}</p>
        )
      )}
    </section>
  );
}

function Composer({
  request,
  client,
  kinds,
  compose,
  onSent,
  onStale,
}: {
  request: Request;
  client: ApiClient;
  kinds: ComposeKind[];
  compose?: { kind: ComposeKind; seq: number } | null;
  onSent: (updated?: Request) => void;
  onStale: () => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const box = useRef<HTMLTextAreaElement>(null);
  const [chosen, setKind] = useState<ComposeKind>(kinds[0] ?? 'note');
  // After a transition the kinds on offer change (an answered question cannot be answered again).
  const kind = kinds.includes(chosen) ? chosen : (kinds[0] ?? 'note');
  const [body, setBody] = useState('');
  const [sending, setSending] = useState(false);
  const [status, setStatus] = useState<{ failed: boolean; text: string } | null>(null);

  // The action bar's "Request clarification" (and the answers) lead here: that kind, ready to write.
  // A new request from the bar is a new `seq`; the kind follows it during render, the focus after.
  const seq = compose?.seq;
  const [seenSeq, setSeenSeq] = useState(seq);
  if (seq !== seenSeq) {
    setSeenSeq(seq);
    if (compose && kinds.includes(compose.kind)) setKind(compose.kind);
  }
  useEffect(() => {
    if (seq === undefined) return;
    box.current?.focus();
    box.current?.scrollIntoView?.({ block: 'center' });
  }, [seq]);

  /** The refusal in words; a request changed meanwhile is reloaded so the next try can succeed. */
  function failure(error: { code?: string } | undefined): string {
    if (isStale(error)) {
      onStale();
      return t('thread.stale');
    }
    if (error?.code === 'request.reapproval_required') return t('thread.reapproval');
    return t('thread.failed', { message: errorText(t, error) });
  }

  async function send(event: FormEvent) {
    event.preventDefault();
    setSending(true);
    setStatus(null);
    try {
      if (isThreadAction(kind)) {
        const { data, error } = await client.POST('/v1/requests/{id}/transitions', {
          params: { path: { id: request.id }, header: { 'If-Match': `"${request.version}"` } },
          body: { action: kind, reason: body },
        });
        if (!data) {
          setStatus({ failed: true, text: failure(error) });
          return;
        }
        setBody('');
        setStatus({ failed: false, text: t('thread.sent', { kind: t(composeLabel(kind)) }) });
        onSent(data);
      } else {
        const { data, error } = await client.POST('/v1/requests/{id}/messages', {
          params: { path: { id: request.id } },
          body: { kind, body },
        });
        if (!data) {
          setStatus({ failed: true, text: failure(error) });
          return;
        }
        setBody('');
        setStatus({ failed: false, text: t('thread.sent', { kind: t(composeLabel(kind)) }) });
        onSent();
      }
    } catch {
      // openapi-fetch answers every HTTP status: a throw is the network failing.
      setStatus({ failed: true, text: t('thread.failed', { message: errorText(t, 'network') }) });
    } finally {
      setSending(false);
    }
  }

  return (
    <form className="composer" aria-labelledby={`${id}-heading`} onSubmit={(event) => void send(event)}>
      <h3 id={`${id}-heading`}>{t('thread.compose')}</h3>
      <div className="field">
        <label htmlFor={`${id}-kind`}>{t('thread.kind')}</label>
        <select
          id={`${id}-kind`}
          value={kind}
          onChange={(event) => setKind(event.target.value as ComposeKind)}
        >
          {kinds.map((option) => (
            <option key={option} value={option}>
              {t(composeLabel(option))}
            </option>
          ))}
        </select>
      </div>
      {isThreadAction(kind) && (
        <p className="hint" id={`${id}-effect`}>
          {t('thread.changesStatus', { status: t(`status.${LEADS_TO[kind]}`) })}
        </p>
      )}
      <div className="field">
        <label htmlFor={`${id}-body`}>{t('thread.body')}</label>
        <textarea
          id={`${id}-body`}
          ref={box}
          required
          maxLength={10000}
          dir="auto"
          aria-describedby={isThreadAction(kind) ? `${id}-effect` : undefined}
          value={body}
          onChange={(event) => setBody(event.target.value)}
        />
      </div>
      <div className="buttons">
        <button type="submit" disabled={sending}>
          {sending ? t('thread.sending') : t('thread.send')}
        </button>
      </div>
      {/* Both live regions stay mounted, so the first message put in either is announced. */}
      <p role="alert" className="error">
        {status?.failed ? status.text : ''}
      </p>
      <p role="status">{status && !status.failed ? status.text : ''}</p>
    </form>
  );
}
