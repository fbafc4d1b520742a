import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { removeById, upsertById } from '../../../ui/lists';
import * as api from '../api';
import {
  COLLECTION_TLP_LEVELS,
  type CollectionAdminView,
  type CollectionBody,
  type CollectionTlp,
  type TaxiiAccessEntry,
} from '../../../app/types';
import { TlpBadge, tlpLabel } from '../../cases/components/cases';
import { AsyncList } from '../../../ui/async-table';
import { ChoiceField } from '../../../ui/choice-field';
import { ProblemAlert, problemFields } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { useCoalesced, useLoader } from '../../../ui/hooks';
import { useSubmit } from '../../../ui/submit';
import { useLiveEvent } from '../../../app/live-events';
import {
  CaseName,
  CaseOptions,
  ConfirmButton,
  CopyableUrl,
  usePrincipalName,
  type Choices,
} from './taxii-shared';
import '../i18n';

// The collections this node serves to SOC tools (TAXII page).

export function Collections({ choices }: { choices: Choices | null }) {
  const { t } = useTranslation();
  const {
    data: collections,
    setData,
    error,
    reload,
  } = useLoader<CollectionAdminView[]>(api.listTaxiiCollections);
  const refresh = useCoalesced(reload);
  useLiveEvent('resync', refresh);
  const [editing, setEditing] = useState<CollectionAdminView | 'new' | null>(null);
  const remove = useSubmit(api.removeTaxiiCollection, (_, id) =>
    setData((list) => removeById(list, id)),
  );
  const nameOf = usePrincipalName(choices);

  const saved = (collection: CollectionAdminView) => {
    setData((list) => upsertById(list, collection));
    setEditing(null);
  };
  return (
    <section className="case-section" aria-labelledby="taxii-collections">
      <div className="section-head">
        <h2 id="taxii-collections">{t('taxii.collections.title')}</h2>
        {editing === null ? (
          <button type="button" className="button-primary" onClick={() => setEditing('new')}>
            {t('taxii.collections.new')}
          </button>
        ) : null}
      </div>
      <p className="muted">{t('taxii.collections.intro')}</p>
      {editing !== null ? (
        <CollectionForm
          key={editing === 'new' ? 'new' : editing.id}
          initial={editing === 'new' ? null : editing}
          choices={choices}
          onSaved={saved}
          onCancel={() => setEditing(null)}
        />
      ) : null}
      <ProblemAlert problem={remove.problem} />
      <AsyncList rows={collections} error={error} empty={<p>{t('taxii.collections.empty')}</p>}>
        {(list) => (
          <ul className="plain taxii-collections" aria-label={t('taxii.collections.title')}>
            {list.map((c) => (
              <li key={c.id} className="card" data-testid="collection-row">
                <div className="section-head">
                  <h3>{c.title}</h3>
                  <div className="peer-actions">
                    <button type="button" onClick={() => setEditing(c)}>
                      {t('taxii.collections.edit')}
                    </button>
                    <ConfirmButton
                      label={t('taxii.collections.remove')}
                      question={t('taxii.collections.removeConfirm', { title: c.title })}
                      confirm={t('taxii.collections.removeYes')}
                      busy={remove.busy}
                      onConfirm={() => remove.submit(c.id)}
                    />
                  </div>
                </div>
                {c.description ? <p className="muted">{c.description}</p> : null}
                <dl className="facts">
                  <div>
                    <dt>{t('taxii.collections.columns.case')}</dt>
                    <dd>
                      <CaseName caseId={c.caseId} cases={choices?.cases} />
                    </dd>
                  </div>
                  <div>
                    <dt>{t('taxii.collections.columns.maxTlp')}</dt>
                    <dd>
                      <TlpBadge level={c.maxTlp} />
                    </dd>
                  </div>
                  <div>
                    <dt>{t('taxii.collections.columns.access')}</dt>
                    <dd>
                      {c.access.length === 0 ? (
                        <span className="muted">{t('taxii.access.nobody')}</span>
                      ) : (
                        <ul className="plain">
                          {c.access.map((entry) => (
                            <li key={entry.principal}>
                              {nameOf(entry.principal)}:{' '}
                              {t(
                                entry.canRead && entry.canWrite
                                  ? 'taxii.access.readWrite'
                                  : entry.canWrite
                                    ? 'taxii.access.writeOnly'
                                    : entry.canRead
                                      ? 'taxii.access.readOnly'
                                      : 'taxii.access.none',
                              )}
                            </li>
                          ))}
                        </ul>
                      )}
                    </dd>
                  </div>
                  <div>
                    <dt>{t('taxii.collections.columns.url')}</dt>
                    <dd>
                      <CopyableUrl
                        url={c.url}
                        label={t('taxii.collections.urlOf', { title: c.title })}
                      />
                    </dd>
                  </div>
                </dl>
              </li>
            ))}
          </ul>
        )}
      </AsyncList>
    </section>
  );
}

