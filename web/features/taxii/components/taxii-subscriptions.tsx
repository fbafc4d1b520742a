import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { removeById } from '../../../ui/lists';
import * as api from '../api';
import {
  MAX_POLL_SECONDS,
  MIN_POLL_SECONDS,
  SUBSCRIPTION_AUTH_KINDS,
  type SubscriptionAuthKind,
  type SubscriptionBody,
  type SubscriptionView,
  type TlpLevel,
} from '../../../app/types';
import { TlpBadge, TlpField } from '../../cases/components/cases';
import { AsyncTable } from '../../../ui/async-table';
import { ChoiceField } from '../../../ui/choice-field';
import { ProblemAlert, problemFields } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { formatDuration } from '../../../ui/format';
import { useCoalesced, useLoader } from '../../../ui/hooks';
import { useSubmit } from '../../../ui/submit';
import { useLiveEvent } from '../../../app/live-events';
import { CaseName, CaseOptions, ConfirmButton, When, type Choices } from './taxii-shared';
import '../i18n';

// The remote collections cases pull from (TAXII page).

export function Subscriptions({ choices }: { choices: Choices | null }) {
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
  const [polling, setPolling] = useState<string | null>(null);

  const replace = (view: SubscriptionView) =>
    setData((list) => (list ?? []).map((s) => (s.id === view.id ? view : s)));
  const pollNow = useSubmit(async (id: string) => {
    setPolling(id);
    try {
      replace(await api.pollTaxiiSubscription(id));
    } catch (failure) {
      refresh();
      throw failure;
    } finally {
      setPolling(null);
    }
  });
  const remove = useSubmit(api.removeTaxiiSubscription, (_, id) =>
    setData((list) => removeById(list, id)),
  );

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
      <ProblemAlert problem={pollNow.problem} />
      <ProblemAlert problem={remove.problem} />
      <AsyncTable
        rows={subscriptions}
        error={error}
        empty={<p>{t('taxii.subscriptions.empty')}</p>}
        label={t('taxii.subscriptions.title')}
        rowKey={(s) => s.id}
        rowTestId="subscription-row"
        columns={[
          {
            header: t('taxii.subscriptions.columns.case'),
            cell: (s) => <CaseName caseId={s.caseId} cases={choices?.cases} />,
          },
          {
            header: t('taxii.subscriptions.columns.url'),
            cell: (s) => <code>{s.url}</code>,
            className: 'taxii-url',
          },
          {
            header: t('taxii.subscriptions.columns.auth'),
            cell: (s) => t(`taxii.subscriptions.auths.${s.auth}`),
          },
          { header: t('taxii.subscriptions.columns.tlp'), cell: (s) => <TlpBadge level={s.tlp} /> },
          {
            header: t('taxii.subscriptions.columns.interval'),
            cell: (s) =>
              t('taxii.subscriptions.every', {
                interval: formatDuration(s.intervalSeconds * 1000, i18n.language),
              }),
            className: 'nowrap',
          },
          {
            header: t('taxii.subscriptions.columns.status'),
            cell: (s) => (
              <span className={`badge subscription-${s.status}`}>
                {t(`taxii.subscriptions.statuses.${s.status}`)}
              </span>
            ),
          },
          {
            header: t('taxii.subscriptions.columns.lastPolled'),
            cell: (s) => (
              <>
                {s.lastPolledAt ? <When iso={s.lastPolledAt} /> : t('taxii.subscriptions.never')}
                {s.lastError ? (
                  <p className="small subscription-error" data-testid="subscription-error">
                    {t('taxii.subscriptions.lastError', { message: s.lastError })}
                  </p>
                ) : null}
              </>
            ),
          },
          {
            header: t('taxii.subscriptions.columns.received'),
            cell: (s) => s.received.toLocaleString(i18n.language),
            className: 'num',
          },
          {
            header: t('taxii.subscriptions.columns.actions'),
            className: 'actions',
            cell: (s) => (
              <>
                <button
                  type="button"
                  disabled={polling === s.id}
                  onClick={() => void pollNow.submit(s.id)}
                >
                  {polling === s.id
                    ? t('taxii.subscriptions.polling')
                    : t('taxii.subscriptions.poll')}
                </button>
                <ConfirmButton
                  label={t('taxii.subscriptions.remove')}
                  question={t('taxii.subscriptions.removeConfirm', { url: s.url })}
                  confirm={t('taxii.subscriptions.removeYes')}
                  busy={remove.busy}
                  onConfirm={() => remove.submit(s.id)}
                />
              </>
            ),
          },
        ]}
      />
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
  const save = useSubmit(api.createTaxiiSubscription, onSaved);
  const busy = save.busy;

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
    save.fail({ message, field });
  };
  const invalid = problemFields(save.problem);
  const submit = (event: FormEvent) => {
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
    void save.submit({
      caseId,
      url: url.trim(),
      auth: credentials,
      tlp,
      intervalSeconds: seconds,
    });
  };

  let authFields: ReactNode = null;
  if (auth === 'bearer') {
    authFields = (
      <Field
        id={`${id}-token`}
        invalid={invalid.has('token')}
        label={t('taxii.subscriptions.form.token')}
      >
        <input
          type="password"
          autoComplete="off"
          value={token}
          maxLength={500}
          onChange={(e) => setToken(e.target.value)}
        />
      </Field>
    );
  } else if (auth === 'basic') {
    authFields = (
      <div className="field-row">
        <Field
          id={`${id}-username`}
          invalid={invalid.has('username')}
          label={t('taxii.subscriptions.form.username')}
        >
          <input
            autoComplete="off"
            value={username}
            maxLength={200}
            onChange={(e) => setUsername(e.target.value)}
          />
        </Field>
        <Field id={`${id}-password`} label={t('taxii.subscriptions.form.password')}>
          <input
            type="password"
            autoComplete="off"
            value={password}
            maxLength={500}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
      </div>
    );
  }

  return (
    <form
      className="form card taxii-form"
      noValidate
      aria-labelledby={`${id}-title`}
      onSubmit={submit}
    >
      <h3 id={`${id}-title`}>{t('taxii.subscriptions.form.title')}</h3>
      <ProblemAlert problem={save.problem} />
      <Field
        id={`${id}-case`}
        invalid={invalid.has('case')}
        label={t('taxii.subscriptions.form.case')}
      >
        <select value={caseId} onChange={(e) => setCaseId(e.target.value)}>
          <CaseOptions cases={choices?.cases} none={t('taxii.subscriptions.form.chooseCase')} />
        </select>
      </Field>
      <Field
        id={`${id}-url`}
        invalid={invalid.has('url')}
        label={t('taxii.subscriptions.form.url')}
        hint={t('taxii.subscriptions.form.urlHint')}
      >
        <input
          type="url"
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
          placeholder="https://…/collections/…/"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
      </Field>
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
        <Field
          id={`${id}-interval`}
          invalid={invalid.has('interval')}
          label={t('taxii.subscriptions.form.interval')}
          hint={t('taxii.subscriptions.form.intervalRange', {
            min: MIN_POLL_SECONDS,
            max: MAX_POLL_SECONDS,
          })}
        >
          <input
            type="number"
            inputMode="numeric"
            min={MIN_POLL_SECONDS}
            max={MAX_POLL_SECONDS}
            step={1}
            value={every}
            aria-invalid={!intervalOk}
            onChange={(e) => setEvery(e.target.value)}
          />
        </Field>
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
