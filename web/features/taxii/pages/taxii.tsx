import {
  useCallback,
  useEffect,
  useId,
  useRef,
  useState,
  type FormEvent,
  type ReactNode,
} from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { removeById, upsertById } from '../../../ui/lists';
import * as accountsApi from '../../accounts/api';
import * as casesApi from '../../cases/api';
import * as api from '../api';
import {
  COLLECTION_TLP_LEVELS,
  MAX_POLL_SECONDS,
  MIN_POLL_SECONDS,
  SUBSCRIPTION_AUTH_KINDS,
  type CaseView,
  type CollectionAdminView,
  type CollectionBody,
  type CollectionTlp,
  type SubscriptionAuthKind,
  type SubscriptionBody,
  type SubscriptionView,
  type TaxiiAccessEntry,
  type TlpLevel,
  type TokenView,
  type UserView,
} from '../../../app/types';
import { TlpBadge, TlpField, tlpLabel } from '../../cases/components/cases';
import { ChoiceField } from '../../../ui/choice-field';
import { ErrorAlert } from '../../../ui/errors';
import { formatDateTime, formatDuration } from '../../../ui/format';
import { useCoalesced, usePageTitle, useLoader } from '../../../ui/hooks';
import { useLiveEvent } from '../../../app/live-events';
import { useUserTimeZone } from '../../../app/session';
import '../i18n';

/** What the forms choose from: the cases, and the users and tokens a collection opens to. */
interface Choices {
  cases: CaseView[];
  users: UserView[];
  tokens: TokenView[];
}

async function loadChoices(): Promise<Choices> {
  const [{ cases }, users, tokens] = await Promise.all([
    // The most recently changed cases (the server's largest page) are the ones to choose from.
    casesApi.listCases({ limit: 500 }),
    accountsApi.listUsers(),
    // Tokens only name principals: without them, users still can be chosen.
    api.listTokens(true).catch(() => [] as TokenView[]),
  ]);
  cases.sort((a, b) => a.title.localeCompare(b.title));
  return { cases, users, tokens };
}

/** "Ana Li (ana)", "Token “SOC feed”"; the raw principal when it is unknown here. */
function usePrincipalName(choices: Choices | null): (principal: string) => string {
  const { t } = useTranslation();
  return useCallback(
    (principal: string) => {
      const [kind, id] = principal.split(':', 2);
      if (kind === 'user') {
        const user = choices?.users.find((u) => u.id === id);
        if (user)
          return t('taxii.access.userName', { name: user.displayName, username: user.username });
      } else if (kind === 'token') {
        const token = choices?.tokens.find((x) => x.id === id);
        if (token) return t('taxii.access.tokenName', { name: token.name });
      }
      return principal;
    },
    [choices, t],
  );
}

function When({ iso }: { iso: string }) {
  const { i18n } = useTranslation();
  const zone = useUserTimeZone();
  return <time dateTime={iso}>{formatDateTime(iso, i18n.language, zone)}</time>;
}

/** The case's title, linked; "every case" for a collection over all of them. */
function CaseName({ caseId, cases }: { caseId: string | null; cases: CaseView[] | undefined }) {
  const { t } = useTranslation();
  if (caseId === null) return <span>{t('taxii.collections.everyCase')}</span>;
  const found = cases?.find((c) => c.id === caseId);
  return <Link to={`/cases/${caseId}`}>{found?.title ?? caseId}</Link>;
}

/** A button that asks "Sure?" in place before it acts (removals). */
function ConfirmButton({
  label,
  question,
  confirm,
  onConfirm,
}: {
  label: string;
  question: string;
  confirm: string;
  onConfirm: () => Promise<void>;
}) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const firstButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirmButton.current?.focus();
  }, [asking]);

  if (!asking) {
    return (
      <button
        ref={firstButton}
        type="button"
        className="button-quiet-danger"
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    );
  }
  return (
    <div className="confirm" role="group" aria-label={label}>
      <p>{question}</p>
      <button
        ref={confirmButton}
        type="button"
        className="button-danger"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void onConfirm().finally(() => {
            setBusy(false);
            setAsking(false);
          });
        }}
      >
        {confirm}
      </button>
      <button
        type="button"
        onClick={() => {
          setAsking(false);
          setTimeout(() => firstButton.current?.focus(), 0);
        }}
      >
        {t('taxii.cancel')}
      </button>
    </div>
  );
}