/** Creates or edits a collection: its case, highest marking and who may read or write it. */
function CollectionForm({
  initial,
  choices,
  onSaved,
  onCancel,
}: {
  initial: CollectionAdminView | null;
  choices: Choices | null;
  onSaved: (collection: CollectionAdminView) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [title, setTitle] = useState(initial?.title ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [caseId, setCaseId] = useState(initial?.caseId ?? '');
  const [maxTlp, setMaxTlp] = useState<CollectionTlp>(
    initial && initial.maxTlp !== 'red' ? initial.maxTlp : 'green',
  );
  const [access, setAccess] = useState<TaxiiAccessEntry[]>(initial?.access ?? []);
  const [adding, setAdding] = useState('');
  const save = useSubmit(
    (body: CollectionBody) =>
      initial ? api.updateTaxiiCollection(initial.id, body) : api.createTaxiiCollection(body),
    onSaved,
  );
  const busy = save.busy;
  const invalid = problemFields(save.problem);
  const nameOf = usePrincipalName(choices);
  const chosen = new Set(access.map((a) => a.principal));
  const users = (choices?.users ?? []).filter((u) => !chosen.has(`user:${u.id}`));
  const tokens = (choices?.tokens ?? []).filter((x) => !chosen.has(`token:${x.id}`));

  const change = (principal: string, patch: Partial<TaxiiAccessEntry>) =>
    setAccess((list) => list.map((a) => (a.principal === principal ? { ...a, ...patch } : a)));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (title.trim() === '') {
      document.getElementById(`${id}-name`)?.focus();
      save.fail({ message: t('taxii.collections.form.titleRequired'), field: 'title' });
      return;
    }
    void save.submit({
      title: title.trim(),
      description: description.trim(),
      caseId: caseId === '' ? null : caseId,
      maxTlp,
      access,
    });
  };

  return (
    <form
      className="form card taxii-form"
      noValidate
      aria-labelledby={`${id}-title`}
      onSubmit={submit}
    >
      <h3 id={`${id}-title`}>
        {initial
          ? t('taxii.collections.form.editTitle', { title: initial.title })
          : t('taxii.collections.form.newTitle')}
      </h3>
      <ProblemAlert problem={save.problem} />
      <Field
        id={`${id}-name`}
        label={t('taxii.collections.form.title')}
        invalid={invalid.has('title')}
      >
        <input value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} />
      </Field>
      <Field id={`${id}-description`} label={t('taxii.collections.form.description')}>
        <textarea
          rows={2}
          maxLength={2000}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
      </Field>
      <div className="field-row">
        <Field
          id={`${id}-case`}
          label={t('taxii.collections.form.case')}
          hint={t('taxii.collections.form.caseHint')}
        >
          <select value={caseId} onChange={(e) => setCaseId(e.target.value)}>
            <CaseOptions cases={choices?.cases} none={t('taxii.collections.everyCase')} />
          </select>
        </Field>
        <div>
          <ChoiceField
            id={`${id}-tlp`}
            label={t('taxii.collections.form.maxTlp')}
            value={maxTlp}
            options={COLLECTION_TLP_LEVELS}
            labelOf={tlpLabel}
            onChange={setMaxTlp}
          />
          <p className="field-hint">{t('taxii.collections.form.maxTlpHint')}</p>
        </div>
      </div>
      <fieldset className="checkboxes taxii-access">
        <legend>{t('taxii.access.title')}</legend>
        {access.length === 0 ? (
          <p className="muted small">{t('taxii.access.nobody')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('taxii.access.principal')}</th>
                <th scope="col">{t('taxii.access.read')}</th>
                <th scope="col">{t('taxii.access.write')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('taxii.collections.columns.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {access.map((entry) => {
                const name = nameOf(entry.principal);
                return (
                  <tr key={entry.principal}>
                    <td>{name}</td>
                    <td>
                      <input
                        type="checkbox"
                        checked={entry.canRead}
                        aria-label={t('taxii.access.readOf', { name })}
                        onChange={(e) => change(entry.principal, { canRead: e.target.checked })}
                      />
                    </td>
                    <td>
                      <input
                        type="checkbox"
                        checked={entry.canWrite}
                        aria-label={t('taxii.access.writeOf', { name })}
                        onChange={(e) => change(entry.principal, { canWrite: e.target.checked })}
                      />
                    </td>
                    <td>
                      <button
                        type="button"
                        className="button-quiet"
                        aria-label={t('taxii.access.remove', { name })}
                        onClick={() =>
                          setAccess((list) => list.filter((a) => a.principal !== entry.principal))
                        }
                      >
                        {t('taxii.access.removeShort')}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        <div className="inline-form">
          <label htmlFor={`${id}-principal`}>{t('taxii.access.add')}</label>
          <select id={`${id}-principal`} value={adding} onChange={(e) => setAdding(e.target.value)}>
            <option value="">{t('taxii.access.choose')}</option>
            {users.length > 0 ? (
              <optgroup label={t('taxii.access.users')}>
                {users.map((u) => (
                  <option key={u.id} value={`user:${u.id}`}>
                    {nameOf(`user:${u.id}`)}
                  </option>
                ))}
              </optgroup>
            ) : null}
            {tokens.length > 0 ? (
              <optgroup label={t('taxii.access.tokens')}>
                {tokens.map((x) => (
                  <option key={x.id} value={`token:${x.id}`}>
                    {nameOf(`token:${x.id}`)}
                  </option>
                ))}
              </optgroup>
            ) : null}
          </select>
          <button
            type="button"
            disabled={adding === ''}
            onClick={() => {
              setAccess((list) => [...list, { principal: adding, canRead: true, canWrite: false }]);
              setAdding('');
            }}
          >
            {t('taxii.access.addButton')}
          </button>
        </div>
        <p className="field-hint">{t('taxii.access.hint')}</p>
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy}>
          {initial ? t('taxii.collections.form.save') : t('taxii.collections.form.create')}
        </button>
        <button type="button" disabled={busy} onClick={onCancel}>
          {t('taxii.cancel')}
        </button>
      </div>
    </form>
  );
}
