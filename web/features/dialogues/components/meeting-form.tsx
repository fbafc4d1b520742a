import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MeetingBody, MeetingView } from '../../../../src/core/schemas/dialogues';
import { DELEGATION_ROLE_LIST, type DelegationRole } from './choices';
import { ProblemAlert } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { timeZones } from '../../../ui/format';
import type { Submit } from '../../../ui/submit';

type Role = DelegationRole;
interface DelegateRow {
  name: string;
  title: string;
  role: Role;
}
interface AgendaRow {
  en: string;
  zh: string;
}

/** What the form starts from: a meeting to edit, or the next number of a new one. */
export function meetingStart(meeting: MeetingView | null, parties: string[], number: number) {
  return {
    number: meeting?.number ?? number,
    when: meeting?.when ?? '',
    startDate: meeting?.startDate ?? '',
    endDate: meeting?.endDate ?? '',
    place: meeting?.place ?? '',
    timeZone: meeting?.timeZone ?? 'UTC',
    delegations: parties.map((side) => ({
      side,
      delegates: (meeting?.delegations.find((d) => d.side === side)?.delegates ?? []).map((d) => ({
        name: d.name,
        title: d.title,
        role: d.role as Role,
      })),
    })),
    agenda: (meeting?.agenda ?? []).map((a) => ({ en: a.title.en, zh: a.title.zh })),
  };
}
type Start = ReturnType<typeof meetingStart>;

