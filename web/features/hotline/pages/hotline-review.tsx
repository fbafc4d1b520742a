import { useCallback, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import * as api from '../api';
import type { TFunction } from 'i18next';
import { PRIORITIES, TIERS, type ReviewReport, type ReviewSide } from '../../../app/types';
import { docxFileName, type DocxBlock } from '../../../ui/docx';
import { ErrorAlert } from '../../../ui/errors';
import { GridTable } from '../../../ui/grid-table';
import { formatMaybeDuration } from '../../../ui/format';
import { usePageTitle, useLoader } from '../../../ui/hooks';
import { CallStateBadge, PriorityBadge, zonedText } from '../components/hotline';
import { useLiveEvent } from '../../../app/live-events';
import { PeriodFields, usePeriodFilter } from '../../../ui/period';
import { useUserTimeZone } from '../../../app/session';
import { PrintActions, PrintHeader, usePrintLines } from '../../../ui/print';
import { HotlineTabs } from './hotline';
import '../hotline.css';
import '../i18n';

/** A side's figures as its Word export has them: the same headings, figures and tables. */
function sideBlocks(
  t: TFunction,
  language: string,
  zone: string,
  side: ReviewSide,
  title: string,
): DocxBlock[] {
  const blocks: DocxBlock[] = [
    { heading: title },
    {
      table: {
        caption: t('hotline.review.summary'),
        head: [t('hotline.review.summary'), ''],
        rows: summary(t, language, side).map(({ label, value }) => [label, value]),
      },
    },
  ];
  if (side.calls === 0) blocks.push({ text: t('hotline.review.empty') });
  else {
    blocks.push({
      table: {
        caption: t('hotline.review.byTier'),
        head: [t('hotline.columns.tier'), ...PRIORITIES.map((p) => t(`hotline.priorities.${p}`))],
        rows: TIERS.map((tier) => [
          t(`hotline.tiers.${tier}`),
          ...PRIORITIES.map((priority) => side.byTier[tier]?.[priority] ?? 0),
        ]),
      },
    });
    const rungs = sortedRungs(side);
    if (rungs.length > 0) {
      blocks.push({
        table: {
          caption: t('hotline.review.rungsReached'),
          head: [t('hotline.columns.rung'), t('hotline.review.callsReaching')],
          rows: rungs.map(([rung, count]) => [t('hotline.rungOnly', { rung }), count]),
        },
      });
    }
  }
  if (side.neverAcknowledged.length > 0) {
    blocks.push(
      { text: t('hotline.review.neverAcknowledged') },
      {
        list: side.neverAcknowledged.map(
          (call) =>
            `${t(`hotline.priorities.${call.priority}`)} · ${call.subject} · ${call.peer} · ${t(
              `hotline.tiers.${call.tier}`,
            )} · ${zonedText(call.createdAt, language, zone)}`,
        ),
      },
    );
  }
  return blocks;
}

/** The summary figures of a side, each with its label, as the page shows them. */
function summary(
  t: TFunction,
  language: string,
  side: ReviewSide,
): { label: string; value: string | number; overdue?: boolean }[] {
  return [
    { label: t('hotline.review.calls'), value: side.calls },
    {
      label: t('hotline.review.deliverMedian'),
      value: formatMaybeDuration(side.deliver.medianMs, language),
    },
    {
      label: t('hotline.review.deliverP90'),
      value: formatMaybeDuration(side.deliver.p90Ms, language),
    },
    { label: t('hotline.review.acknowledged'), value: side.acknowledge.count },
    {
      label: t('hotline.review.acknowledgeMedian'),
      value: formatMaybeDuration(side.acknowledge.medianMs, language),
    },
    {
      label: t('hotline.review.acknowledgeP90'),
      value: formatMaybeDuration(side.acknowledge.p90Ms, language),
    },
    {
      label: t('hotline.review.notDelivered'),
      value: side.notDelivered,
      overdue: side.notDelivered > 0,
    },
  ];
}

function sortedRungs(side: ReviewSide): [string, number][] {
  return Object.entries(side.rungsReached).sort(([a], [b]) => Number(a) - Number(b));
}

/** How the hotline was used over a period, both ways: volumes, times, rungs, misses. */
export function HotlineReviewPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('hotline.review.title'));
  const zone = useUserTimeZone();
  const { query, fields, peersError } = usePeriodFilter();
  const period = { from: fields.from, to: fields.to };
  const lines = usePrintLines(period);
  const {
    data: report,
    error,
    reload,
  } = useLoader<ReviewReport>(useCallback(() => api.getHotlineReview(query), [query]));
  useLiveEvent(['resync', 'hotline.changed'], () => void reload());

  return (
    <section className="page printable">
      <PrintHeader period={period} />
      <div className="section-head">
        <h1>{t('hotline.review.title')}</h1>
        <PrintActions
          fileName={docxFileName('hotline-review', fields.from, fields.to)}
          docx={() =>
            report
              ? {
                  title: t('hotline.review.title'),
                  language: i18n.language,
                  lines: lines(),
                  blocks: [
                    { text: t('hotline.review.intro') },
                    ...sideBlocks(t, i18n.language, zone, report.out, t('hotline.review.outTitle')),
                    ...sideBlocks(t, i18n.language, zone, report.in, t('hotline.review.inTitle')),
                  ],
                }
              : null
          }
        >
          <a className="button-link" href={api.hotlineReviewCsvUrl(query)} download>
            {t('hotline.review.csv')}
          </a>
        </PrintActions>
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
  const rungs = sortedRungs(side);

  return (
    <section className="figures" aria-labelledby={`${id}-title`} data-testid={testId}>
      <h2 id={`${id}-title`}>{title}</h2>
      <dl className="facts stats" aria-label={t('hotline.review.summary')}>
        {summary(t, language, side).map(({ label, value, overdue }, index) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd
              className={overdue ? 'deadline-overdue' : undefined}
              data-testid={index === 0 ? `${testId}-calls` : undefined}
            >
              {value}
            </dd>
          </div>
        ))}
      </dl>
      {side.calls === 0 ? (
        <div className="empty">
          <p>{t('hotline.review.empty')}</p>
        </div>
      ) : (
        <>
          <GridTable
            caption={t('hotline.review.byTier')}
            corner={t('hotline.columns.tier')}
            rows={TIERS}
            columns={PRIORITIES}
            rowLabel={(tier) => t(`hotline.tiers.${tier}`)}
            columnLabel={(priority) => t(`hotline.priorities.${priority}`)}
            cell={(tier, priority) => side.byTier[tier]?.[priority] ?? 0}
            numeric
          />
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
