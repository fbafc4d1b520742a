import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api';
import type { AuditEntryView } from '../../../app/types';
import { ErrorAlert } from '../../../ui/errors';
import { formatDateTime } from '../../../ui/format';
import { usePageTitle } from '../../../ui/hooks';
import { useLiveEvent } from '../../../app/live-events';
import { useUserTimeZone } from '../../../app/session';
import '../i18n';

const PAGE_SIZE = 50;

function describeActor(actor: unknown): string | null {
  if (actor === null || actor === undefined || actor === '') return null;
  if (typeof actor === 'string' || typeof actor === 'number') return String(actor);
  if (typeof actor === 'object') {
    const record = actor as Record<string, unknown>;
    for (const key of ['username', 'displayName', 'id', 'nodeId']) {
      const value = record[key];
      if (typeof value === 'string' && value !== '') return value;
    }
  }
  return JSON.stringify(actor);
}

function describeDetails(details: unknown): string {
  if (details === null || details === undefined) return '';
  if (typeof details === 'string') return details;
  return JSON.stringify(details);
}

export function AuditPage() {
  const { t, i18n } = useTranslation();
  const zone = useUserTimeZone();
  usePageTitle(t('audit.title'));
  const [entries, setEntries] = useState<AuditEntryView[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [atStart, setAtStart] = useState(false);

  const load = useCallback(async () => {
    setBusy(true);
    try {
      const first = await api.listAudit({ limit: PAGE_SIZE });
      setEntries(first);
      setAtStart(first.length < PAGE_SIZE);
      setError(null);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  useLiveEvent('resync', () => void load());

  const loadOlder = async () => {
    const last = entries?.at(-1);
    if (!last) return;
    setBusy(true);
    try {
      const older = await api.listAudit({ limit: PAGE_SIZE, before: last.seq });
      setEntries((current) => [...(current ?? []), ...older]);
      setAtStart(older.length < PAGE_SIZE);
      setError(null);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="page">
      <div className="section-head">
        <h1>{t('audit.title')}</h1>
        <button type="button" onClick={() => void load()} disabled={busy}>
          {t('common.refresh')}
        </button>
      </div>
      <p className="lead">{t('audit.intro')}</p>
      {error ? <ErrorAlert error={error} /> : null}
      {entries === null ? (
        error ? null : (
          <p role="status">{t('common.loading')}</p>
        )
      ) : entries.length === 0 ? (
        <p>{t('audit.empty')}</p>
      ) : (
        <>
          <div className="table-wrap" role="region" aria-label={t('audit.title')} tabIndex={0}>
            <table className="audit">
              <thead>
                <tr>
                  <th scope="col">{t('audit.seq')}</th>
                  <th scope="col">{t('audit.at')}</th>
                  <th scope="col">{t('audit.actor')}</th>
                  <th scope="col">{t('audit.action')}</th>
                  <th scope="col">{t('audit.entity')}</th>
                  <th scope="col">{t('audit.details')}</th>
                  <th scope="col">{t('audit.hash')}</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((entry) => (
                  <tr key={entry.seq}>
                    <td className="num">{entry.seq}</td>
                    <td className="nowrap">
                      <time dateTime={entry.at}>
                        {formatDateTime(entry.at, i18n.language, zone)}
                      </time>
                    </td>
                    <td>{describeActor(entry.actor) ?? <em>{t('audit.system')}</em>}</td>
                    <td className="nowrap">
                      <code>{entry.action}</code>
                    </td>
                    <td>
                      {entry.entityType ? <code>{entry.entityType}</code> : null}
                      {entry.entityId ? <span className="small"> {entry.entityId}</span> : null}
                    </td>
                    <td className="details">
                      <code>{describeDetails(entry.details)}</code>
                    </td>
                    <td>
                      <code title={entry.hash}>{entry.hash.slice(0, 12)}…</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="form-actions">
            {atStart ? (
              <p className="muted">{t('audit.noMore')}</p>
            ) : (
              <button type="button" onClick={() => void loadOlder()} disabled={busy}>
                {t('audit.loadOlder')}
              </button>
            )}
          </div>
        </>
      )}
    </section>
  );
}
