import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { rolesAllow } from '../../../app/types';
import { useLiveEvent } from '../../../app/live-events';
import { useUser } from '../../../app/session';
import { ErrorAlert, ProblemAlert } from '../../../ui/errors';
import { useLoader, usePageTitle } from '../../../ui/hooks';
import { useSubmit } from '../../../ui/submit';
import * as api from '../api';
import { CommitForm } from '../components/commit-form';
import { AttachClaim } from '../components/attach-claim';
import { Extractions } from '../components/extractions';
import { LanguageName, Published, reportName, storyPath, When } from '../components/parts';
import { Legend, ReportText } from '../components/report-text';
import '../i18n';
import '../reports.css';

/** A report: its text with every extraction highlighted, their review, its story, the commit. */
export function ReportPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const user = useUser();
  const mayWrite = rolesAllow(user.roles, 'reports.write');
  const mayAttach = rolesAllow(user.roles, 'dialogues.attest');
  const loaded = useLoader(useCallback(() => api.getReport(id), [id]));
  const report = loaded.data;
  // A committed report's review is closed; a peer's report is reviewed on the node that sent it.
  const reviewOpen = mayWrite && report?.committedAt === null && report.origin !== 'peer';
  const [focus, setFocus] = useState<string | null>(null);
  usePageTitle(report ? reportName(report) : t('reports.report.title'));
  useLiveEvent('resync', () => void loaded.reload());
  useLiveEvent('report.changed', (data) => {
    if ((data as { reportId?: string } | null)?.reportId === id) void loaded.reload();
  });
  const review = useSubmit(
    (items: api.ReviewItem[]) => api.review(id, items),
    (view) => loaded.setData(view),
  );
  if (!report) {
    return (
      <section className="page reports-page">
        <p className="breadcrumb">
          <Link to="/reports">{t('reports.title')}</Link>
        </p>
        <h1>{t('reports.report.title')}</h1>
        {loaded.error ? (
          <>
            <ErrorAlert error={loaded.error} />
            <button type="button" onClick={() => void loaded.reload()}>
              {t('app.retry')}
            </button>
          </>
        ) : (
          <p role="status">{t('common.loading')}</p>
        )}
      </section>
    );
  }
  return (
    <section className="page reports-page">
      <p className="breadcrumb">
        <Link to="/reports">{t('reports.title')}</Link>
      </p>
      <h1>{reportName(report)}</h1>
      <dl className="facts report-facts">
        <dt>{t('reports.fields.source')}</dt>
        <dd>{report.source ?? <span className="muted">—</span>}</dd>
        <dt>{t('reports.fields.published')}</dt>
        <dd>
          <Published at={report.publishedAt} />
        </dd>
        <dt>{t('reports.fields.language')}</dt>
        <dd>
          <LanguageName language={report.language} />
        </dd>
        <dt>{t('reports.fields.added')}</dt>
        <dd>
          <When at={report.createdAt} />
          {report.origin === 'peer' && report.originNode ? (
            <span className="muted"> · {t('reports.fromPeer', { node: report.originNode })}</span>
          ) : null}
        </dd>
        <dt>{t('reports.fields.story')}</dt>
        <dd>
          <Link to={storyPath(report.clusterId)} data-testid="story-link">
            {t('reports.story.open')}
          </Link>
        </dd>
      </dl>
      {loaded.error ? <ErrorAlert error={loaded.error} /> : null}
      <div className="report-layout">
        <section className="report-body" aria-labelledby="report-text-title">
          <h2 id="report-text-title">{t('reports.report.text')}</h2>
          <Legend />
          <ReportText report={report} focus={focus} />
        </section>
        <aside className="report-side" aria-labelledby="report-side-title">
          <h2 id="report-side-title">{t('reports.report.extractions')}</h2>
          <ProblemAlert problem={review.problem} />
          <Extractions
            report={report}
            onReview={reviewOpen ? (items) => void review.submit(items) : undefined}
            busy={review.busy}
            onFocus={setFocus}
            claimAction={
              mayAttach
                ? (claim) => <AttachClaim key={claim.index} reportId={report.id} claim={claim} />
                : undefined
            }
          />
        </aside>
      </div>
      {mayWrite ? <CommitForm report={report} onDone={() => void loaded.reload()} /> : null}
    </section>
  );
}
