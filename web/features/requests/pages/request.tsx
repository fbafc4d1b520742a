import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../../../app/client';
import * as api from '../api';
import {
  rolesAllow,
  type ArrangementState,
  type RequestDetail,
  type RequestEventView,
  type RequestView,
} from '../../../app/types';
import { ErrorAlert, problemFields, ProblemAlert } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { useSubmit } from '../../../ui/submit';
import { AttachmentPreview } from '../components/attachment-preview';
import { PrintActions, PrintHeader } from '../../../ui/print';
import { usePageTitle, useLoader } from '../../../ui/hooks';
import { EscalateRequest } from '../../hotline/components/hotline';
import { useLiveEvent } from '../../../app/live-events';
import {
  BothZones,
  DeadlineFact,
  FieldValue,
  FieldsForm,
  StatusBadge,
  UrgencyBadge,
  fileToAttachment,
  isRequestEvent,
  peerTimeZone,
  TitleField,
  UrgencyField,
} from '../components/requests';
import { useUser } from '../../../app/session';
import {
  MOVES,
  REQUEST_ACTIONS,
  REQUEST_FIELDS,
  URGENCIES,
  checkMove,
  type RequestAction,
  type RequestField,
  type RequestFields,
  type Urgency,
} from '../../../../src/core/requests';
// A value of a zod schema module: zod comes with it, in this page's chunk only.
import { MAX_ATTACHMENT_BYTES } from '../../../../src/core/requests';
import { ExerciseBadge } from '../../exercises/components/exercise-badge';
import '../i18n';

function isRequestField(value: unknown): value is RequestField {
  return typeof value === 'string' && (REQUEST_FIELDS as readonly string[]).includes(value);
}

/** The missing fields a refused send listed, by their translated names. */
function MissingFields({ missing }: { missing: readonly RequestField[] }) {
  const { t } = useTranslation();
  return (
    <div role="alert" className="alert alert-error">
      <p>{t('requests.draft.incomplete')}</p>
      <ul aria-label={t('requests.draft.missingLabel')}>
        {missing.map((field) => (
          <li key={field}>{t(`requests.fields.${field}`)}</li>
        ))}
      </ul>
    </div>
  );
}

/** What the draft editor and the moves are given: the request, and what to do once it changed. */
interface RequestPanelProps {
  request: RequestDetail;
  onChanged: (request: RequestView) => void;
}

