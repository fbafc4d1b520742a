import { useCallback, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import * as api from '../api';
import { PRIORITIES, TIERS, type ReviewReport, type ReviewSide } from '../../../app/types';
import { ErrorAlert } from '../../../ui/errors';
import { formatMaybeDuration } from '../../../ui/format';
import { usePageTitle, useLoader } from '../../../ui/hooks';
import { CallStateBadge, PriorityBadge, zonedText } from '../components/hotline';
import { useLiveEvent } from '../../../app/live-events';
import { PeriodFields, usePeriodFilter } from '../../../ui/period';
import { useUserTimeZone } from '../../../app/session';
import { HotlineTabs } from './hotline';
import '../i18n';

/** How the hotline was used over a period, both ways: volumes, times, rungs, misses. */
export function HotlineReviewPage() {
  const { t } = useTranslation();
  usePageTitle(t('hotline.review.title'));
  const { query, fields, peersError } = usePeriodFilter();
  const {
    data: report,
    error,
    reload,
  } = useLoader<ReviewReport>(useCallback(() => api.getHotlineReview(query), [query]));
  useLiveEvent(['resync', 'hotline.changed'], () => void reload());

  return (
    <section className="page">
      <div className="section-head">
        <h1>{t('hotline.review.title')}</h1>
        <a className="button-link" href={api.hotlineReviewCsvUrl(query)} download>
          {t('hotline.review.csv')}
        </a>
      </div>
      <p className="lead">{t('hotline.review.intro')}</p>
      <HotlineTabs />
      {peersError ? <ErrorAlert error={peersError} /> : null}
      <PeriodFields {...fields} />
      {error ? <ErrorAlert error={error} /> : null}
      {report === null ? (
        error ? null : (
          <p role="status">{t('common.loading')}</p>
        )
      ) : (
        <>
          <Side side={report.out} title={t('hotline.review.outTitle')} testId="review-out" />
          <Side side={report.in} title={t('hotline.review.inTitle')} testId="review-in" />
        </>
      )}
    </section>
  );
}

function Side({ side, title, testId }: { side: ReviewSide; title: string; testId: string }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const zone = useUserTimeZone();
  const language = i18n.language;
  const rungs = Object.entries(side.rungsReached).sort(([a], [b]) => Number(a) - Number(b));

  return (
    <section className="figures" aria-labelledby={`${id}-title`} data-testid={testId}>
      <h2 id={`${id}-title`}>{title}</h2>
      <dl className="facts stats" aria-label={t('hotline.review.summary')}>
        <div>
          <dt>{t('hotline.review.calls')}</dt>
          <dd data-testid={`${testId}-calls`}>{side.calls}</dd>
        </div>
        <div>
          <dt>{t('hotline.review.deliverMedian')}</dt>
          <dd>{formatMaybeDuration(side.deliver.medianMs, language)}</dd>
        </div>
        <div>
          <dt>{t('hotline.review.deliverP90')}</dt>
          <dd>{formatMaybeDuration(side.deliver.p90Ms, language)}</dd>
        </div>
        <div>
          <dt>{t('hotline.review.acknowledged')}</dt>
          <dd>{side.acknowledge.count}</dd>
        </div>
        <div>
          <dt>{t('hotline.review.acknowledgeMedian')}</dt>
          <dd>{formatMaybeDuration(side.acknowledge.medianMs, language)}</dd>
        </div>
        <div>
          <dt>{t('hotline.review.acknowledgeP90')}</dt>
          <dd>{formatMaybeDuration(side.acknowledge.p90Ms, language)}</dd>
        </div>
        <div>
          <dt>{t('hotline.review.notDelivered')}</dt>
          <dd className={side.notDelivered > 0 ? 'deadline-overdue' : undefined}>
            {side.notDelivered}
          </dd>
        </div>
      </dl>
      {side.calls === 0 ? (
        <div className="empty">
          <p>{t('hotline.review.empty')}</p>
        </div>
      ) : (
        <>
          <div className="table-wrap">
            <table>
              <caption>{t('hotline.review.byTier')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('hotline.columns.tier')}</th>
                  {PRIORITIES.map((priority) => (
                    <th key={priority} scope="col">
                      {t(`hotline.priorities.${priority}`)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {TIERS.map((tier) => (
                  <tr key={tier}>
                    <th scope="row">{t(`hotline.tiers.${tier}`)}</th>
                    {PRIORITIES.map((priority) => (
                      <td key={priority} className="num">
                        {side.byTier[tier]?.[priority] ?? 0}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {rungs.length > 0 ? (
            <div className="table-wrap">
              <table>
                <caption>{t('hotline.review.rungsReached')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('hotline.columns.rung')}</th>
                    <th scope="col">{t('hotline.review.callsReaching')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rungs.map(([rung, count]) => (
                    <tr key={rung}>
                      <th scope="row">{t('hotline.rungOnly', { rung })}</th>
                      <td className="num">{count}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </>
      )}
      {side.neverAcknowledged.length > 0 ? (
        <div
          className="alert alert-error never-answered"
          role="group"
          aria-labelledby={`${id}-never`}
        >
          <p id={`${id}-never`}>{t('hotline.review.neverAcknowledged')}</p>
          <ul>
            {side.neverAcknowledged.map((call) => (
              <li key={call.id}>
                <PriorityBadge priority={call.priority} />
                <Link to={`/hotline/${call.id}`}>{call.subject}</Link>{' '}
                <span className="muted small">
                  {call.peer} · {t(`hotline.tiers.${call.tier}`)} ·{' '}
                  {zonedText(call.createdAt, language, zone)}
                </span>{' '}
                <CallStateBadge call={call} />
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
