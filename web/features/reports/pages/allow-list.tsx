import { useCallback, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { AllowListEntryView, IndicatorView } from '../../../../src/core/schemas/reports';
import { rolesAllow } from '../../../app/types';
import { useUser } from '../../../app/session';
import { AsyncTable } from '../../../ui/async-table';
import { ProblemAlert } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { usePageTitle } from '../../../ui/hooks';
import { useSubmit } from '../../../ui/submit';
import * as api from '../api';
import { MoreButton, usePaged, When } from '../components/parts';
import '../i18n';
import '../reports.css';

type IndicatorType = IndicatorView['type'];
const TYPES: readonly IndicatorType[] = [
  'ipv4',
  'ipv6',
  'domain',
  'url',
  'email',
  'md5',
  'sha1',
  'sha256',
  'sha512',
  'cve',
];

/** The node's allow-list: known-benign values dropped from extractions, each with a reason. */
export function AllowListPage() {
  const { t } = useTranslation();
  const user = useUser();
  const mayEdit = rolesAllow(user.roles, 'reports.allowlist');
  usePageTitle(t('reports.allowList.title'));
  const list = usePaged<AllowListEntryView>(
    useCallback(async (cursor) => {
      const page = await api.listAllowList(cursor);
      return { rows: page.items, next: page.next };
    }, []),
  );
  const remove = useSubmit(api.disallow, () => list.reload());
  return (
    <section className="page reports-page">
      <p className="breadcrumb">
        <Link to="/reports">{t('reports.title')}</Link>
      </p>
      <h1>{t('reports.allowList.title')}</h1>
      <p className="lead">{t('reports.allowList.intro')}</p>
      <ProblemAlert problem={remove.problem} />
      <AsyncTable
        rows={list.rows}
        error={list.error}
        onRetry={list.reload}
        empty={<p>{t('reports.allowList.empty')}</p>}
        label={t('reports.allowList.title')}
        rowKey={(e) => e.id}
        rowTestId="allow-row"
        columns={[
          {
            header: t('reports.allowList.value'),
            rowHeader: true,
            cell: (e) => <code>{e.value}</code>,
          },
          {
            header: t('reports.allowList.type'),
            cell: (e) => t(`reports.indicatorTypes.${e.type}`),
          },
          {
            header: t('reports.allowList.subdomains'),
            cell: (e) => (e.subdomains ? t('reports.yes') : t('reports.no')),
          },
          { header: t('reports.allowList.reason'), cell: (e) => e.reason },
          {
            header: t('reports.fields.added'),
            cell: (e) => (
              <>
                <When at={e.createdAt} />
                {e.createdBy ? <span className="muted"> · {e.createdBy}</span> : null}
              </>
            ),
          },
          ...(mayEdit
            ? [
                {
                  header: t('reports.allowList.actions'),
                  hiddenHeader: true,
                  cell: (e: AllowListEntryView) => (
                    <button
                      type="button"
                      className="button-small button-quiet-danger"
                      disabled={remove.busy}
                      aria-label={t('reports.allowList.removeItem', { value: e.value })}
                      onClick={() => void remove.submit(e.id)}
                    >
                      {t('reports.allowList.remove')}
                    </button>
                  ),
                },
              ]
            : []),
        ]}
      />
      <MoreButton list={list} />
      {mayEdit ? <AddEntry onDone={list.reload} /> : null}
    </section>
  );
}

function AddEntry({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [type, setType] = useState<IndicatorType>('domain');
  const [value, setValue] = useState('');
  const [subdomains, setSubdomains] = useState(false);
  const [reason, setReason] = useState('');
  const add = useSubmit(api.allow, () => {
    setValue('');
    setReason('');
    setSubdomains(false);
    onDone();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!value.trim())
      return add.fail({ message: t('reports.allowList.needValue'), field: 'value' });
    if (!reason.trim())
      return add.fail({ message: t('reports.allowList.needReason'), field: 'reason' });
    void add.submit({
      type,
      value: value.trim(),
      subdomains: type === 'domain' && subdomains,
      reason: reason.trim(),
    });
  };
  const fields = {
    type: t('reports.allowList.type'),
    value: t('reports.allowList.value'),
    reason: t('reports.allowList.reason'),
  };
  return (
    <section className="card reports-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('reports.allowList.add')}</h2>
      <ProblemAlert problem={add.problem} fields={fields} />
      <form className="form" noValidate onSubmit={submit} aria-labelledby={`${id}-title`}>
        <div className="field-row">
          <Field label={t('reports.allowList.type')}>
            <select value={type} onChange={(e) => setType(e.target.value as IndicatorType)}>
              {TYPES.map((x) => (
                <option key={x} value={x}>
                  {t(`reports.indicatorTypes.${x}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('reports.allowList.value')} invalid={add.problem?.field === 'value'}>
            <input
              value={value}
              maxLength={500}
              onChange={(e) => setValue(e.target.value)}
              spellCheck={false}
            />
          </Field>
        </div>
        {type === 'domain' ? (
          <label className="checkbox">
            <input
              type="checkbox"
              checked={subdomains}
              onChange={(e) => setSubdomains(e.target.checked)}
            />{' '}
            {t('reports.allowList.withSubdomains')}
          </label>
        ) : null}
        <Field
          label={t('reports.allowList.reason')}
          hint={t('reports.allowList.reasonHint')}
          invalid={add.problem?.field === 'reason'}
        >
          <input value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
        </Field>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={add.busy}>
            {t('reports.allowList.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