function DraftEditor({ request, onChanged }: RequestPanelProps) {
  const { t } = useTranslation();
  const id = useId();
  const [arrangement, setArrangement] = useState<ArrangementState | null>(null);
  const [title, setTitle] = useState(request.title);
  const [urgency, setUrgency] = useState<Urgency>(request.urgency);
  const [fields, setFields] = useState<RequestFields>(request.fields as RequestFields);
  const [missing, setMissing] = useState<RequestField[]>([]);
  const [saved, setSaved] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const navigate = useNavigate();
  const remove = useSubmit(api.deleteRequest, () => {
    void navigate('/requests?direction=out', { replace: true });
  });

  const loadArrangement = useCallback(async () => {
    try {
      setArrangement(await api.getArrangement(request.peer));
    } catch (error) {
      remove.fail({ error });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- fail is stable
  }, [request.peer]);
  useEffect(() => {
    void loadArrangement();
  }, [loadArrangement]);
  useLiveEvent('arrangement.changed', () => void loadArrangement());

  const terms = arrangement?.inForce.terms.requestTypes[request.type];
  const required = terms?.requiredFields ?? [];
  const urgencies = URGENCIES.filter((u) => !terms || terms.deadlines[u] || u === urgency);

  const save = async () => {
    // An emptied field is sent as '' so that the node clears it.
    const patch: RequestFields = {};
    for (const field of REQUEST_FIELDS) {
      const value = fields[field];
      if (value !== undefined) patch[field] = value;
      else if (request.fields[field] !== undefined) patch[field] = '';
    }
    return api.updateDraft(request.id, { title: title.trim(), urgency, fields: patch });
  };

  const saveOrSend = useSubmit(
    async (send: boolean) => {
      setSaved(false);
      try {
        const updated = await save();
        setMissing([]);
        return send ? await api.sendRequest(request.id) : updated;
      } catch (error) {
        // What the arrangement still requires is shown beside each field, not as an alert.
        const list = error instanceof ApiError && error.code === 'request_incomplete';
        const named = list ? error.details['missing'] : [];
        setMissing(Array.isArray(named) ? named.filter(isRequestField) : []);
        throw error;
      }
    },
    (updated, send) => {
      if (!send) setSaved(true);
      onChanged(updated);
    },
  );
  const busy = saveOrSend.busy || remove.busy;
  const problem = saveOrSend.problem ?? remove.problem;
  const run = (send: boolean) => saveOrSend.submit(send);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(false);
  };

  return (
    <section className="card" aria-labelledby={`${id}-head`}>
      <h2 id={`${id}-head`}>{t('requests.draft.title')}</h2>
      <p className="muted">{t('requests.draft.intro')}</p>
      <form className="form" noValidate onSubmit={submit}>
        {missing.length > 0 ? (
          <MissingFields missing={missing} />
        ) : (
          <ProblemAlert problem={problem} />
        )}
        <div className="field-row">
          <TitleField id={`${id}-title`} value={title} onChange={setTitle} />
          <UrgencyField
            id={`${id}-urgency`}
            value={urgency}
            urgencies={urgencies}
            onChange={setUrgency}
          />
        </div>
        <FieldsForm
          required={required}
          fields={fields}
          invalid={missing}
          onChange={(field, value) => setFields((current) => ({ ...current, [field]: value }))}
        />
        <div className="form-actions">
          <button type="submit" disabled={busy}>
            {t('requests.draft.save')}
          </button>
          <button
            type="button"
            className="button-primary"
            disabled={busy}
            onClick={() => void run(true)}
          >
            {t('requests.draft.send')}
          </button>
          <button
            type="button"
            className="button-danger"
            disabled={busy}
            aria-expanded={confirmDelete}
            aria-controls={`${id}-delete`}
            onClick={() => setConfirmDelete(true)}
          >
            {t('requests.draft.delete')}
          </button>
          <p role="status" className="small">
            {saved ? t('requests.draft.saved') : ''}
          </p>
        </div>
        {confirmDelete ? (
          <div
            id={`${id}-delete`}
            className="confirm alert alert-error"
            role="alertdialog"
            aria-labelledby={`${id}-delete-q`}
          >
            <p id={`${id}-delete-q`}>{t('requests.draft.deleteConfirm')}</p>
            <div className="form-actions">
              <button
                type="button"
                className="button-danger"
                disabled={busy}
                onClick={() => {
                  setConfirmDelete(false);
                  void remove.submit(request.id);
                }}
              >
                {t('requests.draft.deleteYes')}
              </button>
              <button type="button" disabled={busy} onClick={() => setConfirmDelete(false)}>
                {t('requests.draft.deleteNo')}
              </button>
            </div>
          </div>
        ) : null}
      </form>
    </section>
  );
}

/** Moves that cannot be undone, sent only after a second, explicit confirmation. */
const CONFIRMED: readonly RequestAction[] = ['decline'];

const USER_ACTIONS = REQUEST_ACTIONS.filter(
  (action) => action !== 'send' && action !== 'expire_preservation',
);

/** Moves that set how long preserved data is kept (core: startsPreservation, extension). */
const SETS_PERIOD: readonly RequestAction[] = ['fulfil', 'fulfil_partially', 'extend_preservation'];

