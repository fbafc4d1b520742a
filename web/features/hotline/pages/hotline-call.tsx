import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../../app/client';
import * as api from '../api';
import * as casesApi from '../../cases/api';
import {
  CALL_STATES,
  isOpen,
  rolesAllow,
  type CallDetail,
  type CallEventView,
  type CallState,
} from '../../../app/types';
import { ErrorAlert, ProblemAlert, problemFields } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { useSubmit } from '../../../ui/submit';
import { formatDuration } from '../../../ui/format';
import { usePageTitle, useLoader } from '../../../ui/hooks';
import {
  CallStateBadge,
  CallTime,
  DeadlineCountdown,
  PriorityBadge,
  isCallEvent,
  zonedText,
} from '../components/hotline';
import { useLiveEvent } from '../../../app/live-events';
import { useUser, useUserTimeZone } from '../../../app/session';
import { PrintActions, PrintHeader } from '../../../ui/print';
import '../hotline.css';
import { ExerciseBadge } from '../../exercises/components/exercise-badge';
import '../i18n';

/** The states a call goes through, in order; `not_delivered` is a detour off `sent`. */
const PATH: readonly CallState[] = CALL_STATES.filter((s) => s !== 'not_delivered');

function When({ iso }: { iso: string }) {
  return <CallTime iso={iso} />;
}

/**
 * sent → delivered → seen → acknowledged → resolved, each step marked when it happened (a
 * call resolved without an acknowledgement leaves that step unmarked).
 */
