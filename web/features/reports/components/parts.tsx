import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ClaimView, ReportSummary } from '../../../../src/core/schemas/reports';
import type { ReviewState } from '../api';
import { useUserTimeZone } from '../../../app/session';
import { formatDateTime } from '../../../ui/format';
import type { PagedList } from '../../dialogues/components/parts';

export { usePaged, type PagedList } from '../../dialogues/components/parts';

export const reportPath = (id: string) => `/reports/${encodeURIComponent(id)}`;
export const storyPath = (id: string) => `/reports/stories/${encodeURIComponent(id)}`;

/** A report's name: its title, else its source, else its id. */
export function reportName(report: Pick<ReportSummary, 'id' | 'title' | 'source'>): string {
  return report.title ?? report.source ?? report.id;
}

export function ReportLink({ report }: { report: Pick<ReportSummary, 'id' | 'title' | 'source'> }) {
  return <Link to={reportPath(report.id)}>{reportName(report)}</Link>;
}

/** An instant in the viewer's zone. */
export function When({ at }: { at: string }) {
  const { i18n } = useTranslation();
  const zone = useUserTimeZone();
  return <time dateTime={at}>{formatDateTime(at, i18n.language, zone)}</time>;
}

/** A published date as given (a day, or an instant shown in the viewer's zone). */
export function Published({ at }: { at: string | null }) {
  if (!at) return <span className="muted">—</span>;
  return /^\d{4}-\d{2}-\d{2}$/.test(at) ? <time dateTime={at}>{at}</time> : <When at={at} />;
}

export function ReviewBadge({ state }: { state: ReviewState }) {
  const { t } = useTranslation();
  return (
    <span className={`badge review-state review-${state}`} data-testid="review-state">
      {t(`reports.review.states.${state}`)}
    </span>
  );
}

export function StanceBadge({ stance }: { stance: ClaimView['stance'] }) {
  const { t } = useTranslation();
  return (
    <span className={`badge stance stance-${stance}`} data-testid="claim-stance">
      {t(`reports.stances.${stance}`)}
    </span>
  );
}

/** A claim's party ("China" or "—"). */
export function Party({ party }: { party: ClaimView['actor'] }) {
  if (!party) return <span className="muted">—</span>;
  return <span title={party.id ?? undefined}>{party.text}</span>;
}

/** "ABC, citing officials": a claim's source and whom it cites. */
export function ClaimSource({ claim }: { claim: ClaimView }) {
  const { t } = useTranslation();
  return (
    <>
      <Party party={claim.source} />
      {claim.via ? (
        <span className="muted small"> {t('reports.claims.citing', { via: claim.via.text })}</span>
      ) : null}
    </>
  );
}

export function MoreButton({ list }: { list: PagedList<unknown> }) {
  const { t } = useTranslation();
  if (!list.next) return null;
  return (
    <button type="button" disabled={list.busy} onClick={list.more}>
      {t('reports.more')}
    </button>
  );
}

export function LanguageName({ language }: { language: ReportSummary['language'] }) {
  const { t } = useTranslation();
  return <>{t(`reports.languages.${language}`)}</>;
}
