import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { ApiError } from '../../../app/client';
import * as api from '../api';
import {
  PRIORITIES,
  TIERS,
  isOpen,
  rolesAllow,
  type CallView,
  type EscalateRequestBody,
  type HotlineAlertReason,
  type PeerView,
  type Priority,
  type RequestView,
  type Tier,
} from '../../../app/types';
import { setMuted, useAlarm, useAudioState, useMuted } from '../../../app/alarm';
import { ChoiceField } from '../../../ui/choice-field';
import { ProblemAlert } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { useSubmit } from '../../../ui/submit';
import { formatDateTime, formatDuration, formatZoneTime, zoneOffset } from '../../../ui/format';
import { useNow } from '../../../ui/hooks';
import { useLiveEvent } from '../../../app/live-events';
import { useUser, useUserTimeZone } from '../../../app/session';
import { ExerciseBadge } from '../../exercises/components/exercise-badge';
import '../../notes/i18n';
import '../i18n';

const ALERT_REASONS: readonly HotlineAlertReason[] = [
  'incoming',
  'rung',
  'reminder',
  'not_delivered',
  'delivered',
  'acknowledged',
];

export function isCallEvent(data: unknown): data is { call: CallView } {
  if (typeof data !== 'object' || data === null) return false;
  const call = (data as Record<string, unknown>)['call'];
  return typeof call === 'object' && call !== null && 'id' in call && 'direction' in call;
}

export function isAlertEvent(
  data: unknown,
): data is { call: CallView; reason: HotlineAlertReason } {
  if (!isCallEvent(data)) return false;
  const reason = (data as unknown as Record<string, unknown>)['reason'];
  return (ALERT_REASONS as readonly unknown[]).includes(reason);
}

const PRIORITY_RANK: Record<Priority, number> = { flash: 0, urgent: 1, routine: 2 };

/** For the banner: flash first, then the rung deadline that comes soonest. */
function mostPressingFirst(calls: CallView[]): CallView[] {
  return [...calls].sort(
    (a, b) =>
      PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
      (a.rungDeadlineAt ?? '\uffff').localeCompare(b.rungDeadlineAt ?? '\uffff') ||
      a.createdAt.localeCompare(b.createdAt),
  );
}