/** A meeting's number, dates, place, zone, both delegations and its agenda. */
export function MeetingForm({
  start,
  save,
  submitLabel,
  numberFixed,
  onCancel,
}: {
  start: Start;
  save: Submit<[MeetingBody], unknown>;
  submitLabel: string;
  numberFixed?: boolean;
  onCancel?: () => void;
}) {
  const { t } = useTranslation();

  const zones = useMemo(() => timeZones(), []);
  const [number, setNumber] = useState(String(start.number));
  const [when, setWhen] = useState(start.when);
  const [startDate, setStartDate] = useState(start.startDate);
  const [endDate, setEndDate] = useState(start.endDate);
  const [place, setPlace] = useState(start.place);
  const [timeZone, setTimeZone] = useState(start.timeZone);
  const [delegations, setDelegations] = useState(start.delegations);
  const [agenda, setAgenda] = useState<AgendaRow[]>(start.agenda);
  const bad = (field: string) =>
    save.problem?.field === field ||
    JSON.stringify(
      (save.problem?.error as { details?: unknown } | undefined)?.details ?? '',
    ).includes(`"${field}"`);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const n = Number(number);
    if (!Number.isInteger(n) || n < 1) {
      save.fail({ message: t('dialogues.meeting.badNumber'), field: 'number' });
      return;
    }
    if (!place.trim()) {
      save.fail({ message: t('dialogues.meeting.needPlace'), field: 'place' });
      return;
    }
    void save.submit({
      number: n,
      when,
      startDate: startDate || null,
      endDate: endDate || null,
      place,
      timeZone,
      delegations: delegations.map((d) => ({
        side: d.side,
        delegates: d.delegates.filter((x) => x.name.trim()),
      })),
      agenda: agenda
        .filter((a) => a.en.trim() || a.zh.trim())
        .map((a, index) => ({ item: index + 1, title: { en: a.en, zh: a.zh } })),
    });
  };
  const setDelegate = (side: number, index: number, change: Partial<DelegateRow>) =>
    setDelegations((all) =>
      all.map((d, i) =>
        i !== side
          ? d
          : {
              ...d,
              delegates: d.delegates.map((x, j) => (j === index ? { ...x, ...change } : x)),
            },
      ),
    );
  const fields = {
    number: t('dialogues.meeting.number'),
    place: t('dialogues.meeting.place'),
    timeZone: t('dialogues.meeting.timeZone'),
    startDate: t('dialogues.meeting.startDate'),
    endDate: t('dialogues.meeting.endDate'),
    when: t('dialogues.meeting.when'),
  };

  return (
    <form className="form meeting-form" noValidate onSubmit={submit} aria-label={submitLabel}>
      <ProblemAlert problem={save.problem} fields={fields} />
      <div className="field-row">
        <Field label={fields.number} invalid={bad('number')}>
          <input
            type="number"
            min={1}
            value={number}
            disabled={numberFixed}
            onChange={(e) => setNumber(e.target.value)}
          />
        </Field>
        <Field label={fields.place} invalid={bad('place')}>
          <input value={place} onChange={(e) => setPlace(e.target.value)} />
        </Field>
        <Field label={fields.timeZone} invalid={bad('timeZone')}>
          <select value={timeZone} onChange={(e) => setTimeZone(e.target.value)}>
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {zone}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <div className="field-row">
        <Field label={fields.startDate} invalid={bad('startDate')}>
          <input type="date" value={startDate} onChange={(e) => setStartDate(e.target.value)} />
        </Field>
        <Field label={fields.endDate} invalid={bad('endDate')}>
          <input type="date" value={endDate} onChange={(e) => setEndDate(e.target.value)} />
        </Field>
        <Field label={fields.when} hint={t('dialogues.meeting.whenHint')} invalid={bad('when')}>
          <input value={when} onChange={(e) => setWhen(e.target.value)} />
        </Field>
      </div>
      {delegations.map((delegation, side) => (
        <fieldset key={delegation.side} className="delegation">
          <legend>{t('dialogues.meeting.delegationOf', { side: delegation.side })}</legend>
          {delegation.delegates.map((delegate, index) => (
            <div className="field-row" key={index}>
              <Field label={t('dialogues.meeting.delegateName')}>
                <input
                  value={delegate.name}
                  onChange={(e) => setDelegate(side, index, { name: e.target.value })}
                />
              </Field>
              <Field label={t('dialogues.meeting.delegateTitle')}>
                <input
                  value={delegate.title}
                  onChange={(e) => setDelegate(side, index, { title: e.target.value })}
                />
              </Field>
              <Field label={t('dialogues.meeting.delegateRole')}>
                <select
                  value={delegate.role}
                  onChange={(e) => setDelegate(side, index, { role: e.target.value as Role })}
                >
                  {DELEGATION_ROLE_LIST.map((role) => (
                    <option key={role} value={role}>
                      {t(`dialogues.roles.${role}`)}
                    </option>
                  ))}
                </select>
              </Field>
              <button
                type="button"
                className="row-remove"
                aria-label={t('dialogues.meeting.removeDelegate', {
                  name: delegate.name || index + 1,
                })}
                onClick={() =>
                  setDelegations((all) =>
                    all.map((d, i) =>
                      i === side
                        ? { ...d, delegates: d.delegates.filter((_, j) => j !== index) }
                        : d,
                    ),
                  )
                }
              >
                {t('dialogues.remove')}
              </button>
            </div>
          ))}
          <button
            type="button"
            onClick={() =>
              setDelegations((all) =>
                all.map((d, i) =>
                  i === side
                    ? { ...d, delegates: [...d.delegates, { name: '', title: '', role: 'member' }] }
                    : d,
                ),
              )
            }
          >
            {t('dialogues.meeting.addDelegate', { side: delegation.side })}
          </button>
        </fieldset>
      ))}
      <fieldset className="agenda">
        <legend>{t('dialogues.meeting.agenda')}</legend>
        <ol>
          {agenda.map((item, index) => (
            <li key={index} className="field-row">
              <Field label={t('dialogues.meeting.agendaEn', { item: index + 1 })}>
                <input
                  lang="en"
                  value={item.en}
                  onChange={(e) =>
                    setAgenda((all) =>
                      all.map((a, i) => (i === index ? { ...a, en: e.target.value } : a)),
                    )
                  }
                />
              </Field>
              <Field label={t('dialogues.meeting.agendaZh', { item: index + 1 })}>
                <input
                  lang="zh-CN"
                  value={item.zh}
                  onChange={(e) =>
                    setAgenda((all) =>
                      all.map((a, i) => (i === index ? { ...a, zh: e.target.value } : a)),
                    )
                  }
                />
              </Field>
              <button
                type="button"
                className="row-remove"
                aria-label={t('dialogues.meeting.removeItem', { item: index + 1 })}
                onClick={() => setAgenda((all) => all.filter((_, i) => i !== index))}
              >
                {t('dialogues.remove')}
              </button>
            </li>
          ))}
        </ol>
        <button type="button" onClick={() => setAgenda((all) => [...all, { en: '', zh: '' }])}>
          {t('dialogues.meeting.addItem')}
        </button>
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={save.busy}>
          {submitLabel}
        </button>
        {onCancel ? (
          <button type="button" onClick={onCancel}>
            {t('dialogues.cancel')}
          </button>
        ) : null}
      </div>
    </form>
  );
}
