import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api';
import type { WebhookView } from '../../../app/types';
import { AsyncTable, type Column } from '../../../ui/async-table';
import { ProblemAlert, problemFields } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { useSubmit } from '../../../ui/submit';
import '../i18n';

// The webhooks a rung of the ladder may call (hotline roster page; admins only).

export function Webhooks({
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
  // One state for every action here: adding, enabling or disabling, removing.
  const run = useSubmit((action: () => Promise<unknown>) => action(), onChanged);
  const invalid = problemFields(run.problem);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === '' || url.trim() === '') {
      run.fail({ message: t('hotline.webhooks.required') });
      return;
    }
    if (secret.length < 16) {
      run.fail({ message: t('hotline.webhooks.secretShort'), field: 'secret' });
      return;
    }
    const created = await run.submit(() =>
      api.createWebhook({ name: name.trim(), url: url.trim(), secret, enabled: true }),
    );
    if (created !== undefined) {
      setName('');
      setUrl('');
      setSecret('');
    }
  };

  const columns: Column<WebhookView>[] = [
    { header: t('hotline.webhooks.name'), cell: (hook) => hook.name, rowHeader: true },
    { header: t('hotline.webhooks.url'), cell: (hook) => <code>{hook.url}</code> },
    {
      header: t('hotline.webhooks.state'),
      cell: (hook) => (
        <span className={`badge ${hook.enabled ? 'badge-on' : 'badge-off'}`}>
          {t(hook.enabled ? 'hotline.webhooks.enabled' : 'hotline.webhooks.disabled')}
        </span>
      ),
    },
    {
      header: t('hotline.shifts.actions'),
      className: 'actions',
      cell: (hook) => (
        <>
          <button
            type="button"
            disabled={run.busy}
            onClick={() =>
              void run.submit(() => api.updateWebhook(hook.id, { enabled: !hook.enabled }))
            }
          >
            {t(hook.enabled ? 'hotline.webhooks.disable' : 'hotline.webhooks.enable')}
          </button>{' '}
          <button
            type="button"
            className="button-quiet-danger"
            disabled={run.busy}
            aria-label={t('hotline.webhooks.removeOne', { name: hook.name })}
            onClick={() => {
              if (window.confirm(t('hotline.webhooks.removeConfirm', { name: hook.name })))
                void run.submit(() => api.removeWebhook(hook.id));
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
      <h2 id={`${id}-title`}>{t('hotline.webhooks.title')}</h2>
      <p className="muted">{t('hotline.webhooks.intro')}</p>
      <ProblemAlert problem={run.problem} />
      <AsyncTable
        rows={webhooks}
        error={error}
        empty={<p>{t('hotline.webhooks.empty')}</p>}
        columns={columns}
        rowKey={(hook) => hook.id}
        label={t('hotline.webhooks.title')}
      />
      <form className="form card" noValidate onSubmit={(event) => void submit(event)}>
        <h3>{t('hotline.webhooks.addTitle')}</h3>
        <div className="field-row">
          <Field label={t('hotline.webhooks.name')} invalid={invalid.has('name')}>
            <input value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field label={t('hotline.webhooks.url')} invalid={invalid.has('url')}>
            <input type="url" value={url} onChange={(e) => setUrl(e.target.value)} />
          </Field>
        </div>
        <Field
          label={t('hotline.webhooks.secret')}
          hint={t('hotline.webhooks.secretHint')}
          invalid={invalid.has('secret')}
        >
          <input
            type="password"
            autoComplete="new-password"
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
          />
        </Field>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={run.busy}>
            {t('hotline.webhooks.add')}
          </button>
        </div>
      </form>
    </section>
  );
}
