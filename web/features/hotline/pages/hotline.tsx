import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import * as api from '../api';
import * as casesApi from '../../cases/api';
import * as requestsApi from '../../requests/api';
import {
  isOpen,
  rolesAllow,
  type CallView,
  type CaseView,
  type PlaceCallBody,
  type Priority,
  type RequestView,
  type Tier,
} from '../../../app/types';
import { AsyncTable } from '../../../ui/async-table';
import { useActivePeers } from '../../peers/components/active-peers';
import { ErrorAlert, ProblemAlert, problemFields } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { useSubmit } from '../../../ui/submit';
import { usePageTitle, useLoader } from '../../../ui/hooks';
import {
  CallStateBadge,
  CallTime,
  PriorityBadge,
  RungSummary,
  TierPriorityFields,
  isCallEvent,
  upsertCall,
  PeerOptions,
} from '../components/hotline';
import { useLiveEvent } from '../../../app/live-events';
import { useUser } from '../../../app/session';
import { ApiError } from '../../../app/client';
import { ExerciseBadge } from '../../exercises/components/exercise-badge';
import '../i18n';
import '../../notes/i18n';

/** How many closed calls the board shows under the open ones. */
const RECENT = 50;

/** The links between the hotline's pages (everyone may see the peers' coverage). */
export function HotlineTabs() {
  const { t } = useTranslation();
  return (
    <p className="hotline-links small">
      <Link to="/hotline">{t('hotline.links.board')}</Link>
      <Link to="/hotline/roster">{t('hotline.links.roster')}</Link>
      <Link to="/hotline/review">{t('hotline.links.review')}</Link>
    </p>
  );
}

/** The live call board: open calls both ways, then the recent ones, and the composer. */
export function HotlinePage() {
  const { t } = useTranslation();
  const user = useUser();
  const canCall = rolesAllow(user.roles, 'hotline.call');
  usePageTitle(t('hotline.title'));
  const open = useLoader<CallView[]>(useCallback(() => api.listCalls({ open: true }), []));
  const recent = useLoader<CallView[]>(
    useCallback(() => api.listCalls({ open: false, limit: RECENT }), []),
  );
  const { setData: setOpen, reload: reloadOpen } = open;
  const { setData: setRecent, reload: reloadRecent } = recent;
  useLiveEvent('resync', () => {
    void reloadOpen();
    void reloadRecent();
  });
  useLiveEvent('hotline.changed', (data) => {
    if (!isCallEvent(data)) return;
    const call = data.call;
    const still = isOpen(call.state);
    setOpen((current) =>
      current
        ? still
          ? upsertCall(current, call)
          : current.filter((c) => c.id !== call.id)
        : current,
    );
    setRecent((current) =>
      current
        ? still
          ? current.filter((c) => c.id !== call.id)
          : upsertCall(current, call).slice(0, RECENT)
        : current,
    );
  });
  const [composing, setComposing] = useState(false);

  return (
    <section className="page">
      <div className="section-head">
        <h1>{t('hotline.title')}</h1>
        {canCall && !composing ? (
          <button type="button" className="button-primary" onClick={() => setComposing(true)}>
            {t('hotline.newCall')}
          </button>
        ) : null}
      </div>
      <p className="lead">{t('hotline.intro')}</p>
      <HotlineTabs />
      {composing ? <Composer onCancel={() => setComposing(false)} /> : null}
      <CallTable
        title={t('hotline.openTitle')}
        empty={t('hotline.openEmpty')}
        calls={open.data}
        error={open.error}
      />
      <CallTable
        title={t('hotline.recentTitle')}
        empty={t('hotline.recentEmpty')}
        calls={recent.data}
        error={recent.error}
      />
    </section>
  );
}

function CallTable({
  title,
  empty,
  calls,
  error,
}: {
  title: string;
  empty: string;
  calls: CallView[] | null;
  error: unknown;
}) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <section className="hotline-calls" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <AsyncTable
        rows={calls}
        error={error}
        empty={<p>{empty}</p>}
        label={title}
        rowKey={(call) => call.id}
        rowTestId="call-row"
        columns={[
          {
            header: t('hotline.columns.subject'),
            cell: (call) => (
              <>
                <ExerciseBadge exerciseId={call.exerciseId} />
                <Link to={`/hotline/${call.id}`}>{call.subject}</Link>
              </>
            ),
          },
          {
            header: t('hotline.columns.direction'),
            cell: (call) => (
              <span className={`badge badge-${call.direction}`}>
                {t(call.direction === 'out' ? 'hotline.toPeer' : 'hotline.fromPeer', {
                  peer: call.peer,
                })}
              </span>
            ),
          },
          {
            header: t('hotline.columns.priority'),
            cell: (call) => (
              <>
                <PriorityBadge priority={call.priority} />
                <span className="tag">{t(`hotline.tiers.${call.tier}`)}</span>
              </>
            ),
          },
          {
            header: t('hotline.columns.state'),
            cell: (call) => (
              <>
                <CallStateBadge call={call} />
                {call.acknowledgedBy ? (
                  <span className="muted small">
                    {' '}
                    {t('hotline.by', { name: call.acknowledgedBy })}
                  </span>
                ) : null}
              </>
            ),
          },
          { header: t('hotline.columns.rung'), cell: (call) => <RungSummary call={call} /> },
          {
            header: t('hotline.columns.placed'),
            cell: (call) => <CallTime iso={call.createdAt} />,
            className: 'nowrap',
          },
        ]}
      />
    </section>
  );
}

