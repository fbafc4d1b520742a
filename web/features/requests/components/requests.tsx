import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttachmentUpload, RequestView } from '../../../app/types';
import {
  REQUEST_FIELDS,
  STATEMENT_FIELDS,
  type RequestField,
  type RequestFields,
  type Urgency,
} from '../../../../src/core/requests';
import { formatScenarioTime } from '../../../../src/core/exercises/clock';
import { formatDateTime, formatDuration, zoneOffset } from '../../../ui/format';
import { useNow } from '../../../ui/hooks';
import { ChoiceField } from '../../../ui/choice-field';
import { useUserTimeZone } from '../../../app/session';
import '../i18n';

type Deadline = NonNullable<RequestView['acknowledge']>;

/** The peer's zone: the responder's when this node asks, the requester's when it answers. */
export function peerTimeZone(request: RequestView): string {
  return request.direction === 'out' ? request.responderTimeZone : request.requesterTimeZone;
}

/** A moment in the viewer's zone and in the peer's, each with its offset. */
export function BothZones({ iso, peerZone }: { iso: string; peerZone: string }) {
  const { t, i18n } = useTranslation();
  const zone = useUserTimeZone();
  const date = new Date(iso);
  return (
    <span className="both-zones">
      <time dateTime={iso}>
        {formatDateTime(date, i18n.language, zone)} ({zoneOffset(date, i18n.language, zone)})
      </time>
      <span className="muted small">
        {' · '}
        {t('requests.deadline.peerZone', {
          zone: peerZone,
          time: `${formatDateTime(date, i18n.language, peerZone)} (${zoneOffset(date, i18n.language, peerZone)})`,
        })}
      </span>
    </span>
  );
}

/** Whether a request's deadlines run on an exercise clock that stands (paused, or ended). */
export function exerciseClockStands(request: Pick<RequestView, 'exerciseDeadlines'>): boolean {
  return Boolean(request.exerciseDeadlines) && !request.exerciseDeadlines?.running;
}

/**
 * What is left, or how late: counts every second while the deadline is open; on an
 * exercise clock that stands (`stands`), the state the node gave and that the clock stands.
 */
export function Countdown({ deadline, stands = false }: { deadline: Deadline; stands?: boolean }) {
  const { t, i18n } = useTranslation();
  const now = useNow();
  if (stands && deadline.state !== 'met' && deadline.state !== 'missed') {
    return (
      <span className={`deadline-state deadline-${deadline.state}`}>
        {deadline.state === 'pending' ? null : (
          <strong>{t(`requests.deadlineStates.${deadline.state}`)} · </strong>
        )}
        {t('requests.deadline.clockStands')}
      </span>
    );
  }
  if (deadline.state === 'met' || deadline.state === 'missed') {
    return (
      <span className={`deadline-state deadline-${deadline.state}`}>
        {t(`requests.deadlineStates.${deadline.state}`)}
      </span>
    );
  }
  const due = Date.parse(deadline.dueAt);
  const soon = Date.parse(deadline.dueSoonAt);
  const left = due - now.getTime();
  const state = left <= 0 ? 'overdue' : now.getTime() >= soon ? 'due_soon' : deadline.state;
  const text =
    left <= 0
      ? t('requests.deadline.late', { duration: formatDuration(-left, i18n.language) })
      : t('requests.deadline.left', { duration: formatDuration(left, i18n.language) });
  return (
    <span className={`deadline-state deadline-${state}`}>
      {state === 'pending' ? null : <strong>{t(`requests.deadlineStates.${state}`)} · </strong>}
      {text}
    </span>
  );
}

/**
 * An exercise request's deadline in exercise time ("T+02:10 exercise time"), and the wall
 * instant the running clock now maps it to (none while the clock stands).
 */
export function ExerciseDeadlineTime({
  request,
  which,
}: {
  request: RequestView;
  which: 'acknowledge' | 'respond';
}) {
  const { t } = useTranslation();
  const deadline = request[which];
  const onClock = request.exerciseDeadlines;
  if (!onClock || !deadline) return null;
  const ms = which === 'acknowledge' ? onClock.acknowledgeMs : onClock.respondMs;
  return (
    <span className="exercise-deadline" data-testid="exercise-deadline">
      <strong>{t('requests.deadline.exerciseTime', { time: formatScenarioTime(ms) })}</strong>
      <br />
      {onClock.running ? (
        <>
          <span className="muted small">{t('requests.deadline.mapsTo')} </span>
          <BothZones iso={deadline.dueAt} peerZone={peerTimeZone(request)} />
        </>
      ) : (
        <span className="muted small">{t('requests.deadline.wallWhenRunning')}</span>
      )}
    </span>
  );
}

/** One deadline of a request: its countdown and due time in both zones (or exercise time). */
export function DeadlineFact({
  request,
  which,
}: {
  request: RequestView;
  which: 'acknowledge' | 'respond';
}) {
  const { t } = useTranslation();
  const deadline = request[which];
  return (
    <div>
      <dt>{t(`requests.deadline.${which}`)}</dt>
      <dd>
        {deadline ? (
          <>
            <Countdown deadline={deadline} stands={exerciseClockStands(request)} />
            <br />
            {request.exerciseDeadlines ? (
              <ExerciseDeadlineTime request={request} which={which} />
            ) : (
              <BothZones iso={deadline.dueAt} peerZone={peerTimeZone(request)} />
            )}
          </>
        ) : (
          <span className="muted">{t('requests.deadline.none')}</span>
        )}
      </dd>
    </div>
  );
}

/** A peer's request nobody here has acknowledged yet: "New" to the receiver, not "Sent". */
export function isNewIncoming(request: Pick<RequestView, 'direction' | 'status'>): boolean {
  return request.direction === 'in' && request.status === 'sent';
}

