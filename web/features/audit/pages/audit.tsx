import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api';
import type { AuditEntryView } from '../../../app/types';
import { AsyncTable, type Column } from '../../../ui/async-table';
import { formatDateTime } from '../../../ui/format';
import { usePageTitle } from '../../../ui/hooks';
import { useSubmit } from '../../../ui/submit';
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
  const [atStart, setAtStart] = useState(false);

  /** The newest page (`before` undefined) or the page older than `before`, added at the end. */
  const read = useSubmit(
    (before?: number) => api.listAudit({ limit: PAGE_SIZE, ...(before ? { before } : {}) }),
    (page, before) => {
      setEntries((current) => (before ? [...(current ?? []), ...page] : page));
      setAtStart(page.length < PAGE_SIZE);
    },
  );
  const { submit: readPage } = read;
  const load = useCallback(() => void readPage(undefined), [readPage]);
  useEffect(load, [load]);
  useLiveEvent('resync', load);

  const columns: Column<AuditEntryView>[] = [
    { header: t('audit.seq'), className: 'num', cell: (entry) => entry.seq },
    {
      header: t('audit.at'),
      className: 'nowrap',
      cell: (entry) => (
        <time dateTime={entry.at}>{formatDateTime(entry.at, i18n.language, zone)}</time>
      ),
    },
    {
      header: t('audit.actor'),
      cell: (entry) => describeActor(entry.actor) ?? <em>{t('audit.system')}</em>,
    },
    {
      header: t('audit.action'),
      className: 'nowrap',
      cell: (entry) => <code>{entry.action}</code>,
    },
    {
      header: t('audit.entity'),
      cell: (entry) => (
        <>
          {entry.entityType ? <code>{entry.entityType}</code> : null}
          {entry.entityId ? <span className="small"> {entry.entityId}</span> : null}
        </>
      ),
    },
    {
      header: t('audit.details'),
      className: 'details',
      cell: (entry) => <code>{describeDetails(entry.details)}</code>,
    },
    {
      header: t('audit.hash'),
      cell: (entry) => <code title={entry.hash}>{entry.hash.slice(0, 12)}…</code>,
    },
  ];

  return (
    <section className="page">
      <div className="section-head">
        <h1>{t('audit.title')}</h1>
        <button type="button" onClick={load} disabled={read.busy}>
          {t('common.refresh')}
        </button>
      </div>
      <p className="lead">{t('audit.intro')}</p>
      <AsyncTable
        rows={entries}
        error={read.problem?.error}
        empty={<p>{t('audit.empty')}</p>}
        columns={columns}
        rowKey={(entry) => entry.seq}
        className="audit"
        label={t('audit.title')}
      />
      {entries && entries.length > 0 ? (
        <div className="form-actions">
          {atStart ? (
            <p className="muted">{t('audit.noMore')}</p>
          ) : (
            <button
              type="button"
              onClick={() => void read.submit(entries.at(-1)?.seq)}
              disabled={read.busy}
            >
              {t('audit.loadOlder')}
            </button>
          )}
        </div>
      ) : null}
    </section>
  );
}