function Moves({ request, onChanged }: RequestPanelProps) {
  const { t } = useTranslation();
  const user = useUser();
  const id = useId();
  const side = request.direction === 'out' ? 'requester' : 'responder';
  const may = rolesAllow(user.roles, side === 'requester' ? 'requests.draft' : 'requests.handle');
  const [text, setText] = useState('');
  const [days, setDays] = useState('');
  const [confirming, setConfirming] = useState<RequestAction | null>(null);
  const file = useRef<HTMLInputElement>(null);
  const textArea = useRef<HTMLTextAreaElement>(null);
  const move = useSubmit(
    async (action: RequestAction, trimmed: string, chosen: File | undefined) => {
      const attachment = chosen ? await fileToAttachment(chosen) : undefined;
      const period = SETS_PERIOD.includes(action) && days.trim() !== '' ? Number(days) : undefined;
      return api.moveRequest(request.id, {
        action: action as Exclude<RequestAction, 'send' | 'expire_preservation'>,
        ...(trimmed ? { text: trimmed } : {}),
        ...(attachment ? { attachment } : {}),
        ...(period !== undefined ? { preservationDays: period } : {}),
      });
    },
    (updated) => {
      setText('');
      setDays('');
      if (file.current) file.current.value = '';
      onChanged(updated);
    },
  );

  const allowed = USER_ACTIONS.filter(
    (action) => checkMove(action, side, request.status, request.preservation) === undefined,
  );
  if (!may || allowed.length === 0) return null;
  const preservation = request.type === 'preservation' || request.type === 'preservation_extension';
  const setsPeriod = preservation && allowed.some((action) => SETS_PERIOD.includes(action));

  const run = (action: RequestAction) => {
    const trimmed = text.trim();
    if (MOVES[action].needsText && trimmed === '') {
      move.fail({ message: t('requests.moves.textRequired'), field: 'text' });
      textArea.current?.focus();
      return;
    }
    const chosen = file.current?.files?.[0];
    if (action === 'message' && trimmed === '' && !chosen) {
      move.fail({ message: t('requests.moves.messageEmpty'), field: 'text' });
      textArea.current?.focus();
      return;
    }
    if (chosen && chosen.size > MAX_ATTACHMENT_BYTES) {
      move.fail({ message: t('requests.moves.fileTooLarge'), field: 'file' });
      return;
    }
    if (SETS_PERIOD.includes(action) && days.trim() !== '') {
      const n = Number(days);
      if (!Number.isInteger(n) || n < 1 || n > 3650) {
        move.fail({ message: t('requests.moves.daysInvalid'), field: 'days' });
        return;
      }
    }
    // A decline cannot be taken back: it is sent only once confirmed.
    if (CONFIRMED.includes(action) && confirming !== action) {
      move.reset();
      setConfirming(action);
      return;
    }
    setConfirming(null);
    void move.submit(action, trimmed, chosen);
  };
  const invalid = problemFields(move.problem);
  const busy = move.busy;

  return (
    <section className="card" aria-labelledby={`${id}-head`}>
      <h2 id={`${id}-head`}>{t('requests.moves.title')}</h2>
      <div className="form">
        <ProblemAlert
          problem={move.problem}
          fields={{ text: t('requests.moves.text'), preservationDays: t('requests.moves.days') }}
        />
        <Field
          label={t('requests.moves.text')}
          hint={t('requests.moves.textHint')}
          invalid={invalid.has('text')}
        >
          <textarea
            ref={textArea}
            rows={3}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </Field>
        {setsPeriod ? (
          <Field
            label={t('requests.moves.days')}
            hint={t('requests.moves.daysHint')}
            invalid={invalid.has('days') || invalid.has('preservationDays')}
          >
            <input
              type="number"
              inputMode="numeric"
              min={1}
              max={3650}
              value={days}
              onChange={(e) => setDays(e.target.value)}
            />
          </Field>
        ) : null}
        <Field label={t('requests.moves.attachment')} invalid={invalid.has('file')}>
          <input ref={file} type="file" />
        </Field>
        <div className="form-actions">
          {allowed.map((action) => (
            <button
              key={action}
              type="button"
              className={
                action === 'decline' || action === 'withdraw' ? 'button-danger' : 'button-primary'
              }
              disabled={busy}
              aria-expanded={CONFIRMED.includes(action) ? confirming === action : undefined}
              onClick={() => run(action)}
            >
              {t(`requests.actions.${action}`)}
            </button>
          ))}
        </div>
        {confirming ? (
          <div
            className="confirm alert alert-error"
            role="alertdialog"
            aria-labelledby={`${id}-confirm`}
          >
            <p id={`${id}-confirm`}>{t('requests.moves.declineConfirm', { peer: request.peer })}</p>
            <div className="form-actions">
              <button
                type="button"
                className="button-danger"
                disabled={busy}
                onClick={() => run(confirming)}
              >
                {t('requests.moves.declineYes')}
              </button>
              <button type="button" disabled={busy} onClick={() => setConfirming(null)}>
                {t('requests.moves.declineNo')}
              </button>
            </div>
          </div>
        ) : null}
      </div>
    </section>
  );
}