/** The URL, selectable, and a button that copies it. */
function CopyableUrl({ url, label }: { url: string; label: string }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copyUrl = async () => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(url);
      setCopy('copied');
    } catch {
      input.current?.select();
      setCopy('failed');
    }
  };
  return (
    <div className="copyable">
      <input
        ref={input}
        readOnly
        value={url}
        aria-label={label}
        spellCheck={false}
        data-testid="collection-url"
        onFocus={(event) => event.currentTarget.select()}
      />
      <button type="button" onClick={() => void copyUrl()}>
        {t('taxii.copy')}
      </button>
      <span role="status" className="small">
        {copy === 'copied' ? t('taxii.copied') : copy === 'failed' ? t('taxii.copyFailed') : ''}
      </span>
    </div>
  );
}

/** TAXII 2.1: the collections this node serves to SOC tools, and the remote ones cases pull. */
export function TaxiiPage() {
  const { t } = useTranslation();
  usePageTitle(t('taxii.title'));
  const { data: choices, error: choicesError } = useLoader<Choices>(loadChoices);

  return (
    <section className="page taxii-page">
      <h1>{t('taxii.title')}</h1>
      <p className="lead">{t('taxii.intro')}</p>
      {choicesError ? <ErrorAlert error={choicesError} /> : null}
      <Collections choices={choices} />
      <Subscriptions choices={choices} />
    </section>
  );
}

