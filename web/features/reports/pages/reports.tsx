import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ReportSummary } from '../../../../src/core/schemas/reports';
import { rolesAllow } from '../../../app/types';
import { useLiveEvent } from '../../../app/live-events';
import { useUser } from '../../../app/session';
import { AsyncTable } from '../../../ui/async-table';
import { usePageTitle } from '../../../ui/hooks';
import * as api from '../api';
import { IngestForm } from '../components/ingest-form';
import {
  LanguageName,
  MoreButton,
  Published,
  ReportLink,
  storyPath,
  usePaged,
  When,
} from '../components/parts';
import '../i18n';
import '../reports.css';

/** The reports, newest first, with their story and counts; the form that adds one. */
export function ReportsPage() {
  const { t } = useTranslation();
  const user = useUser();
  usePageTitle(t('reports.title'));
  const list = usePaged<ReportSummary>(
    useCallback(async (cursor) => {
      const page = await api.listReports(cursor);
      return { rows: page.items, next: page.next };
    }, []),
  );
  useLiveEvent('resync', list.reload);
  useLiveEvent('report.changed', list.reload);
  return (
    <section className="page reports-page">
      <div className="section-head">
        <h1>{t('reports.title')}</h1>
        <span className="section-actions">
          <Link className="button-link" to="/reports/stories">
            {t('reports.stories.open')}
          </Link>{' '}
          <Link className="button-link" to="/reports/allow-list">
            {t('reports.allowList.open')}
          </Link>
        </span>
      </div>
      <p className="lead">{t('reports.intro')}</p>
      <ReportsTable list={list} />
      {rolesAllow(user.roles, 'reports.write') ? <IngestForm /> : null}
    </section>
  );
}

export function ReportsTable({
  list,
  withStory = true,
}: {
  list: ReturnType<typeof usePaged<ReportSummary>>;
  withStory?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <>
      <AsyncTable
        rows={list.rows}
        error={list.error}
        onRetry={list.reload}
        empty={<p>{t('reports.list.empty')}</p>}
        label={t('reports.list.title')}
        rowKey={(r) => r.id}
        rowTestId="report-row"
        columns={[
          {
            header: t('reports.fields.title'),
            rowHeader: true,
            cell: (r) => <ReportLink report={r} />,
          },
          { header: t('reports.fields.source'), cell: (r) => r.source ?? '—' },
          {
            header: t('reports.fields.published'),
            className: 'nowrap',
            cell: (r) => <Published at={r.publishedAt} />,
          },
          {
            header: t('reports.fields.language'),
            cell: (r) => <LanguageName language={r.language} />,
          },
          ...(withStory
            ? [
                {
                  header: t('reports.fields.story'),
                  cell: (r: ReportSummary) => (
                    <Link to={storyPath(r.clusterId)}>{t('reports.story.open')}</Link>
                  ),
                },
              ]
            : []),
          {
            header: t('reports.fields.counts'),
            cell: (r) => (
              <span className="report-counts">
                {t('reports.counts', {
                  indicators: r.counts.indicators,
                  entities: r.counts.entities,
                  claims: r.counts.claims,
                })}
                {r.counts.dropped > 0 ? (
                  <span className="muted">
                    {' '}
                    · {t('reports.countsDropped', { count: r.counts.dropped })}
                  </span>
                ) : null}
              </span>
            ),
          },
          {
            header: t('reports.fields.case'),
            cell: (r) =>
              r.caseId ? (
                <Link to={`/cases/${encodeURIComponent(r.caseId)}`}>
                  {t('reports.list.committed')}
                </Link>
              ) : (
                <span className="muted">—</span>
              ),
          },
          { header: t('reports.fields.added'), cell: (r) => <When at={r.createdAt} /> },
        ]}
      />
      <MoreButton list={list} />
    </>
  );
}