/** A request's fields (or those a move changed), each under its translated name. */
function FieldList({ entries }: { entries: readonly [string, string | boolean][] }) {
  const { t } = useTranslation();
  return (
    <dl className="facts">
      {entries.map(([field, value]) => (
        <div key={field}>
          <dt>{isRequestField(field) ? t(`requests.fields.${field}`) : field}</dt>
          <dd>
            <FieldValue value={value} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

function TimelineItem({ request, event }: { request: RequestDetail; event: RequestEventView }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <li>
      <article
        className={`note note-${event.side === 'requester' ? 'out' : 'in'}`}
        aria-labelledby={id}
      >
        <header className="note-head">
          <span className="badge">{t(`requests.sides.${event.side}`)}</span>
          <h3 id={id} className="note-peer">
            {t(`requests.events.${event.action}`)}
          </h3>
          {event.applied ? null : <span className="tag">{t('requests.timeline.notApplied')}</span>}
        </header>
        {event.text ? <p className="note-text">{event.text}</p> : null}
        {event.fields && Object.keys(event.fields).length > 0 && event.action !== 'send' ? (
          <FieldList entries={Object.entries(event.fields)} />
        ) : null}
        {event.preservationDays ? (
          <p className="small">
            {t('requests.timeline.keptFor', { days: event.preservationDays })}
          </p>
        ) : null}
        {event.attachment ? (
          <div className="small">
            {t('requests.timeline.attachment')}{' '}
            <a
              href={api.attachmentUrl(request.id, event.attachment.id)}
              download={event.attachment.name}
            >
              {event.attachment.name}
            </a>{' '}
            <span className="muted">
              ({t('requests.timeline.bytes', { size: event.attachment.size })})
            </span>
            <br />
            <span className="muted">{t('requests.timeline.sha256')}</span>{' '}
            <code className="sha256">{event.attachment.sha256}</code>
            <AttachmentPreview
              url={api.attachmentUrl(request.id, event.attachment.id)}
              name={event.attachment.name}
              mediaType={event.attachment.mediaType}
            />
          </div>
        ) : null}
        <p className="note-meta small muted">
          {t('requests.timeline.by', { actor: event.actor, node: event.node })}
          {' · '}
          <BothZones iso={event.at} peerZone={peerTimeZone(request)} />
        </p>
      </article>
    </li>
  );
}

export function RequestPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const {
    data: request,
    setData: setRequest,
    error,
    reload: load,
  } = useLoader<RequestDetail>(useCallback(() => api.getRequest(id), [id]));
  usePageTitle(request ? `${request.reference} ${request.title}` : t('requests.title'));
  useLiveEvent('resync', () => void load());
  useLiveEvent('request.changed', (data) => {
    if (isRequestEvent(data) && data.request.id === id) void load();
  });
  useLiveEvent('request.deadline', (data) => {
    if ((data as { requestId?: unknown } | null)?.requestId === id) void load();
  });

  // A move or a save answered: show it at once, then read the timeline again.
  const changed = useCallback(
    (view: RequestView) => {
      setRequest((current) => (current ? { ...current, ...view } : current));
      void load();
    },
    [load, setRequest],
  );

  if (!request) {
    return (
      <section className="page">
        <h1>{t('requests.title')}</h1>
        {error ? <ErrorAlert error={error} /> : <p role="status">{t('common.loading')}</p>}
      </section>
    );
  }

  const fieldEntries = Object.entries(request.fields).filter(([, v]) => v !== '');
  return (
    <section className="page printable">
      <p className="small no-print">
        <Link to={request.direction === 'out' ? '/requests?direction=out' : '/requests'}>
          {t(request.direction === 'out' ? 'requests.backOut' : 'requests.backIn')}
        </Link>
      </p>
      <div className="section-head">
        <h1>
          {request.title} <ExerciseBadge exerciseId={request.exerciseId} />
        </h1>
        <PrintActions />
      </div>
      <PrintHeader />
      {error ? <ErrorAlert error={error} /> : null}
      <dl className="facts" aria-label={t('requests.detail.facts')}>
        <div>
          <dt>{t('requests.detail.reference')}</dt>
          <dd>
            <code>{request.reference}</code>
          </dd>
        </div>
        <div>
          <dt>{t('requests.detail.status')}</dt>
          <dd data-testid="request-status">
            <StatusBadge request={request} />
          </dd>
        </div>
        <div>
          <dt>{t('requests.detail.direction')}</dt>
          <dd>
            {t(
              request.direction === 'out' ? 'requests.detail.toPeer' : 'requests.detail.fromPeer',
              {
                peer: request.peer,
              },
            )}
          </dd>
        </div>
        <div>
          <dt>{t('requests.detail.type')}</dt>
          <dd>
            {t(`requests.types.${request.type}`)} <UrgencyBadge urgency={request.urgency} />
          </dd>
        </div>
        <div>
          <dt>{t('requests.detail.arrangement')}</dt>
          <dd>
            <Link to={`/arrangements/${request.peer}`}>
              {request.arrangementVersion === null
                ? t('requests.detail.arrangementInForce')
                : t('arrangements.version', { version: request.arrangementVersion })}
            </Link>
          </dd>
        </div>
        {request.sentAt ? (
          <div>
            <dt>{t('requests.detail.sentAt')}</dt>
            <dd>
              <BothZones iso={request.sentAt} peerZone={peerTimeZone(request)} />
            </dd>
          </div>
        ) : null}
        {request.status === 'draft' ? null : (
          <>
            <DeadlineFact request={request} which="acknowledge" />
            <DeadlineFact request={request} which="respond" />
          </>
        )}
        {request.preservedUntil ? (
          <div>
            <dt>{t('requests.detail.preservedUntil')}</dt>
            <dd>
              <BothZones iso={request.preservedUntil} peerZone={peerTimeZone(request)} />
            </dd>
          </div>
        ) : null}
      </dl>

      {request.status === 'draft' && request.direction === 'out' ? (
        <DraftEditor key={request.id} request={request} onChanged={changed} />
      ) : (
        <section aria-labelledby="request-fields">
          <h2 id="request-fields">{t('requests.detail.fields')}</h2>
          <FieldList entries={fieldEntries} />
        </section>
      )}

      {request.status === 'draft' ? null : <Moves request={request} onChanged={changed} />}

      <EscalateRequest request={request} />

      <section aria-labelledby="request-timeline">
        <h2 id="request-timeline">{t('requests.timeline.title')}</h2>
        {request.timeline.length === 0 ? (
          <p className="muted">{t('requests.timeline.empty')}</p>
        ) : (
          <ol className="notes" aria-labelledby="request-timeline">
            {request.timeline.map((event) => (
              <TimelineItem key={event.id} request={request} event={event} />
            ))}
          </ol>
        )}
      </section>
    </section>
  );
}