function Composer({ onCancel }: { onCancel: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const navigate = useNavigate();
  const [peer, setPeer] = useState('');
  const [tier, setTier] = useState<Tier>('technical');
  const [priority, setPriority] = useState<Priority>('urgent');
  const [subject, setSubject] = useState('');
  const [text, setText] = useState('');
  const [requests, setRequests] = useState<RequestView[]>([]);
  const [requestId, setRequestId] = useState('');
  const cases = useCasesOf(peer);
  const [caseId, setCaseId] = useState('');
  const place = useSubmit(
    async (body: PlaceCallBody) => {
      try {
        return await api.placeCall(body);
      } catch (error) {
        // The case is not (or no longer) one the peer holds: said in the composer's words.
        if (
          error instanceof ApiError &&
          (error.code === 'case_not_found' || error.code === 'case_not_shared')
        ) {
          place.fail({
            message: t(`hotline.form.caseErrors.${error.code}`, { peer: body.peer }),
            field: 'caseId',
          });
          return null;
        }
        throw error;
      }
    },
    (call) => {
      if (call) void navigate(`/hotline/${call.id}`);
    },
  );
  const { busy, fail } = place;
  const peers = useActivePeers(setPeer, (error) => fail({ error }));
  const invalid = problemFields(place.problem);

  useEffect(() => {
    setRequestId('');
    setCaseId('');
    if (!peer) return setRequests([]);
    let live = true;
    requestsApi.listRequests({ peer }).then(
      (list) => {
        if (live) setRequests(list.filter((r) => r.status !== 'draft'));
      },
      () => {
        if (live) setRequests([]);
      },
    );
    return () => {
      live = false;
    };
  }, [peer]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!peer) {
      place.fail({ message: t('hotline.form.peerRequired'), field: 'peer' });
      return;
    }
    if (subject.trim() === '') {
      place.fail({ message: t('hotline.form.subjectRequired'), field: 'subject' });
      return;
    }
    void place.submit({
      peer,
      tier,
      priority,
      subject: subject.trim(),
      text: text.trim(),
      ...(requestId ? { requestId } : {}),
      ...(caseId ? { caseId } : {}),
    });
  };

  return (
    <section className="card hotline-composer" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('hotline.form.title')}</h2>
      {peers && peers.length === 0 ? (
        <div className="empty">
          <p>{t('notes.noActivePeer')}</p>
        </div>
      ) : null}
      <form className="form" noValidate onSubmit={submit}>
        <ProblemAlert problem={place.problem} />
        <Field label={t('hotline.form.peer')} invalid={invalid.has('peer')}>
          <select value={peer} onChange={(e) => setPeer(e.target.value)}>
            <PeerOptions peers={peers} />
          </select>
        </Field>
        <TierPriorityFields
          id={id}
          tier={tier}
          priority={priority}
          onTier={setTier}
          onPriority={setPriority}
        />
        <Field label={t('hotline.form.subject')} invalid={invalid.has('subject')}>
          <input value={subject} maxLength={200} onChange={(e) => setSubject(e.target.value)} />
        </Field>
        <Field label={t('hotline.form.text')}>
          <textarea
            rows={4}
            maxLength={10_000}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </Field>
        <div className="field-row">
          <Field label={t('hotline.form.request')}>
            <select
              value={requestId}
              disabled={requests.length === 0}
              onChange={(e) => setRequestId(e.target.value)}
            >
              <option value="">{t('hotline.form.noRequest')}</option>
              {requests.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.reference} — {r.title}
                </option>
              ))}
            </select>
          </Field>
          <Field
            invalid={invalid.has('caseId')}
            label={t('hotline.form.case')}
            hint={peer ? t('hotline.form.caseHint', { peer }) : t('hotline.form.casePeerFirst')}
          >
            <select
              value={caseId}
              disabled={!peer || cases.list === null || cases.list.length === 0}
              onChange={(e) => setCaseId(e.target.value)}
            >
              <option value="">
                {peer && cases.list !== null && cases.list.length === 0
                  ? t('hotline.form.noCaseShared', { peer })
                  : t('hotline.form.noCase')}
              </option>
              {(cases.list ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.title}
                </option>
              ))}
            </select>
          </Field>
        </div>
        {cases.error ? <ErrorAlert error={cases.error} /> : null}
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {t('hotline.form.place')}
          </button>
          <button type="button" disabled={busy} onClick={onCancel}>
            {t('hotline.form.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}

/** Pages of cases read for the composer, at most (500 each). */
const CASE_PAGES = 10;

/**
 * The cases this node shares with `peer` (it opened them, or takes part in them): the only
 * ones a call to that peer may name. Read page by page, most recently changed first.
 */
function useCasesOf(peer: string): { list: CaseView[] | null; error: unknown } {
  const [state, setState] = useState<{ list: CaseView[] | null; error: unknown }>({
    list: null,
    error: null,
  });
  useEffect(() => {
    setState({ list: null, error: null });
    if (!peer) return;
    let live = true;
    void (async () => {
      try {
        const found: CaseView[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < CASE_PAGES; page++) {
          const answer = await casesApi.listCases({ limit: 500, ...(cursor ? { cursor } : {}) });
          found.push(
            ...answer.cases.filter((c) => c.owner === peer || c.participants.includes(peer)),
          );
          if (!answer.next) break;
          cursor = answer.next;
        }
        if (live) setState({ list: found, error: null });
      } catch (error) {
        if (live) setState({ list: [], error });
      }
    })();
    return () => {
      live = false;
    };
  }, [peer]);
  return state;
}
