import { useCallback, useId, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api';
import {
  TIERS,
  WEEKDAY_NAMES,
  type ContactView,
  type ShiftBody,
  type ShiftView,
  type Tier,
  type WeekdayName,
} from '../../../app/types';
import { AsyncTable, type Column } from '../../../ui/async-table';
import { ProblemAlert, problemFields } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { timeZones } from '../../../ui/format';
import { useLoader } from '../../../ui/hooks';
import { useSubmit } from '../../../ui/submit';
import { useLiveEvent } from '../../../app/live-events';
import '../../contacts/i18n';
import '../i18n';

// The duty roster's shifts: who is on duty for which tier, when (hotline roster page).

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

export function Shifts({ contacts }: { contacts: ContactView[] }) {
  const { t } = useTranslation();
  const id = useId();
  const {
    data: shifts,
    error,
    reload,
  } = useLoader<ShiftView[]>(useCallback(() => api.listShifts(), []));
  useLiveEvent(['hotline.roster', 'resync'], () => void reload());
  const [editing, setEditing] = useState<ShiftView | 'new' | null>(null);
  const remove = useSubmit(api.removeShift, () => void reload());
  const columns: Column<ShiftView>[] = [
    { header: t('hotline.shifts.tier'), cell: (shift) => t(`hotline.tiers.${shift.tier}`) },
    { header: t('hotline.shifts.contact'), cell: (shift) => shift.contactName, rowHeader: true },
    {
      header: t('hotline.shifts.days'),
      cell: (shift) =>
        shift.days.length === 7
          ? t('hotline.shifts.everyDay')
          : shift.days.map((d) => t(`contacts.days.${d}`)).join(' '),
    },
    {
      header: t('hotline.shifts.hours'),
      className: 'nowrap',
      cell: (shift) => (
        <>
          {shift.start === shift.end ? t('hotline.shifts.allDay') : `${shift.start}–${shift.end}`}{' '}
          <span className="muted small">{shift.timeZone}</span>
        </>
      ),
    },
    {
      header: t('hotline.shifts.dates'),
      className: 'nowrap',
      cell: (shift) =>
        shift.from || shift.until
          ? `${shift.from ?? '…'} – ${shift.until ?? '…'}`
          : t('hotline.shifts.always'),
    },
    {
      header: t('hotline.shifts.rotation'),
      cell: (shift) =>
        shift.rotation
          ? t('hotline.shifts.rotationText', {
              every: shift.rotation.everyWeeks,
              week: shift.rotation.week + 1,
            })
          : '—',
    },
    {
      header: t('hotline.shifts.actions'),
      className: 'actions',
      cell: (shift) => (
        <>
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
            disabled={remove.busy}
            aria-label={t('hotline.shifts.removeOne', { name: shift.contactName })}
            onClick={() => {
              if (window.confirm(t('hotline.shifts.removeConfirm', { name: shift.contactName })))
                void remove.submit(shift.id);
            }}
          >
            {t('hotline.shifts.remove')}
          </button>
        </>
      ),
    },
  ];

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
      <ProblemAlert problem={remove.problem} />
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
      <AsyncTable
        rows={shifts}
        error={error}
        empty={<p>{t('hotline.shifts.empty')}</p>}
        columns={columns}
        rowKey={(shift) => shift.id}
        label={t('hotline.shifts.title')}
      />
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
  const zones = useMemo(() => timeZones(), []);
  const [draft, setDraft] = useState<ShiftDraft>(() => draftOf(shift));
  const save = useSubmit(
    (body: ShiftBody) => (shift ? api.updateShift(shift.id, body) : api.createShift(body)),
    onDone,
  );
  const invalid = problemFields(save.problem);
  const set = <K extends keyof ShiftDraft>(key: K, value: ShiftDraft[K]) =>
    setDraft((current) => ({ ...current, [key]: value }));
  const contact = contacts.find((c) => c.id === draft.contactId);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!draft.contactId) {
      save.fail({ message: t('hotline.shifts.contactRequired'), field: 'contactId' });
      return;
    }
    if (draft.days.length === 0) {
      save.fail({ message: t('hotline.shifts.daysRequired'), field: 'days' });
      return;
    }
    void save.submit(bodyOf(draft));
  };

  return (
    <form className="form card" noValidate onSubmit={submit}>
      <h3>{shift ? t('hotline.shifts.editTitle') : t('hotline.shifts.addTitle')}</h3>
      <ProblemAlert problem={save.problem} />
      <div className="field-row">
        <Field label={t('hotline.shifts.tier')} invalid={invalid.has('tier')}>
          <select value={draft.tier} onChange={(e) => set('tier', e.target.value as Tier)}>
            {TIERS.map((tier) => (
              <option key={tier} value={tier}>
                {t(`hotline.tiers.${tier}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('hotline.shifts.contact')} invalid={invalid.has('contactId')}>
          <select value={draft.contactId} onChange={(e) => set('contactId', e.target.value)}>
            <option value="">{t('hotline.shifts.chooseContact')}</option>
            {contacts.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </Field>
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
        <Field label={t('hotline.shifts.start')} invalid={invalid.has('start')}>
          <input type="time" value={draft.start} onChange={(e) => set('start', e.target.value)} />
        </Field>
        <Field
          label={t('hotline.shifts.end')}
          hint={t('hotline.shifts.endHint')}
          invalid={invalid.has('end')}
        >
          <input type="time" value={draft.end} onChange={(e) => set('end', e.target.value)} />
        </Field>
        <Field label={t('hotline.shifts.timeZone')} invalid={invalid.has('timeZone')}>
          <select value={draft.timeZone} onChange={(e) => set('timeZone', e.target.value)}>
            <option value="">
              {t('hotline.shifts.contactZone', { zone: contact?.timeZone ?? '—' })}
            </option>
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {zone}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <div className="field-row">
        <Field label={t('hotline.shifts.from')} invalid={invalid.has('from')}>
          <input type="date" value={draft.from} onChange={(e) => set('from', e.target.value)} />
        </Field>
        <Field label={t('hotline.shifts.until')} invalid={invalid.has('until')}>
          <input
            type="date"
            value={draft.until}
            min={draft.from || undefined}
            onChange={(e) => set('until', e.target.value)}
          />
        </Field>
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
            <Field label={t('hotline.shifts.everyWeeks')} invalid={invalid.has('everyWeeks')}>
              <input
                type="number"
                min={2}
                max={12}
                value={draft.everyWeeks}
                onChange={(e) => set('everyWeeks', e.target.value)}
              />
            </Field>
            <Field label={t('hotline.shifts.week')} invalid={invalid.has('week')}>
              <select value={draft.week} onChange={(e) => set('week', e.target.value)}>
                {Array.from(
                  { length: Math.max(2, Math.min(12, Number(draft.everyWeeks) || 2)) },
                  (_, week) => (
                    <option key={week} value={String(week)}>
                      {t('hotline.shifts.weekN', { week: week + 1 })}
                    </option>
                  ),
                )}
              </select>
            </Field>
          </div>
        ) : null}
        <p className="field-hint">{t('hotline.shifts.rotationHint')}</p>
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={save.busy}>
          {t('hotline.shifts.save')}
        </button>
        <button type="button" disabled={save.busy} onClick={onCancel}>
          {t('hotline.form.cancel')}
        </button>
      </div>
    </form>
  );
}
