import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import * as api from '../api';
import { rolesAllow, type ArrangementState, type RequestView } from '../../../app/types';
import { ErrorAlert } from '../../../ui/errors';
import { AsyncTable } from '../../../ui/async-table';
import { useActivePeers } from '../../peers/components/active-peers';
import { usePageTitle, useLoader } from '../../../ui/hooks';
import { useLiveEvent } from '../../../app/live-events';
import {
  Countdown,
  DueTime,
  ExerciseDeadlineTime,
  exerciseClockStands,
  FieldsForm,
  StatusText,
  UrgencyBadge,
  TitleField,
  UrgencyField,
  cleanFields,
  isRequestEvent,
} from '../components/requests';
import { useUser } from '../../../app/session';
import {
  REQUEST_TYPES,
  URGENCIES,
  type RequestFields,
  type RequestType,
  type Urgency,
} from '../../../../src/core/requests';
import '../../notes/i18n';
import { ExerciseBadge } from '../../exercises/components/exercise-badge';
import '../i18n';

type Direction = 'in' | 'out';

/** Newest first; one row per id, the latest version of it. */
function upsert(list: RequestView[], request: RequestView): RequestView[] {
  const rest = list.filter((r) => r.id !== request.id);
  return [request, ...rest].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

export function RequestsPage() {
  const { t } = useTranslation();
  const user = useUser();
  const canDraft = rolesAllow(user.roles, 'requests.draft');
  usePageTitle(t('requests.title'));
  const [params, setParams] = useSearchParams();
  const direction: Direction = params.get('direction') === 'out' ? 'out' : 'in';
  const {
    data: requests,
    setData: setRequests,
    error,
    reload: load,
  } = useLoader<RequestView[]>(useCallback(() => api.listRequests({ direction }), [direction]));
  useLiveEvent('resync', () => void load());
  useLiveEvent('request.changed', (data) => {
    if (!isRequestEvent(data) || data.request.direction !== direction) return;
    setRequests((current) => (current ? upsert(current, data.request) : current));
  });
  useLiveEvent('request.deadline', () => void load());
  useLiveEvent('request.deleted', (data) => {
    const deleted = (data as { id?: unknown } | null)?.id;
    if (typeof deleted !== 'string') return;
    setRequests((current) => (current ? current.filter((r) => r.id !== deleted) : current));
  });

  const tab = (value: Direction) => (
    <button
      type="button"
      role="tab"
      aria-selected={direction === value}
      onClick={() => setParams(value === 'in' ? {} : { direction: value })}
    >
      {t(value === 'in' ? 'requests.inbox' : 'requests.outbox')}
    </button>
  );

  return (
    <section className="page">
      <div className="section-head">
        <h1>{t('requests.title')}</h1>
        {canDraft ? (
          <Link className="button-primary" to="/requests/new">
            {t('requests.new')}
          </Link>
        ) : null}
      </div>
      <p className="lead">{t('requests.intro')}</p>
      <p className="small">
        <Link to="/arrangements">{t('requests.arrangementsLink')}</Link>
      </p>
      <div role="tablist" aria-label={t('requests.direction')} className="segmented tabs">
        {tab('in')}
        {tab('out')}
      </div>
      <AsyncTable
        rows={requests}
        error={error}
        empty={<p>{t(direction === 'in' ? 'requests.emptyIn' : 'requests.emptyOut')}</p>}
        label={t(direction === 'in' ? 'requests.inbox' : 'requests.outbox')}
        rowKey={(request) => request.id}
        rowClassName={(request) => `urgency-row-${request.urgency}`}
        columns={[
          {
            header: t('requests.columns.reference'),
            cell: (request) => <Link to={`/requests/${request.id}`}>{request.reference}</Link>,
          },
          {
            header: t('requests.columns.title'),
            cell: (request) => (
              <>
                <ExerciseBadge exerciseId={request.exerciseId} />
                {request.title}
              </>
            ),
          },
          { header: t('requests.columns.peer'), cell: (request) => request.peer },
          {
            header: t('requests.columns.type'),
            cell: (request) => (
              <>
                {t(`requests.types.${request.type}`)} <UrgencyBadge urgency={request.urgency} />
              </>
            ),
          },
          {
            header: t('requests.columns.status'),
            cell: (request) => (
              <span data-testid="request-row-status">
                <StatusText request={request} />
              </span>
            ),
          },
          {
            header: t('requests.columns.deadline'),
            cell: (request) => <OpenDeadline request={request} />,
          },
        ]}
      />
    </section>
  );
}

/** The deadline the request's row waits on (acknowledge, then respond), or a dash. */
function OpenDeadline({ request }: { request: RequestView }) {
  const { t } = useTranslation();
  const open =
    request.status === 'sent'
      ? request.acknowledge
      : request.respond?.metAt === null
        ? request.respond
        : null;
  if (!open || request.status === 'draft') return <span className="muted">—</span>;
  return (
    <>
      <span className="small muted">
        {t(
          request.status === 'sent' ? 'requests.deadline.acknowledge' : 'requests.deadline.respond',
        )}
        :{' '}
      </span>
      <Countdown deadline={open} stands={exerciseClockStands(request)} />
      <br />
      {request.exerciseDeadlines ? (
        <ExerciseDeadlineTime
          request={request}
          which={request.status === 'sent' ? 'acknowledge' : 'respond'}
        />
      ) : (
        <DueTime iso={open.dueAt} />
      )}
    </>
  );
}

export function NewRequestPage() {
  const { t } = useTranslation();
  const id = useId();
  const navigate = useNavigate();
  usePageTitle(t('requests.newTitle'));
  const [peer, setPeer] = useState('');
  const [arrangement, setArrangement] = useState<ArrangementState | null>(null);
  const [type, setType] = useState<RequestType>('preservation');
  const [urgency, setUrgency] = useState<Urgency>('routine');
  const [title, setTitle] = useState('');
  const [fields, setFields] = useState<RequestFields>({});
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ message?: string; error?: unknown } | null>(null);
  const peers = useActivePeers(setPeer, (error) => setProblem({ error }));

  const loadArrangement = useCallback(async () => {
    if (!peer) return setArrangement(null);
    try {
      setArrangement(await api.getArrangement(peer));
    } catch (error) {
      setProblem({ error });
    }
  }, [peer]);
  useEffect(() => {
    void loadArrangement();
  }, [loadArrangement]);
  useLiveEvent('arrangement.changed', () => void loadArrangement());

  const terms = arrangement?.inForce.terms.requestTypes[type];
  const required = terms?.requiredFields ?? [];
  const allowedTypes = REQUEST_TYPES.filter(
    (candidate) => !arrangement || arrangement.inForce.terms.requestTypes[candidate]?.allowed,
  );
  const urgencies = URGENCIES.filter((u) => !terms || terms.deadlines[u]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!peer) return setProblem({ message: t('requests.form.peerRequired') });
    if (title.trim() === '') return setProblem({ message: t('requests.form.titleRequired') });
    setProblem(null);
    setBusy(true);
    try {
      const created = await api.createRequest({
        peer,
        type,
        urgency: urgencies.includes(urgency) ? urgency : (urgencies[0] ?? urgency),
        title: title.trim(),
        fields: cleanFields(fields),
      });
      await navigate(`/requests/${created.id}`);
    } catch (error) {
      setProblem({ error });
      setBusy(false);
    }
  };

  return (
    <section className="page">
      <h1>{t('requests.newTitle')}</h1>
      <p className="lead">{t('requests.newIntro')}</p>
      {peers === null && !problem ? <p role="status">{t('common.loading')}</p> : null}
      {peers && peers.length === 0 ? (
        <div className="empty">
          <p>{t('notes.noActivePeer')}</p>
        </div>
      ) : null}
      <form className="form" noValidate onSubmit={(event) => void submit(event)}>
        {problem ? <ErrorAlert {...problem} /> : null}
        <div className="field">
          <label htmlFor={`${id}-peer`}>{t('requests.form.peer')}</label>
          <select id={`${id}-peer`} value={peer} onChange={(e) => setPeer(e.target.value)}>
            <option value="">{t('notes.choosePeer')}</option>
            {(peers ?? []).map((p) => (
              <option key={p.nodeId} value={p.nodeId}>
                {p.name} ({p.nodeId})
              </option>
            ))}
          </select>
        </div>
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${id}-type`}>{t('requests.form.type')}</label>
            <select
              id={`${id}-type`}
              value={type}
              onChange={(e) => setType(e.target.value as RequestType)}
            >
              {allowedTypes.map((candidate) => (
                <option key={candidate} value={candidate}>
                  {t(`requests.types.${candidate}`)}
                </option>
              ))}
            </select>
          </div>
          <UrgencyField
            id={`${id}-urgency`}
            value={urgencies.includes(urgency) ? urgency : (urgencies[0] ?? urgency)}
            urgencies={urgencies}
            onChange={setUrgency}
          />
        </div>
        <TitleField id={`${id}-title`} value={title} onChange={setTitle} />
        <FieldsForm
          required={required}
          fields={fields}
          onChange={(field, value) => setFields((current) => ({ ...current, [field]: value }))}
        />
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {t('requests.form.saveDraft')}
          </button>
        </div>
      </form>
    </section>
  );
}