/** Newest first; one row per id, the latest version of it (by `updatedAt`). */
export function upsertCall(list: CallView[], call: CallView): CallView[] {
  const existing = list.find((c) => c.id === call.id);
  if (existing && existing.updatedAt > call.updatedAt) return list;
  const rest = list.filter((c) => c.id !== call.id);
  return [call, ...rest].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

export function CallStateBadge({ call }: { call: Pick<CallView, 'state'> }) {
  const { t } = useTranslation();
  return (
    <span className={`badge call-state call-state-${call.state}`}>
      {t(`hotline.states.${call.state}`)}
    </span>
  );
}

export function PriorityBadge({ priority }: { priority: Priority }) {
  const { t } = useTranslation();
  return (
    <span className={`badge priority priority-${priority}`}>
      {t(`hotline.priorities.${priority}`)}
    </span>
  );
}

/**
 * A date and time in the user's zone, with the zone named ("3 Dec 2026, 02:15:00 (GMT-5)"),
 * so the duty officer and the caller's side never read each other's clock by mistake;
 * `short` gives the time of day alone ("02:15 (GMT-5)").
 */
export function CallTime({ iso, short = false }: { iso: string; short?: boolean }) {
  const { i18n } = useTranslation();
  const zone = useUserTimeZone();
  return <time dateTime={iso}>{zonedText(iso, i18n.language, zone, short)}</time>;
}

/** CallTime's text, for a sentence. */
export function zonedText(iso: string, language: string, zone: string, short = false): string {
  const date = new Date(iso);
  if (short) return formatZoneTime(date, language, zone);
  const offset = zoneOffset(date, language, zone);
  const text = formatDateTime(date, language, zone);
  return offset ? `${text} (${offset})` : text;
}

/** Time left until a deadline, counting every second; "late by …" once past. */
export function DeadlineCountdown({ deadline }: { deadline: string }) {
  const { t, i18n } = useTranslation();
  const now = useNow();
  const left = Date.parse(deadline) - now.getTime();
  return (
    <span className={left <= 0 ? 'deadline-overdue' : left < 60_000 ? 'deadline-due_soon' : ''}>
      {left <= 0
        ? t('hotline.late', { duration: formatDuration(-left, i18n.language) })
        : t('hotline.left', { duration: formatDuration(left, i18n.language) })}
    </span>
  );
}

/** "Rung 2 of 3 · 4 min 10 s left", or what stands instead while no rung runs. */
export function RungSummary({ call }: { call: CallView }) {
  const { t } = useTranslation();
  if (call.rung === null) return <span className="muted">—</span>;
  return (
    <span className="rung-summary">
      {call.rungs
        ? t('hotline.rungOf', { rung: call.rung, rungs: call.rungs })
        : t('hotline.rungOnly', { rung: call.rung })}
      {call.exhausted ? <span className="tag">{t('hotline.exhausted')}</span> : null}
      {call.rungDeadlineAt && isOpen(call.state) ? (
        <>
          {' · '}
          <DeadlineCountdown deadline={call.rungDeadlineAt} />
        </>
      ) : null}
    </span>
  );
}

const ALERTED_KEY = 'liaison.hotline.alerted';

/** Calls the node alerted this user about, remembered for this tab (across reloads). */
function readAlerted(): Set<string> {
  try {
    const stored: unknown = JSON.parse(sessionStorage.getItem(ALERTED_KEY) ?? '[]');
    return new Set(Array.isArray(stored) ? stored.filter((v) => typeof v === 'string') : []);
  } catch {
    return new Set();
  }
}

function writeAlerted(ids: ReadonlySet<string>): void {
  try {
    sessionStorage.setItem(ALERTED_KEY, JSON.stringify([...ids]));
  } catch {
    // Storage disabled: remembered for this page only.
  }
}

interface OutNotice {
  call: CallView;
  reason: 'not_delivered' | 'delivered' | 'acknowledged';
}

/**
 * On every page: the peers' calls waiting for someone here to acknowledge them (for those
 * who may answer), ringing while one this user was alerted about stays open; and, for a
 * caller, their call that could not be delivered, or that was delivered or acknowledged.
 */
export function HotlineBanner() {
  const { t } = useTranslation();
  const user = useUser();
  const canAnswer = rolesAllow(user.roles, 'hotline.answer');
  const [calls, setCalls] = useState<CallView[]>([]);
  const [alerted, setAlerted] = useState<Set<string>>(readAlerted);
  const [notices, setNotices] = useState<OutNotice[]>([]);
  const [announcement, setAnnouncement] = useState('');
  const seen = useRef(new Set<string>());

  const remember = useCallback((update: (ids: Set<string>) => void) => {
    setAlerted((current) => {
      const next = new Set(current);
      update(next);
      writeAlerted(next);
      return next;
    });
  }, []);

  const load = useCallback(async () => {
    if (!canAnswer) return;
    try {
      const open = await api.listCalls({ direction: 'in', open: true });
      setCalls(open);
      // A call nobody has seen yet rings for whoever opens Liaison now (the officer who
      // logs in after the alert went out), not only for the tabs that were alerted.
      const unseen = open.filter((call) => call.state === 'delivered');
      if (unseen.length > 0) remember((ids) => unseen.forEach((call) => ids.add(call.id)));
    } catch {
      // The banner stays as it was; the hotline page shows the error.
    }
  }, [canAnswer, remember]);
  useEffect(() => {
    void load();
  }, [load]);
  useLiveEvent('resync', () => void load());

  useLiveEvent('hotline.changed', (data) => {
    if (!isCallEvent(data)) return;
    const call = data.call;
    if (call.direction === 'in') {
      if (isOpen(call.state)) {
        setCalls((current) =>
          canAnswer || current.some((c) => c.id === call.id) ? upsertCall(current, call) : current,
        );
      } else {
        setCalls((current) => current.filter((c) => c.id !== call.id));
        remember((ids) => ids.delete(call.id));
      }
    } else {
      setNotices((current) =>
        current
          .map((notice) => (notice.call.id === call.id ? { ...notice, call } : notice))
          .filter(
            (notice) =>
              notice.reason !== 'not_delivered' ||
              notice.call.state === 'not_delivered' ||
              notice.call.state === 'sent',
          ),
      );
    }
  });

  useLiveEvent('hotline.alert', (data) => {
    if (!isAlertEvent(data)) return;
    const { call, reason } = data;
    if (call.direction === 'in') {
      if (!isOpen(call.state)) return;
      setCalls((current) => upsertCall(current, call));
      remember((ids) => ids.add(call.id));
      setAnnouncement(
        t('hotline.banner.announce', {
          priority: t(`hotline.priorities.${call.priority}`),
          peer: call.peer,
          subject: call.subject,
        }),
      );
    } else if (reason === 'not_delivered' || reason === 'delivered' || reason === 'acknowledged') {
      setNotices((current) => [
        { call, reason },
        ...current.filter((notice) => notice.call.id !== call.id),
      ]);
    }
  });

  // Shown to someone who may answer: the caller learns the call was seen (once per call).
  useEffect(() => {
    if (!canAnswer) return;
    for (const call of calls) {
      if (call.state !== 'delivered' || seen.current.has(call.id)) continue;
      seen.current.add(call.id);
      api.markCallSeen(call.id).then(
        (detail) => setCalls((current) => upsertCall(current, detail)),
        () => seen.current.delete(call.id),
      );
    }
  }, [calls, canAnswer]);

  const ringingCalls = calls.filter((c) => alerted.has(c.id));
  const undelivered = notices.filter((n) => n.reason === 'not_delivered');
  const ringing = ringingCalls.length > 0 || undelivered.length > 0;
  const flash = [...ringingCalls, ...undelivered.map((n) => n.call)].some(
    (c) => c.priority === 'flash',
  );
  useAlarm(ringing, flash ? 1000 : 2000);

  const acknowledge = useSubmit(async (call: CallView) => {
    try {
      await api.acknowledgeCall(call.id);
    } catch (error) {
      // Someone else took it first: it leaves the banner like any acknowledged call.
      if (!(error instanceof ApiError && error.code === 'call_already_acknowledged')) {
        void load();
        throw error;
      }
    }
    setCalls((current) => current.filter((c) => c.id !== call.id));
    remember((ids) => ids.delete(call.id));
  });

  const dismiss = (id: string) =>
    setNotices((current) => current.filter((notice) => notice.call.id !== id));

  const live = (
    <p className="visually-hidden" role="status" aria-live="assertive">
      {announcement}
    </p>
  );
  if (calls.length === 0 && notices.length === 0) return live;

  return (
    <>
      {live}
      {calls.length > 0 ? (
        <section
          className={`hotline-banner${calls.some((c) => c.priority === 'flash') ? ' hotline-banner-flash' : ''}`}
          aria-labelledby="hotline-banner-title"
          data-alarm={ringingCalls.length > 0 ? 'ringing' : 'quiet'}
        >
          <div className="hotline-banner-head">
            <h2 id="hotline-banner-title" className="hotline-banner-title">
              {t('hotline.banner.title', { count: calls.length })}
            </h2>
            <SoundControl ringing={ringing} />
          </div>
          <ProblemAlert problem={acknowledge.problem} />
          <ul className="hotline-banner-list">
            {mostPressingFirst(calls).map((call) => (
              <li key={call.id} className={`priority-row-${call.priority}`}>
                <div className="hotline-banner-call">
                  <p>
                    <ExerciseBadge exerciseId={call.exerciseId} />
                    <PriorityBadge priority={call.priority} />
                    <span className="badge">{t(`hotline.tiers.${call.tier}`)}</span>
                    <CallStateBadge call={call} />
                    {alerted.has(call.id) ? (
                      <span className="tag">{t('hotline.banner.alertingYou')}</span>
                    ) : null}
                  </p>
                  <p>
                    {t('hotline.banner.from', { peer: call.peer, caller: call.caller })}{' '}
                    <Link to={`/hotline/${call.id}`} className="hotline-subject">
                      {call.subject}
                    </Link>
                  </p>
                  <p className="small">
                    {t('hotline.banner.placed')} <CallTime iso={call.createdAt} short /> ·{' '}
                    <RungSummary call={call} />
                  </p>
                </div>
                {canAnswer ? (
                  <button
                    type="button"
                    className="button-primary"
                    disabled={acknowledge.busy}
                    aria-label={t('hotline.banner.acknowledgeOne', {
                      peer: call.peer,
                      subject: call.subject,
                    })}
                    onClick={() => void acknowledge.submit(call)}
                  >
                    {t('hotline.acknowledge')}
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
          <p className="small">
            <Link to="/hotline">{t('hotline.banner.more')}</Link>
          </p>
        </section>
      ) : null}
      {notices.map(({ call, reason }) => (
        <section
          key={call.id}
          className={`hotline-notice ${reason === 'not_delivered' ? 'alert alert-error' : 'alert alert-ok'}`}
          aria-label={t(`hotline.notice.${reason}Title`)}
          data-alarm={reason === 'not_delivered' ? 'ringing' : 'quiet'}
        >
          <p>
            <ExerciseBadge exerciseId={call.exerciseId} />
            {t(`hotline.notice.${reason}`, {
              peer: call.peer,
              subject: call.subject,
              by: call.acknowledgedBy ?? '',
            })}
          </p>
          <p className="small">
            <Link to={`/hotline/${call.id}`}>{t('hotline.notice.open')}</Link>{' '}
            <button type="button" className="button-quiet" onClick={() => dismiss(call.id)}>
              {t('hotline.notice.dismiss')}
            </button>
            {reason === 'not_delivered' ? <SoundControl ringing={ringing} /> : null}
          </p>
        </section>
      ))}
    </>
  );
}

/** Mute / unmute, and why there is no sound yet when the browser still blocks it. */
function SoundControl({ ringing }: { ringing: boolean }) {
  const { t } = useTranslation();
  const muted = useMuted();
  const audio = useAudioState();
  return (
    <span className="sound-control">
      {ringing && !muted && audio === 'blocked' ? (
        <span className="small muted">{t('hotline.sound.blocked')}</span>
      ) : null}
      <button
        type="button"
        className="button-quiet"
        aria-pressed={muted}
        onClick={() => setMuted(!muted)}
      >
        {t('hotline.sound.mute')}
      </button>
    </span>
  );
}

/** On a request's page: raise it as a hotline call to the peer, in one action. */
export function EscalateRequest({ request }: { request: RequestView }) {
  const { t } = useTranslation();
  const id = useId();
  const user = useUser();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [tier, setTier] = useState<Tier>('formal_inquiry');
  const [priority, setPriority] = useState<Priority>('urgent');
  const [text, setText] = useState('');
  const escalate = useSubmit(
    (body: EscalateRequestBody) => api.escalateRequest(request.id, body),
    (call) => void navigate(`/hotline/${call.id}`),
  );
  const busy = escalate.busy;
  if (!rolesAllow(user.roles, 'hotline.call') || request.status === 'draft') return null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void escalate.submit({ tier, priority, ...(text.trim() ? { text: text.trim() } : {}) });
  };

  if (!open) {
    return (
      <div className="form-actions actions-block">
        <button type="button" className="button-danger" onClick={() => setOpen(true)}>
          {t('hotline.escalate.open')}
        </button>
      </div>
    );
  }
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('hotline.escalate.title')}</h2>
      <p className="muted">{t('hotline.escalate.intro', { peer: request.peer })}</p>
      <form className="form" noValidate onSubmit={submit}>
        <ProblemAlert problem={escalate.problem} />
        <TierPriorityFields
          id={id}
          tier={tier}
          priority={priority}
          onTier={setTier}
          onPriority={setPriority}
        />
        <Field label={t('hotline.escalate.text')}>
          <textarea
            rows={3}
            maxLength={10_000}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </Field>
        <div className="form-actions">
          <button type="submit" className="button-danger" disabled={busy}>
            {t('hotline.escalate.submit')}
          </button>
          <button type="button" disabled={busy} onClick={() => setOpen(false)}>
            {t('hotline.form.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}

/** The tier and priority of a call, side by side (the composer and "raise a request"). */
export function TierPriorityFields({
  id,
  tier,
  priority,
  onTier,
  onPriority,
}: {
  id: string;
  tier: Tier;
  priority: Priority;
  onTier: (tier: Tier) => void;
  onPriority: (priority: Priority) => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="field-row">
      <ChoiceField
        id={`${id}-tier`}
        label={t('hotline.form.tier')}
        value={tier}
        options={TIERS}
        labelOf={(value) => t(`hotline.tiers.${value}`)}
        onChange={onTier}
      />
      <ChoiceField
        id={`${id}-priority`}
        label={t('hotline.form.priority')}
        value={priority}
        options={PRIORITIES}
        labelOf={(value) => t(`hotline.priorities.${value}`)}
        onChange={onPriority}
      />
    </div>
  );
}

/** A select's options: "Choose a peer…", then the peers by name and node. */
export function PeerOptions({ peers }: { peers: readonly PeerView[] | null }) {
  const { t } = useTranslation();
  return (
    <>
      <option value="">{t('notes.choosePeer')}</option>
      {(peers ?? []).map((p) => (
        <option key={p.nodeId} value={p.nodeId}>
          {p.name} ({p.nodeId})
        </option>
      ))}
    </>
  );
}
