import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ClusterSummary } from '../../../../src/core/schemas/reports';
import { useLiveEvent } from '../../../app/live-events';
import { AsyncTable } from '../../../ui/async-table';
import { usePageTitle } from '../../../ui/hooks';
import * as api from '../api';
import {
  LanguageName,
  MoreButton,
  Published,
  reportName,
  storyPath,
  usePaged,
  When,
} from '../components/parts';
import '../i18n';
import '../reports.css';

/** Every story (cluster of reports), the latest active first, paged with the node's cursor. */
export function StoriesPage() {
  const { t } = useTranslation();
  usePageTitle(t('reports.stories.title'));
  const list = usePaged<ClusterSummary>(
    useCallback(async (cursor) => {
      const page = await api.listStories(cursor);
      return { rows: page.items, next: page.next };
    }, []),
  );
  useLiveEvent('resync', list.reload);
  useLiveEvent('report.changed', list.reload);
  return (
    <section className="page reports-page stories-page">
      <p className="breadcrumb">
        <Link to="/reports">{t('reports.title')}</Link>
      </p>
      <h1>{t('reports.stories.title')}</h1>
      <p className="lead">{t('reports.stories.intro')}</p>
      <AsyncTable
        rows={list.rows}
        error={list.error}
        onRetry={list.reload}
        empty={<p>{t('reports.stories.empty')}</p>}
        label={t('reports.stories.title')}
        rowKey={(s) => s.id}
        rowTestId="story-row"
        columns={[
          {
            header: t('reports.stories.story'),
            rowHeader: true,
            cell: (s) => <Link to={storyPath(s.id)}>{reportName(s.lead)}</Link>,
          },
          { header: t('reports.stories.reports'), cell: (s) => s.size },
          {
            header: t('reports.stories.published'),
            className: 'nowrap',
            cell: (s) => <PublishedRange story={s} />,
          },
          {
            header: t('reports.fields.language'),
            cell: (s) =>
              s.languages.map((language, i) => (
                <span key={language}>
                  {i > 0 ? ', ' : ''}
                  <LanguageName language={language} />
                </span>
              )),
          },
          { header: t('reports.stories.entities'), cell: (s) => <TopEntities story={s} /> },
          { header: t('reports.stories.latest'), cell: (s) => <When at={s.latestAt} /> },
        ]}
      />
      <MoreButton list={list} />
    </section>
  );
}

function PublishedRange({ story }: { story: ClusterSummary }) {
  if (!story.firstPublished) return <Published at={null} />;
  if (story.firstPublished === story.lastPublished) return <Published at={story.firstPublished} />;
  return (
    <>
      <Published at={story.firstPublished} /> – <Published at={story.lastPublished} />
    </>
  );
}

function TopEntities({ story }: { story: ClusterSummary }) {
  const { t, i18n } = useTranslation();
  if (story.topEntities.length === 0) return <span className="muted">—</span>;
  const zh = i18n.language.toLowerCase().startsWith('zh');
  return (
    <ul className="story-entities">
      {story.topEntities.map((e) => (
        <li key={e.id} className="tag" title={t('reports.stories.inReports', { count: e.reports })}>
          {zh && e.zh ? e.zh : e.text}
        </li>
      ))}
    </ul>
  );
}