function Progress({ call }: { call: CallDetail }) {
  const { t } = useTranslation();
  const current = call.state === 'not_delivered' ? 'sent' : call.state;
  const happened: Record<(typeof PATH)[number], boolean> = {
    sent: true,
    not_delivered: call.notDeliveredAt !== null,
    delivered: call.deliveredAt !== null,
    seen: call.seenAt !== null,
    acknowledged: call.acknowledgedAt !== null,
    resolved: call.resolvedAt !== null,
  };
  return (
    <ol className="call-progress" aria-label={t('hotline.call.progress')}>
      {PATH.map((state) => (
        <li
          key={state}
          className={happened[state] ? 'step-done' : 'step-todo'}
          aria-current={state === current ? 'step' : undefined}
        >
          {t(`hotline.states.${state}`)}
          {state === 'sent' && call.state === 'not_delivered' ? (
            <span className="badge call-state call-state-not_delivered">
              {t('hotline.states.not_delivered')}
            </span>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

function Timeline({ call }: { call: CallDetail }) {
  const { t } = useTranslation();
  if (call.events.length === 0) return <p className="muted">{t('hotline.call.noEvents')}</p>;
  return (
    <ol className="call-timeline" aria-labelledby="call-timeline">
      {call.events.map((event, index) => (
        <TimelineItem key={`${event.at}-${index}`} event={event} direction={call.direction} />
      ))}
    </ol>
  );
}

function TimelineItem({
  event,
  direction,
}: {
  event: CallEventView;
  direction: CallDetail['direction'];
}) {
  const { t } = useTranslation();
  // The receiving side got the call: "delivered to the peer" is the caller's view of it.
  const phrase =
    event.kind === 'delivered' && direction === 'in'
      ? t('hotline.events.received')
      : t(`hotline.events.${event.kind}`, { rung: event.rung ?? '' });
  return (
    <li className={`call-event call-event-${event.kind}`}>
      <When iso={event.at} /> <strong>{phrase}</strong>
      {event.by ? <span> · {t('hotline.by', { name: event.by })}</span> : null}
      {event.detail ? <span className="muted"> · {event.detail}</span> : null}
    </li>
  );
}

function ResolveForm({ call, onDone }: { call: CallDetail; onDone: (c: CallDetail) => void }) {
  const { t } = useTranslation();
  const [outcome, setOutcome] = useState('');
  const resolve = useSubmit(
    (text: string) => api.resolveCall(call.id, text),
    (resolved) => {
      onDone(resolved);
      setOutcome('');
    },
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (outcome.trim() === '') {
      resolve.fail({ message: t('hotline.call.outcomeRequired'), field: 'outcome' });
      return;
    }
    void resolve.submit(outcome.trim());
  };

  return (
    <form className="form card" noValidate onSubmit={submit}>
      <h2>{t('hotline.call.resolveTitle')}</h2>
      <ProblemAlert problem={resolve.problem} />
      <Field
        label={t('hotline.call.outcome')}
        hint={t('hotline.call.outcomeHint')}
        invalid={problemFields(resolve.problem).has('outcome')}
      >
        <textarea
          rows={2}
          maxLength={2000}
          value={outcome}
          onChange={(e) => setOutcome(e.target.value)}
        />
      </Field>
      <div className="form-actions">
        <button type="submit" disabled={resolve.busy}>
          {t('hotline.call.resolve')}
        </button>
      </div>
    </form>
  );
}

/** One call: what it is about, where it stands, its rung and countdown, and its timeline. */
export function HotlineCallPage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const user = useUser();
  const zone = useUserTimeZone();
  const {
    data: call,
    setData: setCall,
    error,
    reload,
  } = useLoader<CallDetail>(useCallback(() => api.getCall(id), [id]));
  usePageTitle(call ? call.subject : t('hotline.title'));
  useLiveEvent('resync', () => void reload());
  useLiveEvent('hotline.changed', (data) => {
    if (isCallEvent(data) && data.call.id === id) void reload();
  });
  const acknowledge = useSubmit(
    async (callId: string) => {
      try {
        return await api.acknowledgeCall(callId);
      } catch (failure) {
        // Someone else took it first: the page shows by whom once read again.
        void reload();
        if (failure instanceof ApiError && failure.code === 'call_already_acknowledged') {
          return null;
        }
        throw failure;
      }
    },
    (acknowledged) => {
      if (acknowledged) setCall(acknowledged);
    },
  );

  if (!call) {
    return (
      <section className="page">
        <h1>{t('hotline.title')}</h1>
        {error ? <ErrorAlert error={error} /> : <p role="status">{t('common.loading')}</p>}
      </section>
    );
  }

  const mayAnswer = rolesAllow(user.roles, 'hotline.answer');
  const mayResolve =
    call.direction === 'in' ? mayAnswer : rolesAllow(user.roles, 'hotline.call') || mayAnswer;

  return (
    <section className="page printable">
      <PrintHeader
        period={{
          from: zonedText(call.createdAt, i18n.language, zone),
          to: call.resolvedAt ? zonedText(call.resolvedAt, i18n.language, zone) : '',
        }}
      />
      <p className="small no-print">
        <Link to="/hotline">{t('hotline.back')}</Link>
      </p>
      <div className="section-head">
        <h1>
          {call.subject} <ExerciseBadge exerciseId={call.exerciseId} />
        </h1>
        <PrintActions />
      </div>
      {error ? <ErrorAlert error={error} /> : null}
      <ProblemAlert problem={acknowledge.problem} />
      <Progress call={call} />
      <dl className="facts" aria-label={t('hotline.call.facts')}>
        <div>
          <dt>{t('hotline.call.state')}</dt>
          <dd data-testid="call-state">
            <CallStateBadge call={call} />
            {call.acknowledgedBy ? (
              <span data-testid="call-acknowledged-by">
                {t('hotline.call.acknowledgedBy', { name: call.acknowledgedBy })}
              </span>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>{t('hotline.call.direction')}</dt>
          <dd>
            {t(call.direction === 'out' ? 'hotline.toPeer' : 'hotline.fromPeer', {
              peer: call.peer,
            })}
            {' · '}
            {t('hotline.call.caller', { name: call.caller })}
          </dd>
        </div>
        <div>
          <dt>{t('hotline.call.kind')}</dt>
          <dd>
            <PriorityBadge priority={call.priority} />
            <span className="badge">{t(`hotline.tiers.${call.tier}`)}</span>
          </dd>
        </div>
        <div>
          <dt>{t('hotline.call.placed')}</dt>
          <dd>
            <When iso={call.createdAt} />
          </dd>
        </div>
        <div>
          <dt>{t('hotline.call.acknowledgeWithin')}</dt>
          <dd>{formatDuration(call.acknowledgeWithinMs, i18n.language)}</dd>
        </div>
        {call.requestId ? (
          <div>
            <dt>{t('hotline.call.request')}</dt>
            <dd>
              <Link to={`/requests/${call.requestId}`}>
                {call.requestReference ?? call.requestId}
              </Link>
            </dd>
          </div>
        ) : null}
        {call.caseId ? (
          <div>
            <dt>{t('hotline.call.case')}</dt>
            <dd data-testid="call-case">
              <CaseLink caseId={call.caseId} />
            </dd>
          </div>
        ) : null}
        {call.notDeliveredAt ? (
          <div>
            <dt>{t('hotline.call.notDeliveredAt')}</dt>
            <dd className="deadline-overdue">
              <When iso={call.notDeliveredAt} />
            </dd>
          </div>
        ) : null}
        {call.deliveredAt ? (
          <div>
            <dt>{t('hotline.call.deliveredAt')}</dt>
            <dd>
              <When iso={call.deliveredAt} />
            </dd>
          </div>
        ) : null}
        {call.seenAt ? (
          <div>
            <dt>{t('hotline.call.seenAt')}</dt>
            <dd>
              <When iso={call.seenAt} />
              {call.seenBy ? ` · ${t('hotline.by', { name: call.seenBy })}` : null}
            </dd>
          </div>
        ) : null}
        {call.acknowledgedAt ? (
          <div>
            <dt>{t('hotline.call.acknowledgedAt')}</dt>
            <dd>
              <When iso={call.acknowledgedAt} />
              {call.acknowledgedBy ? ` · ${t('hotline.by', { name: call.acknowledgedBy })}` : null}
            </dd>
          </div>
        ) : null}
        {call.rung !== null ? (
          <div>
            <dt>{t('hotline.call.rung')}</dt>
            <dd data-testid="call-rung">
              {call.rungs
                ? t('hotline.rungOf', { rung: call.rung, rungs: call.rungs })
                : t('hotline.rungOnly', { rung: call.rung })}
              {call.exhausted ? <span className="tag">{t('hotline.exhausted')}</span> : null}
              {call.rungDeadlineAt && isOpen(call.state) ? (
                <>
                  <br />
                  {t('hotline.call.rungDeadline')} <When iso={call.rungDeadlineAt} />
                  {' · '}
                  <DeadlineCountdown deadline={call.rungDeadlineAt} />
                </>
              ) : null}
            </dd>
          </div>
        ) : null}
        {call.resolvedAt ? (
          <div>
            <dt>{t('hotline.call.resolvedAt')}</dt>
            <dd>
              <When iso={call.resolvedAt} />
              {call.resolvedBy ? ` · ${t('hotline.by', { name: call.resolvedBy })}` : null}
            </dd>
          </div>
        ) : null}
        {call.outcome ? (
          <div>
            <dt>{t('hotline.call.outcome')}</dt>
            <dd className="note-text">{call.outcome}</dd>
          </div>
        ) : null}
      </dl>
      {call.text ? (
        <section aria-labelledby="call-text">
          <h2 id="call-text">{t('hotline.call.text')}</h2>
          <p className="note-text">{call.text}</p>
        </section>
      ) : null}
      {call.direction === 'in' && isOpen(call.state) && mayAnswer ? (
        <div className="form-actions call-actions">
          <button
            type="button"
            className="button-primary"
            disabled={acknowledge.busy}
            onClick={() => void acknowledge.submit(call.id)}
          >
            {t('hotline.acknowledge')}
          </button>
        </div>
      ) : null}
      {call.state !== 'resolved' && mayResolve ? (
        <ResolveForm call={call} onDone={setCall} />
      ) : null}
      <section aria-labelledby="call-timeline">
        <h2 id="call-timeline">{t('hotline.call.timeline')}</h2>
        <Timeline call={call} />
      </section>
    </section>
  );
}

/** The call's case as a link to it, by its title (its id while the title is read or unknown). */
function CaseLink({ caseId }: { caseId: string }) {
  const [title, setTitle] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setTitle(null);
    casesApi.getCase(caseId, { limit: 1 }).then(
      (found) => {
        if (live) setTitle(found.title);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [caseId]);
  return <Link to={`/cases/${encodeURIComponent(caseId)}`}>{title ?? <code>{caseId}</code>}</Link>;
}
