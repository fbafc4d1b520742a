import { useCallback, useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../app/client';
import * as contactsApi from '../../contacts/api';
import * as api from '../api';
import {
  CHANNELS,
  TIERS,
  WEEKDAY_NAMES,
  rolesAllow,
  type Channel,
  type ContactView,
  type CoverageView,
  type Ladder,
  type LadderTarget,
  type PeerCoverageView,
  type Rung,
  type ShiftBody,
  type ShiftView,
  type Tier,
  type WebhookView,
  type WeekdayName,
} from '../../../app/types';
import { ErrorAlert } from '../../../ui/errors';
import { timeZones } from '../../../ui/format';
import { CoverageGrid, IntervalList, coveredAndGaps, startOfDay } from '../components/coverage';
import { usePageTitle, useLoader } from '../../../ui/hooks';
import { useLiveEvent } from '../../../app/live-events';
import { usePeers } from '../../../ui/period';
import { useSession, useUser, useUserTimeZone } from '../../../app/session';
import { HotlineTabs } from './hotline';
import '../../contacts/i18n';
import '../i18n';
import '../../notes/i18n';

type Problem = { message?: string; error?: unknown } | null;

/** The duty roster, the coverage it gives, the ladder, the webhooks and the peer's coverage. */
export function HotlineRosterPage() {
  const { t } = useTranslation();
  const user = useUser();
  const canManage = rolesAllow(user.roles, 'hotline.manage');
  const canWebhooks = rolesAllow(user.roles, 'hotline.webhooks');
  usePageTitle(t('hotline.roster.title'));
  const { node } = useSession();
  const ownNode = node.node?.nodeId;
  const contacts = useLoader<ContactView[]>(
    useCallback(async () => (ownNode ? contactsApi.listContacts(ownNode) : []), [ownNode]),
  );
  // Supervisors pick webhooks for the ladder by name (secrets are never shown); only
  // admins add, change or remove them.
  const webhooks = useLoader<WebhookView[]>(
    useCallback(async () => (canManage ? api.listWebhooks() : []), [canManage]),
  );
  const { reload: reloadContacts } = contacts;
  const { reload: reloadWebhooks } = webhooks;
  useLiveEvent(['contact.changed', 'resync'], () => void reloadContacts());
  useLiveEvent(['hotline.roster', 'resync'], () => void reloadWebhooks());
  const own = (contacts.data ?? []).filter((c) => c.node === ownNode);

  return (
    <section className="page">
      <h1>{t('hotline.roster.title')}</h1>
      <p className="lead">{t('hotline.roster.intro')}</p>
      <HotlineTabs />
      {canManage ? (
        <>
          {contacts.error ? <ErrorAlert error={contacts.error} /> : null}
          <Shifts contacts={own} />
          <Coverage />
          <LadderEditor contacts={own} webhooks={webhooks.data ?? []} />
          {canWebhooks ? (
            <Webhooks
              webhooks={webhooks.data}
              error={webhooks.error}
              onChanged={() => void reloadWebhooks()}
            />
          ) : null}
        </>
      ) : (
        <div className="notice" role="note">
          <p>{t('hotline.roster.managersOnly')}</p>
        </div>
      )}
      <PeerCoverage />
    </section>
  );
}

// ---- shifts --------------------------------------------------------------------------

const EVERY_DAY: WeekdayName[] = [...WEEKDAY_NAMES];

interface ShiftDraft {
  tier: Tier;
  contactId: string;
  days: WeekdayName[];
  start: string;
  end: string;
  timeZone: string;
  from: string;
  until: string;
  rotate: boolean;
  everyWeeks: string;
  week: string;
}

function draftOf(shift?: ShiftView): ShiftDraft {
  return {
    tier: shift?.tier ?? 'technical',
    contactId: shift?.contactId ?? '',
    days: shift ? [...shift.days] : EVERY_DAY,
    start: shift?.start ?? '09:00',
    end: shift?.end ?? '17:00',
    timeZone: shift?.timeZone ?? '',
    from: shift?.from ?? '',
    until: shift?.until ?? '',
    rotate: Boolean(shift?.rotation),
    everyWeeks: String(shift?.rotation?.everyWeeks ?? 2),
    week: String(shift?.rotation?.week ?? 0),
  };
}

function bodyOf(draft: ShiftDraft): ShiftBody {
  return {
    tier: draft.tier,
    contactId: draft.contactId,
    days: WEEKDAY_NAMES.filter((d) => draft.days.includes(d)),
    start: draft.start,
    end: draft.end,
    ...(draft.timeZone ? { timeZone: draft.timeZone } : {}),
    from: draft.from || null,
    until: draft.until || null,
    rotation: draft.rotate
      ? { everyWeeks: Number(draft.everyWeeks), week: Number(draft.week) }
      : null,
  };
}

function Shifts({ contacts }: { contacts: ContactView[] }) {
  const { t } = useTranslation();
  const id = useId();
  const {
    data: shifts,
    error,
    reload,
  } = useLoader<ShiftView[]>(useCallback(() => api.listShifts(), []));
  useLiveEvent(['hotline.roster', 'resync'], () => void reload());
  const [editing, setEditing] = useState<ShiftView | 'new' | null>(null);
  const [problem, setProblem] = useState<unknown>(null);

  const remove = async (shift: ShiftView) => {
    if (!window.confirm(t('hotline.shifts.removeConfirm', { name: shift.contactName }))) return;
    setProblem(null);
    try {
      await api.removeShift(shift.id);
      await reload();
    } catch (failure) {
      setProblem(failure);
    }
  };

  return (
    <section aria-labelledby={`${id}-title`} className="hotline-section">
      <div className="section-head">
        <h2 id={`${id}-title`}>{t('hotline.shifts.title')}</h2>
        {editing === null ? (
          <button type="button" className="button-primary" onClick={() => setEditing('new')}>
            {t('hotline.shifts.add')}
          </button>
        ) : null}
      </div>
      <p className="muted">{t('hotline.shifts.intro')}</p>
      {error ? <ErrorAlert error={error} /> : null}
      {problem ? <ErrorAlert error={problem} /> : null}
      {editing !== null ? (
        <ShiftForm
          key={editing === 'new' ? 'new' : editing.id}
          shift={editing === 'new' ? undefined : editing}
          contacts={contacts}
          onDone={() => {
            setEditing(null);
            void reload();
          }}
          onCancel={() => setEditing(null)}
        />
      ) : null}
      {shifts === null ? (
        error ? null : (
          <p role="status">{t('common.loading')}</p>
        )
      ) : shifts.length === 0 ? (
        <div className="empty">
          <p>{t('hotline.shifts.empty')}</p>
        </div>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t('hotline.shifts.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('hotline.shifts.tier')}</th>
                <th scope="col">{t('hotline.shifts.contact')}</th>
                <th scope="col">{t('hotline.shifts.days')}</th>
                <th scope="col">{t('hotline.shifts.hours')}</th>
                <th scope="col">{t('hotline.shifts.dates')}</th>
                <th scope="col">{t('hotline.shifts.rotation')}</th>
                <th scope="col">{t('hotline.shifts.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {shifts.map((shift) => (
                <tr key={shift.id}>
                  <td>{t(`hotline.tiers.${shift.tier}`)}</td>
                  <th scope="row">{shift.contactName}</th>
                  <td>
                    {shift.days.length === 7
                      ? t('hotline.shifts.everyDay')
                      : shift.days.map((d) => t(`contacts.days.${d}`)).join(' ')}
                  </td>
                  <td className="nowrap">
                    {shift.start === shift.end
                      ? t('hotline.shifts.allDay')
                      : `${shift.start}–${shift.end}`}{' '}
                    <span className="muted small">{shift.timeZone}</span>
                  </td>
                  <td className="nowrap">
                    {shift.from || shift.until
                      ? `${shift.from ?? '…'} – ${shift.until ?? '…'}`
                      : t('hotline.shifts.always')}
                  </td>
                  <td>
                    {shift.rotation
                      ? t('hotline.shifts.rotationText', {
                          every: shift.rotation.everyWeeks,
                          week: shift.rotation.week + 1,
                        })
                      : '—'}
                  </td>
                  <td className="actions">
                    <button
                      type="button"
                      aria-label={t('hotline.shifts.editOne', { name: shift.contactName })}
                      onClick={() => setEditing(shift)}
                    >
                      {t('hotline.shifts.edit')}
                    </button>{' '}
                    <button
                      type="button"
                      className="button-quiet-danger"
                      aria-label={t('hotline.shifts.removeOne', { name: shift.contactName })}
                      onClick={() => void remove(shift)}
                    >
                      {t('hotline.shifts.remove')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function ShiftForm({
  shift,
  contacts,
  onDone,
  onCancel,
}: {
  shift: ShiftView | undefined;
  contacts: ContactView[];
  onDone: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const zones = useMemo(() => timeZones(), []);
  const [draft, setDraft] = useState<ShiftDraft>(() => draftOf(shift));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>(null);
  const set = <K extends keyof ShiftDraft>(key: K, value: ShiftDraft[K]) =>
    setDraft((current) => ({ ...current, [key]: value }));
  const contact = contacts.find((c) => c.id === draft.contactId);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!draft.contactId) return setProblem({ message: t('hotline.shifts.contactRequired') });
    if (draft.days.length === 0) return setProblem({ message: t('hotline.shifts.daysRequired') });
    setBusy(true);
    setProblem(null);
    try {
      const body = bodyOf(draft);
      if (shift) await api.updateShift(shift.id, body);
      else await api.createShift(body);
      onDone();
    } catch (error) {
      setProblem({ error });
      setBusy(false);
    }
  };

  return (
    <form className="form card" noValidate onSubmit={(event) => void submit(event)}>
      <h3>{shift ? t('hotline.shifts.editTitle') : t('hotline.shifts.addTitle')}</h3>
      {problem ? <ErrorAlert {...problem} /> : null}
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-tier`}>{t('hotline.shifts.tier')}</label>
          <select
            id={`${id}-tier`}
            value={draft.tier}
            onChange={(e) => set('tier', e.target.value as Tier)}
          >
            {TIERS.map((tier) => (
              <option key={tier} value={tier}>
                {t(`hotline.tiers.${tier}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-contact`}>{t('hotline.shifts.contact')}</label>
          <select
            id={`${id}-contact`}
            value={draft.contactId}
            onChange={(e) => set('contactId', e.target.value)}
          >
            <option value="">{t('hotline.shifts.chooseContact')}</option>
            {contacts.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      {contacts.length === 0 ? (
        <p className="field-hint">{t('hotline.shifts.noContacts')}</p>
      ) : null}
      <fieldset className="field checkboxes">
        <legend>{t('hotline.shifts.days')}</legend>
        {WEEKDAY_NAMES.map((day) => (
          <label key={day} className="checkbox">
            <input
              type="checkbox"
              checked={draft.days.includes(day)}
              onChange={(e) =>
                set(
                  'days',
                  e.target.checked ? [...draft.days, day] : draft.days.filter((d) => d !== day),
                )
              }
            />{' '}
            {t(`contacts.days.${day}`)}
          </label>
        ))}
      </fieldset>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-start`}>{t('hotline.shifts.start')}</label>
          <input
            id={`${id}-start`}
            type="time"
            value={draft.start}
            onChange={(e) => set('start', e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-end`}>{t('hotline.shifts.end')}</label>
          <input
            id={`${id}-end`}
            type="time"
            value={draft.end}
            aria-describedby={`${id}-end-hint`}
            onChange={(e) => set('end', e.target.value)}
          />
          <p className="field-hint" id={`${id}-end-hint`}>
            {t('hotline.shifts.endHint')}
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${id}-zone`}>{t('hotline.shifts.timeZone')}</label>
          <select
            id={`${id}-zone`}
            value={draft.timeZone}
            onChange={(e) => set('timeZone', e.target.value)}
          >
            <option value="">
              {t('hotline.shifts.contactZone', { zone: contact?.timeZone ?? '—' })}
            </option>
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {zone}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-from`}>{t('hotline.shifts.from')}</label>
          <input
            id={`${id}-from`}
            type="date"
            value={draft.from}
            onChange={(e) => set('from', e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-until`}>{t('hotline.shifts.until')}</label>
          <input
            id={`${id}-until`}
            type="date"
            value={draft.until}
            min={draft.from || undefined}
            onChange={(e) => set('until', e.target.value)}
          />
        </div>
      </div>
      <fieldset className="field">
        <legend>{t('hotline.shifts.rotation')}</legend>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={draft.rotate}
            onChange={(e) => set('rotate', e.target.checked)}
          />{' '}
          {t('hotline.shifts.rotate')}
        </label>
        {draft.rotate ? (
          <div className="field-row">
            <div className="field">
              <label htmlFor={`${id}-every`}>{t('hotline.shifts.everyWeeks')}</label>
              <input
                id={`${id}-every`}
                type="number"
                min={2}
                max={12}
                value={draft.everyWeeks}
                onChange={(e) => set('everyWeeks', e.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor={`${id}-week`}>{t('hotline.shifts.week')}</label>
              <select
                id={`${id}-week`}
                value={draft.week}
                onChange={(e) => set('week', e.target.value)}
              >
                {Array.from(
                  { length: Math.max(2, Math.min(12, Number(draft.everyWeeks) || 2)) },
                  (_, week) => (
                    <option key={week} value={String(week)}>
                      {t('hotline.shifts.weekN', { week: week + 1 })}
                    </option>
                  ),
                )}
              </select>
            </div>
          </div>
        ) : null}
        <p className="field-hint">{t('hotline.shifts.rotationHint')}</p>
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy}>
          {t('hotline.shifts.save')}
        </button>
        <button type="button" disabled={busy} onClick={onCancel}>
          {t('hotline.form.cancel')}
        </button>
      </div>
    </form>
  );
}

// ---- coverage ------------------------------------------------------------------------

const TWO_WEEKS = 24 * 14;

function Coverage() {
  const { t } = useTranslation();
  const id = useId();
  const zone = useUserTimeZone();
  const from = useMemo(() => new Date(startOfDay(Date.now(), zone)).toISOString(), [zone]);
  const {
    data: coverage,
    error,
    reload,
  } = useLoader<CoverageView>(useCallback(() => api.getCoverage(from, TWO_WEEKS), [from]));
  useLiveEvent(['hotline.roster', 'resync'], () => void reload());

  return (
    <section aria-labelledby={`${id}-title`} className="hotline-section">
      <h2 id={`${id}-title`}>{t('hotline.coverage.title')}</h2>
      <p className="muted">{t('hotline.coverage.intro', { zone })}</p>
      {error ? <ErrorAlert error={error} /> : null}
      {coverage === null ? (
        error ? null : (
          <p role="status">{t('common.loading')}</p>
        )
      ) : (
        TIERS.map((tier) => {
          const tierCoverage = coverage.tiers[tier];
          if (!tierCoverage) return null;
          return (
            <section key={tier} aria-labelledby={`${id}-${tier}`} className="coverage-tier">
              <h3 id={`${id}-${tier}`}>{t(`hotline.tiers.${tier}`)}</h3>
              {tierCoverage.gaps.length === 0 ? (
                <p className="deadline-met" data-testid={`gaps-${tier}`}>
                  {t('hotline.coverage.noGaps')}
                </p>
              ) : (
                <div className="alert alert-error coverage-gaps" data-testid={`gaps-${tier}`}>
                  <p>{t('hotline.coverage.gaps', { count: tierCoverage.gaps.length })}</p>
                  <IntervalList
                    intervals={tierCoverage.gaps}
                    timeZone={zone}
                    label={t('hotline.coverage.gapsLabel', { tier: t(`hotline.tiers.${tier}`) })}
                  />
                </div>
              )}
              <CoverageGrid tier={tier} coverage={tierCoverage} timeZone={zone} />
            </section>
          );
        })
      )}
    </section>
  );
}

// ---- ladder --------------------------------------------------------------------------

const NEW_RUNG: Rung = { targets: [{ kind: 'on_duty' }], channels: ['browser'], webhooks: [] };
const EMPTY_LADDER: Ladder = {
  tiers: { technical: [NEW_RUNG], formal_inquiry: [NEW_RUNG], senior: [NEW_RUNG] },
  fallback: { targets: [], channels: [], webhooks: [], emailPeerContacts: false },
};

function TargetsEditor({
  targets,
  contacts,
  label,
  onChange,
}: {
  targets: LadderTarget[];
  contacts: ContactView[];
  label: string;
  onChange: (targets: LadderTarget[]) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const valueOf = (target: LadderTarget) =>
    target.kind === 'on_duty' ? 'on_duty' : target.contactId;
  const targetOf = (value: string): LadderTarget =>
    value === 'on_duty' ? { kind: 'on_duty' } : { kind: 'contact', contactId: value };
  const firstContact = contacts[0];
  return (
    <fieldset className="field ladder-targets">
      <legend>{label}</legend>
      {targets.length === 0 ? <p className="muted small">{t('hotline.ladder.noTargets')}</p> : null}
      <ul className="plain">
        {targets.map((target, index) => (
          <li key={index} className="inline-field">
            <label htmlFor={`${id}-${index}`} className="visually-hidden">
              {t('hotline.ladder.targetN', { n: index + 1 })}
            </label>
            <select
              id={`${id}-${index}`}
              value={valueOf(target)}
              onChange={(e) =>
                onChange(targets.map((tg, i) => (i === index ? targetOf(e.target.value) : tg)))
              }
            >
              <option value="on_duty">{t('hotline.ladder.onDuty')}</option>
              {target.kind === 'contact' && !contacts.some((c) => c.id === target.contactId) ? (
                <option value={target.contactId}>{target.contactId}</option>
              ) : null}
              {contacts.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="button-quiet"
              onClick={() => onChange(targets.filter((_, i) => i !== index))}
            >
              {t('hotline.ladder.removeTarget')}
            </button>
          </li>
        ))}
      </ul>
      <div className="form-actions">
        <button type="button" onClick={() => onChange([...targets, { kind: 'on_duty' }])}>
          {t('hotline.ladder.addOnDuty')}
        </button>
        {firstContact ? (
          <button
            type="button"
            onClick={() => onChange([...targets, { kind: 'contact', contactId: firstContact.id }])}
          >
            {t('hotline.ladder.addContact')}
          </button>
        ) : null}
      </div>
    </fieldset>
  );
}

function ChannelsEditor({
  channels,
  webhookIds,
  webhooks,
  onChange,
}: {
  channels: Channel[];
  webhookIds: string[];
  webhooks: WebhookView[];
  onChange: (channels: Channel[], webhookIds: string[]) => void;
}) {
  const { t } = useTranslation();
  const known = new Map(webhooks.map((w) => [w.id, w.name]));
  const listed = [...webhooks.map((w) => w.id), ...webhookIds.filter((w) => !known.has(w))];
  return (
    <>
      <fieldset className="field checkboxes">
        <legend>{t('hotline.ladder.channels')}</legend>
        {CHANNELS.map((channel) => (
          <label key={channel} className="checkbox">
            <input
              type="checkbox"
              checked={channels.includes(channel)}
              onChange={(e) =>
                onChange(
                  e.target.checked
                    ? CHANNELS.filter((c) => c === channel || channels.includes(c))
                    : channels.filter((c) => c !== channel),
                  webhookIds,
                )
              }
            />{' '}
            {t(`hotline.channels.${channel}`)}
          </label>
        ))}
      </fieldset>
      {channels.includes('webhook') ? (
        <fieldset className="field checkboxes">
          <legend>{t('hotline.ladder.webhooks')}</legend>
          {listed.length === 0 ? (
            <p className="muted small">{t('hotline.ladder.noWebhooks')}</p>
          ) : null}
          {listed.map((webhookId) => (
            <label key={webhookId} className="checkbox">
              <input
                type="checkbox"
                checked={webhookIds.includes(webhookId)}
                onChange={(e) =>
                  onChange(
                    channels,
                    e.target.checked
                      ? [...webhookIds, webhookId]
                      : webhookIds.filter((w) => w !== webhookId),
                  )
                }
              />{' '}
              {known.get(webhookId) ?? webhookId}
            </label>
          ))}
        </fieldset>
      ) : null}
    </>
  );
}

function LadderEditor({
  contacts,
  webhooks,
}: {
  contacts: ContactView[];
  webhooks: WebhookView[];
}) {
  const { t } = useTranslation();
  const id = useId();
  const [ladder, setLadder] = useState<Ladder | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  const load = useCallback(async () => {
    try {
      setLadder(await api.getLadder());
      setLoadError(null);
      setDirty(false);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) setLadder(EMPTY_LADDER);
      else setLoadError(error);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  // Someone else saved: take theirs, unless this editor holds unsaved changes.
  useLiveEvent(['hotline.roster', 'resync'], () => {
    if (!dirty) void load();
  });

  if (!ladder) {
    return (
      <section aria-labelledby={`${id}-title`} className="hotline-section">
        <h2 id={`${id}-title`}>{t('hotline.ladder.title')}</h2>
        {loadError ? <ErrorAlert error={loadError} /> : <p role="status">{t('common.loading')}</p>}
      </section>
    );
  }

  const change = (next: Ladder) => {
    setLadder(next);
    setDirty(true);
    setSaved(false);
  };
  const setRungs = (tier: Tier, rungs: Rung[]) =>
    change({ ...ladder, tiers: { ...ladder.tiers, [tier]: rungs } });

  const save = async () => {
    setBusy(true);
    setProblem(null);
    try {
      setLadder(await api.saveLadder(ladder));
      setDirty(false);
      setSaved(true);
    } catch (error) {
      setProblem(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby={`${id}-title`} className="hotline-section">
      <h2 id={`${id}-title`}>{t('hotline.ladder.title')}</h2>
      <p className="muted">{t('hotline.ladder.intro')}</p>
      {TIERS.map((tier) => {
        const rungs = ladder.tiers[tier] ?? [];
        return (
          <section key={tier} className="card ladder-tier" aria-labelledby={`${id}-${tier}`}>
            <h3 id={`${id}-${tier}`}>{t(`hotline.tiers.${tier}`)}</h3>
            <ol className="ladder-rungs">
              {rungs.map((rung, index) => {
                const update = (next: Rung) =>
                  setRungs(
                    tier,
                    rungs.map((r, i) => (i === index ? next : r)),
                  );
                const move = (by: number) => {
                  const next = [...rungs];
                  const [taken] = next.splice(index, 1);
                  if (taken) next.splice(index + by, 0, taken);
                  setRungs(tier, next);
                };
                return (
                  <li key={index} className="ladder-rung">
                    <h4>{t('hotline.ladder.rungN', { n: index + 1 })}</h4>
                    <TargetsEditor
                      targets={rung.targets}
                      contacts={contacts}
                      label={t('hotline.ladder.targets')}
                      onChange={(targets) => update({ ...rung, targets })}
                    />
                    <ChannelsEditor
                      channels={rung.channels}
                      webhookIds={rung.webhooks}
                      webhooks={webhooks}
                      onChange={(channels, hooks) => update({ ...rung, channels, webhooks: hooks })}
                    />
                    <div className="form-actions">
                      <button type="button" disabled={index === 0} onClick={() => move(-1)}>
                        {t('hotline.ladder.up')}
                      </button>
                      <button
                        type="button"
                        disabled={index === rungs.length - 1}
                        onClick={() => move(1)}
                      >
                        {t('hotline.ladder.down')}
                      </button>
                      <button
                        type="button"
                        className="button-quiet-danger"
                        disabled={rungs.length <= 1}
                        onClick={() =>
                          setRungs(
                            tier,
                            rungs.filter((_, i) => i !== index),
                          )
                        }
                      >
                        {t('hotline.ladder.removeRung')}
                      </button>
                    </div>
                  </li>
                );
              })}
            </ol>
            <button
              type="button"
              disabled={rungs.length >= 10}
              onClick={() => setRungs(tier, [...rungs, NEW_RUNG])}
            >
              {t('hotline.ladder.addRung')}
            </button>
          </section>
        );
      })}
      <section className="card ladder-tier" aria-labelledby={`${id}-fallback`}>
        <h3 id={`${id}-fallback`}>{t('hotline.ladder.fallbackTitle')}</h3>
        <p className="muted">{t('hotline.ladder.fallbackIntro')}</p>
        <TargetsEditor
          targets={ladder.fallback.targets}
          contacts={contacts}
          label={t('hotline.ladder.targets')}
          onChange={(targets) => change({ ...ladder, fallback: { ...ladder.fallback, targets } })}
        />
        <ChannelsEditor
          channels={ladder.fallback.channels}
          webhookIds={ladder.fallback.webhooks}
          webhooks={webhooks}
          onChange={(channels, hooks) =>
            change({ ...ladder, fallback: { ...ladder.fallback, channels, webhooks: hooks } })
          }
        />
        <label className="checkbox">
          <input
            type="checkbox"
            checked={ladder.fallback.emailPeerContacts}
            onChange={(e) =>
              change({
                ...ladder,
                fallback: { ...ladder.fallback, emailPeerContacts: e.target.checked },
              })
            }
          />{' '}
          {t('hotline.ladder.emailPeerContacts')}
        </label>
      </section>
      {problem ? <ErrorAlert error={problem} /> : null}
      <div className="form-actions">
        <button
          type="button"
          className="button-primary"
          disabled={busy || !dirty}
          onClick={() => void save()}
        >
          {t('hotline.ladder.save')}
        </button>
        <button type="button" disabled={busy || !dirty} onClick={() => void load()}>
          {t('hotline.ladder.discard')}
        </button>
        <p role="status" className="small">
          {saved ? t('hotline.ladder.saved') : dirty ? t('hotline.ladder.unsaved') : ''}
        </p>
      </div>
    </section>
  );
}

// ---- webhooks ------------------------------------------------------------------------

function Webhooks({
  webhooks,
  error,
  onChanged,
}: {
  webhooks: WebhookView[] | null;
  error: unknown;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>(null);

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setProblem(null);
    try {
      await action();
      onChanged();
      return true;
    } catch (failure) {
      setProblem({ error: failure });
      return false;
    } finally {
      setBusy(false);
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === '' || url.trim() === '') {
      return setProblem({ message: t('hotline.webhooks.required') });
    }
    if (secret.length < 16) return setProblem({ message: t('hotline.webhooks.secretShort') });
    const done = await run(() =>
      api.createWebhook({ name: name.trim(), url: url.trim(), secret, enabled: true }),
    );
    if (done) {
      setName('');
      setUrl('');
      setSecret('');
    }
  };

  return (
    <section aria-labelledby={`${id}-title`} className="hotline-section">
      <h2 id={`${id}-title`}>{t('hotline.webhooks.title')}</h2>
      <p className="muted">{t('hotline.webhooks.intro')}</p>
      {error ? <ErrorAlert error={error} /> : null}
      {problem ? <ErrorAlert {...problem} /> : null}
      {webhooks && webhooks.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t('hotline.webhooks.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('hotline.webhooks.name')}</th>
                <th scope="col">{t('hotline.webhooks.url')}</th>
                <th scope="col">{t('hotline.webhooks.state')}</th>
                <th scope="col">{t('hotline.shifts.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {webhooks.map((hook) => (
                <tr key={hook.id}>
                  <th scope="row">{hook.name}</th>
                  <td>
                    <code>{hook.url}</code>
                  </td>
                  <td>
                    <span className={`badge ${hook.enabled ? 'badge-on' : 'badge-off'}`}>
                      {t(hook.enabled ? 'hotline.webhooks.enabled' : 'hotline.webhooks.disabled')}
                    </span>
                  </td>
                  <td className="actions">
                    <button
                      type="button"
                      disabled={busy}
                      onClick={() =>
                        void run(() => api.updateWebhook(hook.id, { enabled: !hook.enabled }))
                      }
                    >
                      {t(hook.enabled ? 'hotline.webhooks.disable' : 'hotline.webhooks.enable')}
                    </button>{' '}
                    <button
                      type="button"
                      className="button-quiet-danger"
                      disabled={busy}
                      aria-label={t('hotline.webhooks.removeOne', { name: hook.name })}
                      onClick={() => {
                        if (
                          window.confirm(t('hotline.webhooks.removeConfirm', { name: hook.name }))
                        )
                          void run(() => api.removeWebhook(hook.id));
                      }}
                    >
                      {t('hotline.shifts.remove')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : webhooks ? (
        <div className="empty">
          <p>{t('hotline.webhooks.empty')}</p>
        </div>
      ) : null}
      <form className="form card" noValidate onSubmit={(event) => void submit(event)}>
        <h3>{t('hotline.webhooks.addTitle')}</h3>
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${id}-name`}>{t('hotline.webhooks.name')}</label>
            <input
              id={`${id}-name`}
              value={name}
              maxLength={200}
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-url`}>{t('hotline.webhooks.url')}</label>
            <input
              id={`${id}-url`}
              type="url"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
            />
          </div>
        </div>
        <div className="field">
          <label htmlFor={`${id}-secret`}>{t('hotline.webhooks.secret')}</label>
          <input
            id={`${id}-secret`}
            type="password"
            autoComplete="new-password"
            value={secret}
            aria-describedby={`${id}-secret-hint`}
            onChange={(e) => setSecret(e.target.value)}
          />
          <p className="field-hint" id={`${id}-secret-hint`}>
            {t('hotline.webhooks.secretHint')}
          </p>
        </div>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {t('hotline.webhooks.add')}
          </button>
        </div>
      </form>
    </section>
  );
}

// ---- the peer's coverage -------------------------------------------------------------

function PeerCoverage() {
  const { t, i18n } = useTranslation();
  const id = useId();
  const zone = useUserTimeZone();
  const { peers, error: peersError } = usePeers();
  const [peer, setPeer] = useState('');
  useEffect(() => {
    const active = (peers ?? []).filter((p) => p.status === 'active');
    if (active.length === 1 && active[0]) setPeer(active[0].nodeId);
  }, [peers]);
  const {
    data: coverage,
    error,
    reload,
  } = useLoader<PeerCoverageView | null>(
    useCallback(async () => {
      if (!peer) return null;
      try {
        return await api.getPeerCoverage(peer);
      } catch (failure) {
        if (failure instanceof ApiError && failure.code === 'no_coverage') return null;
        throw failure;
      }
    }, [peer]),
  );
  useLiveEvent(['hotline.roster', 'resync'], () => void reload());

  return (
    <section aria-labelledby={`${id}-title`} className="hotline-section">
      <h2 id={`${id}-title`}>{t('hotline.peerCoverage.title')}</h2>
      <p className="muted">{t('hotline.peerCoverage.intro')}</p>
      {peersError ? <ErrorAlert error={peersError} /> : null}
      <div className="field">
        <label htmlFor={`${id}-peer`}>{t('hotline.peerCoverage.peer')}</label>
        <select id={`${id}-peer`} value={peer} onChange={(e) => setPeer(e.target.value)}>
          <option value="">{t('notes.choosePeer')}</option>
          {(peers ?? []).map((p) => (
            <option key={p.nodeId} value={p.nodeId}>
              {p.name} ({p.nodeId})
            </option>
          ))}
        </select>
      </div>
      {error ? <ErrorAlert error={error} /> : null}
      {!peer ? null : coverage === null ? (
        error ? null : (
          <div className="empty">
            <p>{t('hotline.peerCoverage.none')}</p>
          </div>
        )
      ) : (
        <>
          <p className="small muted">
            {t('hotline.peerCoverage.received', {
              at: new Intl.DateTimeFormat(i18n.language, {
                timeZone: zone,
                dateStyle: 'medium',
                timeStyle: 'short',
              }).format(new Date(coverage.receivedAt)),
            })}
          </p>
          {TIERS.map((tier) => {
            const tierCoverage = coverage.tiers[tier];
            if (!tierCoverage) return null;
            const runs = coveredAndGaps(coverage.from, coverage.to, tierCoverage.gaps);
            return (
              <section key={tier} aria-labelledby={`${id}-${tier}`} className="coverage-tier">
                <h3 id={`${id}-${tier}`}>{t(`hotline.tiers.${tier}`)}</h3>
                <IntervalList
                  className="plain coverage-runs"
                  label={t('hotline.peerCoverage.runs', { tier: t(`hotline.tiers.${tier}`) })}
                  timeZone={zone}
                  intervals={runs.map((run) => ({
                    ...run,
                    name: t(
                      run.covered ? 'hotline.coverage.covered' : 'hotline.coverage.notCovered',
                    ),
                  }))}
                />
                {tierCoverage.published.length > 0 ? (
                  <>
                    <h4>{t('hotline.peerCoverage.published')}</h4>
                    <IntervalList
                      className="plain"
                      label={t('hotline.peerCoverage.published')}
                      timeZone={zone}
                      intervals={tierCoverage.published}
                    />
                  </>
                ) : null}
              </section>
            );
          })}
        </>
      )}
    </section>
  );
}
