import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { StoryView } from '../../../../src/core/schemas/reports';
import { useLiveEvent } from '../../../app/live-events';
import { AsyncTable } from '../../../ui/async-table';
import { usePageTitle } from '../../../ui/hooks';
import * as api from '../api';
import {
  ClaimSource,
  LanguageName,
  MoreButton,
  Party,
  Published,
  ReportLink,
  reportName,
  ReviewBadge,
  StanceBadge,
  usePaged,
} from '../components/parts';
import '../i18n';
import '../reports.css';

type StoryReport = StoryView['reports'][number];

/** A story: the reports that tell it, and all their claims side by side. */
export function StoryPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const [size, setSize] = useState<number | null>(null);
  const list = usePaged<StoryReport>(
    useCallback(
      async (cursor) => {
        const page = await api.getStory(id, cursor);
        setSize(page.size);
        return { rows: page.reports, next: page.next };
      },
      [id],
    ),
  );
  useEffect(() => setSize(null), [id]);
  useLiveEvent('resync', list.reload);
  useLiveEvent('report.changed', list.reload);
  const first = list.rows?.[0];
  const title = first
    ? t('reports.story.titleOf', { name: reportName(first) })
    : t('reports.story.title');
  usePageTitle(title);
  const claims = (list.rows ?? []).flatMap((report) =>
    report.claims.map((claim) => ({ report, claim })),
  );
  return (
    <section className="page reports-page story-page">
      <p className="breadcrumb">
        <Link to="/reports">{t('reports.title')}</Link> ›{' '}
        <Link to="/reports/stories">{t('reports.stories.title')}</Link>
      </p>
      <h1>{title}</h1>
      {size !== null ? <p className="lead">{t('reports.story.size', { count: size })}</p> : null}
      <h2>{t('reports.story.reports')}</h2>
      <AsyncTable
        rows={list.rows}
        error={list.error}
        onRetry={list.reload}
        empty={<p>{t('reports.story.empty')}</p>}
        label={t('reports.story.reports')}
        rowKey={(r) => r.id}
        rowTestId="story-report"
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
          { header: t('reports.claims.title'), cell: (r) => r.claims.length },
        ]}
      />
      <MoreButton list={list} />
      <h2>{t('reports.story.claims')}</h2>
      <AsyncTable
        rows={list.rows ? claims : null}
        error={list.error}
        empty={<p>{t('reports.story.noClaims')}</p>}
        label={t('reports.story.claims')}
        rowKey={({ report, claim }) => `${report.id}-${claim.index}`}
        rowTestId="story-claim"
        className="story-claims"
        columns={[
          {
            header: t('reports.claims.source'),
            rowHeader: true,
            cell: ({ claim }) => <ClaimSource claim={claim} />,
          },
          { header: t('reports.claims.actor'), cell: ({ claim }) => <Party party={claim.actor} /> },
          {
            header: t('reports.claims.target'),
            cell: ({ claim }) => <Party party={claim.target} />,
          },
          {
            header: t('reports.claims.stance'),
            cell: ({ claim }) => <StanceBadge stance={claim.stance} />,
          },
          {
            header: t('reports.claims.statement'),
            cell: ({ report, claim }) => (
              <q lang={report.language === 'zh' ? 'zh-CN' : 'en'}>{claim.statement}</q>
            ),
          },
          {
            header: t('reports.claims.review'),
            cell: ({ claim }) => <ReviewBadge state={claim.state} />,
          },
          {
            header: t('reports.claims.report'),
            cell: ({ report }) => <ReportLink report={report} />,
          },
        ]}
      />
    </section>
  );
}