export function StatusText({ request }: { request: Pick<RequestView, 'direction' | 'status'> }) {
  const { t } = useTranslation();
  return isNewIncoming(request) ? (
    <span className="badge status-new">{t('requests.statusNew')}</span>
  ) : (
    <span className={`badge status-${request.status}`}>
      {t(`requests.statuses.${request.status}`)}
    </span>
  );
}

/** Routine grey, urgent amber, emergency red. */
export function UrgencyBadge({ urgency }: { urgency: Urgency }) {
  const { t } = useTranslation();
  return (
    <span className={`badge level level-${urgency}`}>{t(`requests.urgencies.${urgency}`)}</span>
  );
}

/** A due time in the viewer's zone, with its offset (the request page adds the peer's). */
export function DueTime({ iso }: { iso: string }) {
  const { i18n } = useTranslation();
  const zone = useUserTimeZone();
  const date = new Date(iso);
  return (
    <time dateTime={iso} className="small muted due-time">
      {formatDateTime(date, i18n.language, zone)} ({zoneOffset(date, i18n.language, zone)})
    </time>
  );
}

export function StatusBadge({ request }: { request: RequestView }) {
  const { t } = useTranslation();
  return (
    <>
      <StatusText request={request} />
      {request.preservation ? (
        <span className="badge">{t(`requests.preservationStatuses.${request.preservation}`)}</span>
      ) : null}
    </>
  );
}

/** The label of a field, with its "required" mark. */
export function FieldInput({
  field,
  value,
  required,
  invalid,
  onChange,
}: {
  field: RequestField;
  value: string | boolean | undefined;
  required: boolean;
  invalid: boolean;
  onChange: (value: string | boolean) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const label = t(`requests.fields.${field}`);
  if (STATEMENT_FIELDS.includes(field)) {
    return (
      <div className="field">
        <label className="checkbox" htmlFor={id}>
          <input
            id={id}
            type="checkbox"
            checked={value === true}
            aria-invalid={invalid || undefined}
            onChange={(event) => onChange(event.target.checked)}
          />{' '}
          {label}
          {required ? <span className="tag">{t('requests.form.required')}</span> : null}
        </label>
      </div>
    );
  }
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {required ? <span className="tag">{t('requests.form.required')}</span> : null}
      </label>
      <textarea
        id={id}
        rows={2}
        required={required}
        aria-invalid={invalid || undefined}
        value={typeof value === 'string' ? value : ''}
        onChange={(event) => onChange(event.target.value)}
      />
    </div>
  );
}

/** Field values for display: statements as yes/no. */
export function FieldValue({ value }: { value: string | boolean }) {
  const { t } = useTranslation();
  if (typeof value === 'boolean') return <>{value ? t('common.yes') : t('common.no')}</>;
  return <span className="note-text">{value}</span>;
}

export function cleanFields(fields: RequestFields): RequestFields {
  const out: RequestFields = {};
  for (const [key, value] of Object.entries(fields) as [RequestField, string | boolean][]) {
    if (typeof value === 'boolean' || value.trim() !== '') out[key] = value;
  }
  return out;
}

/** A file as the API takes it: base64 bytes and their SHA-256, computed here. */
export async function fileToAttachment(file: File): Promise<AttachmentUpload> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const sha256 = [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return {
    name: file.name,
    mediaType: file.type || 'application/octet-stream',
    content: btoa(binary),
    sha256,
  };
}

export function isRequestEvent(data: unknown): data is { request: RequestView } {
  if (typeof data !== 'object' || data === null) return false;
  const request = (data as Record<string, unknown>)['request'];
  return typeof request === 'object' && request !== null && 'id' in request;
}

/** The fields the arrangement requires, marked so, then the optional ones folded away. */
export function FieldsForm({
  required,
  fields,
  invalid = [],
  onChange,
}: {
  required: readonly RequestField[];
  fields: RequestFields;
  invalid?: readonly RequestField[];
  onChange: (field: RequestField, value: string | boolean) => void;
}) {
  const { t } = useTranslation();
  const optional = REQUEST_FIELDS.filter((f) => !required.includes(f));
  const input = (field: RequestField) => (
    <FieldInput
      key={field}
      field={field}
      value={fields[field]}
      required={required.includes(field)}
      invalid={invalid.includes(field)}
      onChange={(value) => onChange(field, value)}
    />
  );
  return (
    <fieldset className="field">
      <legend>{t('requests.form.fields')}</legend>
      <p className="field-hint">{t('requests.form.fieldsHint')}</p>
      {required.map(input)}
      <details open={optional.some((f) => fields[f] !== undefined && fields[f] !== '')}>
        <summary>{t('requests.form.optionalFields')}</summary>
        {optional.map(input)}
      </details>
    </fieldset>
  );
}

/** The urgency of a request, among those the arrangement gives deadlines for. */
export function UrgencyField({
  id,
  value,
  urgencies,
  onChange,
}: {
  id: string;
  value: Urgency;
  urgencies: readonly Urgency[];
  onChange: (urgency: Urgency) => void;
}) {
  const { t } = useTranslation();
  return (
    <ChoiceField
      id={id}
      label={t('requests.form.urgency')}
      value={value}
      options={urgencies}
      labelOf={(u) => t(`requests.urgencies.${u}`)}
      onChange={onChange}
    />
  );
}

/** A request's title (a draft's, a new request's). */
export function TitleField({
  id,
  value,
  onChange,
}: {
  id: string;
  value: string;
  onChange: (title: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="field">
      <label htmlFor={id}>{t('requests.form.title')}</label>
      <input id={id} value={value} maxLength={200} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}