function Collections({ choices }: { choices: Choices | null }) {
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
  const [problem, setProblem] = useState<unknown>(null);
  const nameOf = usePrincipalName(choices);

  const saved = (collection: CollectionAdminView) => {
    setData((list) => upsertById(list, collection));
    setEditing(null);
  };
  const remove = async (id: string) => {
    setProblem(null);
    try {
      await api.removeTaxiiCollection(id);
      setData((list) => removeById(list, id));
    } catch (failure) {
      setProblem(failure);
    }
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
      {error ? <ErrorAlert error={error} /> : null}
      {problem ? <ErrorAlert error={problem} /> : null}
      {collections === null ? (
        error ? null : (
          <p role="status">{t('common.loading')}</p>
        )
      ) : collections.length === 0 ? (
        <div className="empty">
          <p>{t('taxii.collections.empty')}</p>
        </div>
      ) : (
        <ul className="plain taxii-collections" aria-label={t('taxii.collections.title')}>
          {collections.map((c) => (
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
                    onConfirm={() => remove(c.id)}
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
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ message?: string; error?: unknown } | null>(null);
  const nameOf = usePrincipalName(choices);
  const chosen = new Set(access.map((a) => a.principal));
  const users = (choices?.users ?? []).filter((u) => !chosen.has(`user:${u.id}`));
  const tokens = (choices?.tokens ?? []).filter((x) => !chosen.has(`token:${x.id}`));

  const change = (principal: string, patch: Partial<TaxiiAccessEntry>) =>
    setAccess((list) => list.map((a) => (a.principal === principal ? { ...a, ...patch } : a)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (title.trim() === '') {
      document.getElementById(`${id}-name`)?.focus();
      return setProblem({ message: t('taxii.collections.form.titleRequired') });
    }
    setBusy(true);
    setProblem(null);
    const body: CollectionBody = {
      title: title.trim(),
      description: description.trim(),
      caseId: caseId === '' ? null : caseId,
      maxTlp,
      access,
    };
    try {
      onSaved(
        initial
          ? await api.updateTaxiiCollection(initial.id, body)
          : await api.createTaxiiCollection(body),
      );
    } catch (error) {
      setProblem({ error });
      setBusy(false);
    }
  };

  return (
    <form
      className="form card taxii-form"
      noValidate
      aria-labelledby={`${id}-title`}
      onSubmit={(event) => void submit(event)}
    >
      <h3 id={`${id}-title`}>
        {initial
          ? t('taxii.collections.form.editTitle', { title: initial.title })
          : t('taxii.collections.form.newTitle')}
      </h3>
      {problem ? <ErrorAlert {...problem} /> : null}
      <div className="field">
        <label htmlFor={`${id}-name`}>{t('taxii.collections.form.title')}</label>
        <input
          id={`${id}-name`}
          value={title}
          maxLength={200}
          onChange={(e) => setTitle(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-description`}>{t('taxii.collections.form.description')}</label>
        <textarea
          id={`${id}-description`}
          rows={2}
          maxLength={2000}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-case`}>{t('taxii.collections.form.case')}</label>
          <select
            id={`${id}-case`}
            value={caseId}
            aria-describedby={`${id}-case-hint`}
            onChange={(e) => setCaseId(e.target.value)}
          >
            <option value="">{t('taxii.collections.everyCase')}</option>
            {(choices?.cases ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.title}
              </option>
            ))}
          </select>
          <p className="field-hint" id={`${id}-case-hint`}>
            {t('taxii.collections.form.caseHint')}
          </p>
        </div>
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

function Subscriptions({ choices }: { choices: Choices | null }) {
  const { t, i18n } = useTranslation();
  const {
    data: subscriptions,
    setData,
    error,
    reload,
  } = useLoader<SubscriptionView[]>(api.listTaxiiSubscriptions);
  const refresh = useCoalesced(reload);
  // What a poll brought lands in its case: the counts and dates moved on.
  useLiveEvent(['resync', 'case.changed'], refresh);
  const [composing, setComposing] = useState(false);
  const [problem, setProblem] = useState<unknown>(null);
  const [polling, setPolling] = useState<string | null>(null);

  const replace = (view: SubscriptionView) =>
    setData((list) => (list ?? []).map((s) => (s.id === view.id ? view : s)));
  const poll = async (id: string) => {
    setPolling(id);
    setProblem(null);
    try {
      replace(await api.pollTaxiiSubscription(id));
    } catch (failure) {
      setProblem(failure);
      refresh();
    } finally {
      setPolling(null);
    }
  };
  const remove = async (id: string) => {
    setProblem(null);
    try {
      await api.removeTaxiiSubscription(id);
      setData((list) => removeById(list, id));
    } catch (failure) {
      setProblem(failure);
    }
  };

  return (
    <section className="case-section" aria-labelledby="taxii-subscriptions">
      <div className="section-head">
        <h2 id="taxii-subscriptions">{t('taxii.subscriptions.title')}</h2>
        {composing ? null : (
          <button type="button" className="button-primary" onClick={() => setComposing(true)}>
            {t('taxii.subscriptions.new')}
          </button>
        )}
      </div>
      <p className="muted">{t('taxii.subscriptions.intro')}</p>
      {composing ? (
        <SubscriptionForm
          choices={choices}
          onSaved={(view) => {
            setData((list) => [...(list ?? []), view]);
            setComposing(false);
          }}
          onCancel={() => setComposing(false)}
        />
      ) : null}
      {error ? <ErrorAlert error={error} /> : null}
      {problem ? <ErrorAlert error={problem} /> : null}
      {subscriptions === null ? (
        error ? null : (
          <p role="status">{t('common.loading')}</p>
        )
      ) : subscriptions.length === 0 ? (
        <div className="empty">
          <p>{t('taxii.subscriptions.empty')}</p>
        </div>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t('taxii.subscriptions.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('taxii.subscriptions.columns.case')}</th>
                <th scope="col">{t('taxii.subscriptions.columns.url')}</th>
                <th scope="col">{t('taxii.subscriptions.columns.auth')}</th>
                <th scope="col">{t('taxii.subscriptions.columns.tlp')}</th>
                <th scope="col">{t('taxii.subscriptions.columns.interval')}</th>
                <th scope="col">{t('taxii.subscriptions.columns.status')}</th>
                <th scope="col">{t('taxii.subscriptions.columns.lastPolled')}</th>
                <th scope="col">{t('taxii.subscriptions.columns.received')}</th>
                <th scope="col">{t('taxii.subscriptions.columns.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {subscriptions.map((s) => (
                <tr key={s.id} data-testid="subscription-row">
                  <td>
                    <CaseName caseId={s.caseId} cases={choices?.cases} />
                  </td>
                  <td className="taxii-url">
                    <code>{s.url}</code>
                  </td>
                  <td>{t(`taxii.subscriptions.auths.${s.auth}`)}</td>
                  <td>
                    <TlpBadge level={s.tlp} />
                  </td>
                  <td className="nowrap">
                    {t('taxii.subscriptions.every', {
                      interval: formatDuration(s.intervalSeconds * 1000, i18n.language),
                    })}
                  </td>
                  <td>
                    <span className={`badge subscription-${s.status}`}>
                      {t(`taxii.subscriptions.statuses.${s.status}`)}
                    </span>
                  </td>
                  <td>
                    {s.lastPolledAt ? (
                      <When iso={s.lastPolledAt} />
                    ) : (
                      t('taxii.subscriptions.never')
                    )}
                    {s.lastError ? (
                      <p className="small subscription-error" data-testid="subscription-error">
                        {t('taxii.subscriptions.lastError', { message: s.lastError })}
                      </p>
                    ) : null}
                  </td>
                  <td className="num">{s.received.toLocaleString(i18n.language)}</td>
                  <td className="actions">
                    <button
                      type="button"
                      disabled={polling === s.id}
                      onClick={() => void poll(s.id)}
                    >
                      {polling === s.id
                        ? t('taxii.subscriptions.polling')
                        : t('taxii.subscriptions.poll')}
                    </button>
                    <ConfirmButton
                      label={t('taxii.subscriptions.remove')}
                      question={t('taxii.subscriptions.removeConfirm', { url: s.url })}
                      confirm={t('taxii.subscriptions.removeYes')}
                      onConfirm={() => remove(s.id)}
                    />
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

/** A case subscribes to a remote collection: its URL, credentials, marking and interval. */
function SubscriptionForm({
  choices,
  onSaved,
  onCancel,
}: {
  choices: Choices | null;
  onSaved: (view: SubscriptionView) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [caseId, setCaseId] = useState('');
  const [url, setUrl] = useState('');
  const [auth, setAuth] = useState<SubscriptionAuthKind>('none');
  const [token, setToken] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [tlp, setTlp] = useState<TlpLevel>('amber');
  const [every, setEvery] = useState('300');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ message?: string; error?: unknown } | null>(null);

  const seconds = Number(every);
  const intervalOk =
    Number.isInteger(seconds) && seconds >= MIN_POLL_SECONDS && seconds <= MAX_POLL_SECONDS;
  const credentials: SubscriptionBody['auth'] | null =
    auth === 'bearer'
      ? token === ''
        ? null
        : { kind: 'bearer', token }
      : auth === 'basic'
        ? username === '' || password === ''
          ? null
          : { kind: 'basic', username, password }
        : { kind: 'none' };

  const fail = (message: string, field: string) => {
    document.getElementById(`${id}-${field}`)?.focus();
    setProblem({ message });
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (caseId === '') return fail(t('taxii.subscriptions.form.caseRequired'), 'case');
    if (url.trim() === '') return fail(t('taxii.subscriptions.form.urlRequired'), 'url');
    if (!credentials) {
      return fail(
        t('taxii.subscriptions.form.credentialsRequired'),
        auth === 'bearer' ? 'token' : 'username',
      );
    }
    if (!intervalOk) {
      return fail(
        t('taxii.subscriptions.form.intervalRange', {
          min: MIN_POLL_SECONDS,
          max: MAX_POLL_SECONDS,
        }),
        'interval',
      );
    }
    setBusy(true);
    setProblem(null);
    try {
      onSaved(
        await api.createTaxiiSubscription({
          caseId,
          url: url.trim(),
          auth: credentials,
          tlp,
          intervalSeconds: seconds,
        }),
      );
    } catch (error) {
      setProblem({ error });
      setBusy(false);
    }
  };

  let authFields: ReactNode = null;
  if (auth === 'bearer') {
    authFields = (
      <div className="field">
        <label htmlFor={`${id}-token`}>{t('taxii.subscriptions.form.token')}</label>
        <input
          id={`${id}-token`}
          type="password"
          autoComplete="off"
          value={token}
          maxLength={500}
          onChange={(e) => setToken(e.target.value)}
        />
      </div>
    );
  } else if (auth === 'basic') {
    authFields = (
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-username`}>{t('taxii.subscriptions.form.username')}</label>
          <input
            id={`${id}-username`}
            autoComplete="off"
            value={username}
            maxLength={200}
            onChange={(e) => setUsername(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-password`}>{t('taxii.subscriptions.form.password')}</label>
          <input
            id={`${id}-password`}
            type="password"
            autoComplete="off"
            value={password}
            maxLength={500}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
      </div>
    );
  }

  return (
    <form
      className="form card taxii-form"
      noValidate
      aria-labelledby={`${id}-title`}
      onSubmit={(event) => void submit(event)}
    >
      <h3 id={`${id}-title`}>{t('taxii.subscriptions.form.title')}</h3>
      {problem ? <ErrorAlert {...problem} /> : null}
      <div className="field">
        <label htmlFor={`${id}-case`}>{t('taxii.subscriptions.form.case')}</label>
        <select id={`${id}-case`} value={caseId} onChange={(e) => setCaseId(e.target.value)}>
          <option value="">{t('taxii.subscriptions.form.chooseCase')}</option>
          {(choices?.cases ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              {c.title}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-url`}>{t('taxii.subscriptions.form.url')}</label>
        <input
          id={`${id}-url`}
          type="url"
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
          placeholder="https://…/collections/…/"
          value={url}
          aria-describedby={`${id}-url-hint`}
          onChange={(e) => setUrl(e.target.value)}
        />
        <p className="field-hint" id={`${id}-url-hint`}>
          {t('taxii.subscriptions.form.urlHint')}
        </p>
      </div>
      <ChoiceField
        id={`${id}-auth`}
        label={t('taxii.subscriptions.form.auth')}
        value={auth}
        options={SUBSCRIPTION_AUTH_KINDS}
        labelOf={(kind) => t(`taxii.subscriptions.auths.${kind}`)}
        onChange={setAuth}
      />
      {authFields}
      <div className="field-row">
        <TlpField id={id} value={tlp} onChange={setTlp} label={t('taxii.subscriptions.form.tlp')} />
        <div className="field">
          <label htmlFor={`${id}-interval`}>{t('taxii.subscriptions.form.interval')}</label>
          <input
            id={`${id}-interval`}
            type="number"
            inputMode="numeric"
            min={MIN_POLL_SECONDS}
            max={MAX_POLL_SECONDS}
            step={1}
            value={every}
            aria-invalid={!intervalOk}
            aria-describedby={`${id}-interval-hint`}
            onChange={(e) => setEvery(e.target.value)}
          />
          <p className="field-hint" id={`${id}-interval-hint`}>
            {t('taxii.subscriptions.form.intervalRange', {
              min: MIN_POLL_SECONDS,
              max: MAX_POLL_SECONDS,
            })}
          </p>
        </div>
      </div>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy}>
          {t('taxii.subscriptions.form.submit')}
        </button>
        <button type="button" disabled={busy} onClick={onCancel}>
          {t('taxii.cancel')}
        </button>
      </div>
    </form>
  );
}
