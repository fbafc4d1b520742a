import { useCallback, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api';
import {
  CHANNEL_TYPES,
  CONTACT_ROLES,
  WEEKDAYS,
  rolesAllow,
  type ChannelType,
  type ContactBody,
  type ContactRole,
  type ContactView,
  type Weekday,
} from '../../../app/types';
import { ErrorAlert, problemFields, ProblemAlert } from '../../../ui/errors';
import { Confirm } from '../../../ui/confirm';
import { Field } from '../../../ui/field';
import { useSubmit } from '../../../ui/submit';
import { formatDateTime, formatList, timeZones } from '../../../ui/format';
import { usePageTitle, useLoader } from '../../../ui/hooks';
import { useLiveEvent } from '../../../app/live-events';
import { useSession, useUser, useUserTimeZone } from '../../../app/session';
import '../i18n';

function blankContact(timeZone: string): ContactBody {
  return {
    name: '',
    kind: 'person',
    roles: ['duty_24_7'],
    channels: [{ type: 'email', value: '' }],
    languages: ['en'],
    workingHours: {
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      start: '09:00',
      end: '17:00',
      always: false,
    },
    timeZone,
    published: false,
  };
}

function toBody(contact: ContactView): ContactBody {
  const { name, kind, roles, channels, languages, workingHours, timeZone, published } = contact;
  return { name, kind, roles, channels, languages, workingHours, timeZone, published };
}

function toggle<T>(list: readonly T[], item: T, on: boolean): T[] {
  return on ? [...list.filter((x) => x !== item), item] : list.filter((x) => x !== item);
}

function ContactForm({
  initial,
  onSaved,
  onCancel,
  editing,
}: {
  initial: ContactBody;
  onSaved: () => void;
  onCancel?: () => void;
  editing?: string;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [body, setBody] = useState<ContactBody>(initial);
  const [languages, setLanguages] = useState(initial.languages.join(', '));
  const save = useSubmit(
    (payload: ContactBody) =>
      editing ? api.updateContact(editing, payload) : api.createContact(payload),
    onSaved,
  );
  const invalid = problemFields(save.problem);
  const labels = {
    name: t('contacts.form.name'),
    kind: t('contacts.form.kind'),
    roles: t('contacts.form.roles'),
    channels: t('contacts.form.channels'),
    languages: t('contacts.form.languages'),
    timeZone: t('contacts.form.timeZone'),
    start: t('contacts.form.start'),
    end: t('contacts.form.end'),
  };
  const set = (patch: Partial<ContactBody>) => setBody((current) => ({ ...current, ...patch }));
  const hours = (patch: Partial<ContactBody['workingHours']>) =>
    set({ workingHours: { ...body.workingHours, ...patch } });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (body.name.trim() === '') {
      return save.fail({ message: t('contacts.form.nameRequired'), field: 'name' });
    }
    if (body.roles.length === 0) {
      return save.fail({ message: t('contacts.form.roleRequired'), field: 'roles' });
    }
    const payload: ContactBody = {
      ...body,
      name: body.name.trim(),
      channels: body.channels.filter((c) => c.value.trim() !== ''),
      languages: languages
        .split(/[,\s]+/)
        .map((l) => l.trim())
        .filter(Boolean),
    };
    void save.submit(payload);
  };

  return (
    <form className="form" noValidate onSubmit={submit}>
      <ProblemAlert problem={save.problem} fields={labels} />
      <div className="field-row">
        <Field id={`${id}-name`} label={labels.name} invalid={invalid.has('name')}>
          <input value={body.name} onChange={(e) => set({ name: e.target.value })} />
        </Field>
        <Field id={`${id}-kind`} label={labels.kind}>
          <select
            value={body.kind}
            onChange={(e) => set({ kind: e.target.value as ContactBody['kind'] })}
          >
            <option value="person">{t('contacts.kinds.person')}</option>
            <option value="desk">{t('contacts.kinds.desk')}</option>
          </select>
        </Field>
      </div>
      <fieldset className="field checkboxes">
        <legend>{t('contacts.form.roles')}</legend>
        {CONTACT_ROLES.map((role: ContactRole) => (
          <label key={role} className="checkbox">
            <input
              type="checkbox"
              checked={body.roles.includes(role)}
              onChange={(e) => set({ roles: toggle(body.roles, role, e.target.checked) })}
            />{' '}
            {t(`contacts.roles.${role}`)}
          </label>
        ))}
      </fieldset>
      <fieldset className="field">
        <legend>{t('contacts.form.channels')}</legend>
        {body.channels.map((channel, index) => (
          <div key={index} className="field-row">
            <select
              aria-label={t('contacts.form.channelType', { n: index + 1 })}
              value={channel.type}
              onChange={(e) =>
                set({
                  channels: body.channels.map((c, i) =>
                    i === index ? { ...c, type: e.target.value as ChannelType } : c,
                  ),
                })
              }
            >
              {CHANNEL_TYPES.map((type) => (
                <option key={type} value={type}>
                  {t(`contacts.channels.${type}`)}
                </option>
              ))}
            </select>
            <input
              aria-label={t('contacts.form.channelValue', { n: index + 1 })}
              value={channel.value}
              onChange={(e) =>
                set({
                  channels: body.channels.map((c, i) =>
                    i === index ? { ...c, value: e.target.value } : c,
                  ),
                })
              }
            />
            <button
              type="button"
              className="button-quiet-danger"
              onClick={() => set({ channels: body.channels.filter((_, i) => i !== index) })}
            >
              {t('contacts.form.removeChannel')}
            </button>
          </div>
        ))}
        <button
          type="button"
          className="button-quiet"
          onClick={() => set({ channels: [...body.channels, { type: 'phone', value: '' }] })}
        >
          {t('contacts.form.addChannel')}
        </button>
      </fieldset>
      <div className="field-row">
        <Field id={`${id}-languages`} label={labels.languages} invalid={invalid.has('languages')}>
          <input value={languages} onChange={(e) => setLanguages(e.target.value)} />
        </Field>
        <Field id={`${id}-zone`} label={labels.timeZone} invalid={invalid.has('timeZone')}>
          <select value={body.timeZone} onChange={(e) => set({ timeZone: e.target.value })}>
            {timeZones().map((zone) => (
              <option key={zone} value={zone}>
                {zone}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <fieldset className="field">
        <legend>{t('contacts.form.hours')}</legend>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={body.workingHours.always}
            onChange={(e) => hours({ always: e.target.checked })}
          />{' '}
          {t('contacts.form.always')}
        </label>
        {body.workingHours.always ? null : (
          <>
            <div className="checkboxes">
              {WEEKDAYS.map((day: Weekday) => (
                <label key={day} className="checkbox">
                  <input
                    type="checkbox"
                    checked={body.workingHours.days.includes(day)}
                    onChange={(e) =>
                      hours({ days: toggle(body.workingHours.days, day, e.target.checked) })
                    }
                  />{' '}
                  {t(`contacts.days.${day}`)}
                </label>
              ))}
            </div>
            <div className="field-row">
              <Field id={`${id}-start`} label={labels.start} invalid={invalid.has('start')}>
                <input
                  type="time"
                  value={body.workingHours.start}
                  onChange={(e) => hours({ start: e.target.value })}
                />
              </Field>
              <Field id={`${id}-end`} label={labels.end} invalid={invalid.has('end')}>
                <input
                  type="time"
                  value={body.workingHours.end}
                  onChange={(e) => hours({ end: e.target.value })}
                />
              </Field>
            </div>
          </>
        )}
      </fieldset>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={body.published}
          onChange={(e) => set({ published: e.target.checked })}
        />{' '}
        {t('contacts.form.published')}
      </label>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={save.busy}>
          {editing ? t('contacts.form.save') : t('contacts.form.add')}
        </button>
        {onCancel ? (
          <button type="button" onClick={onCancel}>
            {t('contacts.form.cancel')}
          </button>
        ) : null}
      </div>
    </form>
  );
}

function ContactCard({
  contact,
  editable,
  onChanged,
}: {
  contact: ContactView;
  editable: boolean;
  onChanged: () => void;
}) {
  const { t, i18n } = useTranslation();
  const zone = useUserTimeZone();
  const headingId = useId();
  const [editing, setEditing] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const action = useSubmit((run: () => Promise<unknown>) => run(), onChanged);
  const busy = action.busy;
  const act = (run: () => Promise<unknown>) => action.submit(run);

  if (editing) {
    return (
      <li>
        <article className="card" aria-labelledby={headingId}>
          <h3 id={headingId}>{t('contacts.editTitle', { name: contact.name })}</h3>
          <ContactForm
            initial={toBody(contact)}
            editing={contact.id}
            onSaved={() => {
              setEditing(false);
              onChanged();
            }}
            onCancel={() => setEditing(false)}
          />
        </article>
      </li>
    );
  }

  const hours = contact.workingHours.always
    ? t('contacts.always')
    : `${formatList(
        contact.workingHours.days.map((d) => t(`contacts.days.${d}`)),
        i18n.language,
      )} ${contact.workingHours.start}–${contact.workingHours.end}`;
  return (
    <li>
      <article className="card" aria-labelledby={headingId}>
        <header className="note-head">
          <h3 id={headingId}>{contact.name}</h3>
          <span className="tag">{t(`contacts.kinds.${contact.kind}`)}</span>
          {contact.stale ? <span className="badge badge-off">{t('contacts.stale')}</span> : null}
          {editable ? (
            <span className={contact.published ? 'badge badge-on' : 'badge'}>
              {contact.published ? t('contacts.published') : t('contacts.notPublished')}
            </span>
          ) : null}
        </header>
        <ProblemAlert problem={action.problem} />
        <dl className="facts">
          <div>
            <dt>{t('contacts.form.roles')}</dt>
            <dd>
              {formatList(
                contact.roles.map((r) => t(`contacts.roles.${r}`)),
                i18n.language,
              )}
            </dd>
          </div>
          <div>
            <dt>{t('contacts.form.channels')}</dt>
            <dd>
              {contact.channels.map((c) => (
                <span key={`${c.type}-${c.value}`}>
                  {t(`contacts.channels.${c.type}`)}: {c.value}
                  <br />
                </span>
              ))}
            </dd>
          </div>
          <div>
            <dt>{t('contacts.form.languages')}</dt>
            <dd>{contact.languages.join(', ')}</dd>
          </div>
          <div>
            <dt>{t('contacts.form.hours')}</dt>
            <dd>
              {hours} ({contact.timeZone})
            </dd>
          </div>
          <div>
            <dt>{t('contacts.confirmedAt')}</dt>
            <dd>
              <time dateTime={contact.confirmedAt}>
                {formatDateTime(contact.confirmedAt, i18n.language, zone)}
              </time>
            </dd>
          </div>
        </dl>
        {editable ? (
          confirmRemove ? (
            <Confirm
              question={t('contacts.removeConfirm', { name: contact.name })}
              confirm={t('contacts.remove')}
              cancel={t('contacts.form.cancel')}
              busy={busy}
              onConfirm={() => void act(() => api.removeContact(contact.id))}
              onCancel={() => setConfirmRemove(false)}
            />
          ) : (
            <div className="form-actions">
              <button type="button" onClick={() => setEditing(true)}>
                {t('contacts.edit')}
              </button>
              <button
                type="button"
                disabled={busy}
                onClick={() => void act(() => api.confirmContact(contact.id))}
              >
                {t('contacts.confirm')}
              </button>
              <button
                type="button"
                disabled={busy}
                onClick={() =>
                  void act(() =>
                    api.updateContact(contact.id, {
                      ...toBody(contact),
                      published: !contact.published,
                    }),
                  )
                }
              >
                {contact.published ? t('contacts.unpublish') : t('contacts.publish')}
              </button>
              <button
                type="button"
                className="button-quiet-danger"
                onClick={() => setConfirmRemove(true)}
              >
                {t('contacts.remove')}
              </button>
            </div>
          )
        ) : null}
      </article>
    </li>
  );
}

export function ContactsPage() {
  const { t } = useTranslation();
  const user = useUser();
  const { node } = useSession();
  const zone = useUserTimeZone();
  const ownNode = node.node?.nodeId;
  const canManage = rolesAllow(user.roles, 'contacts.manage');
  usePageTitle(t('contacts.title'));
  const {
    data: contacts,
    error,
    reload: load,
  } = useLoader<ContactView[]>(useCallback(() => api.listContacts(), []));
  const [adding, setAdding] = useState(false);

  useLiveEvent(['contact.changed', 'resync'], () => void load());

  const own = (contacts ?? []).filter((c) => c.node === ownNode);
  const byNode = new Map<string, ContactView[]>();
  for (const contact of contacts ?? []) {
    if (contact.node === ownNode) continue;
    byNode.set(contact.node, [...(byNode.get(contact.node) ?? []), contact]);
  }

  return (
    <section className="page">
      <div className="section-head">
        <h1>{t('contacts.title')}</h1>
        <button type="button" onClick={() => void load()}>
          {t('common.refresh')}
        </button>
      </div>
      <p className="lead">{t('contacts.intro')}</p>
      {error ? <ErrorAlert error={error} /> : null}
      {contacts === null && !error ? <p role="status">{t('common.loading')}</p> : null}

      <section aria-labelledby="contacts-own">
        <div className="section-head">
          <h2 id="contacts-own">{t('contacts.ownTitle', { node: ownNode ?? '' })}</h2>
          {canManage && !adding ? (
            <button type="button" className="button-primary" onClick={() => setAdding(true)}>
              {t('contacts.add')}
            </button>
          ) : null}
        </div>
        {adding ? (
          <div className="card">
            <h3>{t('contacts.addTitle')}</h3>
            <ContactForm
              initial={blankContact(zone)}
              onSaved={() => {
                setAdding(false);
                void load();
              }}
              onCancel={() => setAdding(false)}
            />
          </div>
        ) : null}
        {contacts && own.length === 0 ? <p className="muted">{t('contacts.emptyOwn')}</p> : null}
        <ul className="cards">
          {own.map((contact) => (
            <ContactCard
              key={contact.id}
              contact={contact}
              editable={canManage}
              onChanged={() => void load()}
            />
          ))}
        </ul>
      </section>

      <section aria-labelledby="contacts-peers">
        <h2 id="contacts-peers">{t('contacts.peersTitle')}</h2>
        {contacts && byNode.size === 0 ? <p className="muted">{t('contacts.emptyPeers')}</p> : null}
        {[...byNode].map(([nodeId, list]) => (
          <section key={nodeId} aria-label={t('contacts.ofNode', { node: nodeId })}>
            <h3>{t('contacts.ofNode', { node: nodeId })}</h3>
            <ul className="cards">
              {list.map((contact) => (
                <ContactCard
                  key={contact.id}
                  contact={contact}
                  editable={false}
                  onChanged={() => void load()}
                />
              ))}
            </ul>
          </section>
        ))}
      </section>
    </section>
  );
}
