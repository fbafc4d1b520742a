import { useCallback, useId } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api';
import type { FigureRow, RequestFigures } from '../../../app/types';
import { ErrorAlert } from '../../../ui/errors';
import { formatMaybeDuration, formatShare } from '../../../ui/format';
import { usePageTitle, useLoader } from '../../../ui/hooks';
import { useLiveEvent } from '../../../app/live-events';
import { PeriodFields, usePeriodFilter } from '../../../ui/period';
import { REQUEST_TYPES } from '../../../../src/core/requests';
import '../i18n';
import '../../requests/i18n';

type Direction = FigureRow['direction'];

/** The request types in their usual order, then the total. */
function sortRows(rows: FigureRow[]): FigureRow[] {
  const rank = (type: string) => {
    if (type === 'all') return REQUEST_TYPES.length + 1;
    const index = (REQUEST_TYPES as readonly string[]).indexOf(type);
    return index === -1 ? REQUEST_TYPES.length : index;
  };
  return [...rows].sort((a, b) => rank(a.type) - rank(b.type) || a.type.localeCompare(b.type));
}

function useTypeName(): (type: string) => string {
  const { t } = useTranslation();
  return (type) =>
    type === 'all'
      ? t('figures.allTypes')
      : (REQUEST_TYPES as readonly string[]).includes(type)
        ? t(`requests.types.${type as (typeof REQUEST_TYPES)[number]}`)
        : type;
}

/** Timeliness and quality of the requests exchanged with the peers, over a period. */
export function FiguresPage() {
  const { t } = useTranslation();
  usePageTitle(t('figures.title'));
  const { query, fields, peersError } = usePeriodFilter();
  const {
    data: figures,
    error,
    reload: load,
  } = useLoader<RequestFigures>(useCallback(() => api.getFigures(query), [query]));
  useLiveEvent(['resync', 'request.changed'], () => void load());

  return (
    <section className="page">
      <div className="section-head">
        <h1>{t('figures.title')}</h1>
        <a className="button-link" href={api.figuresCsvUrl(query)} download>
          {t('figures.csv')}
        </a>
      </div>
      <p className="lead">{t('figures.intro')}</p>
      {peersError ? <ErrorAlert error={peersError} /> : null}
      <PeriodFields {...fields} />
      {error ? <ErrorAlert error={error} /> : null}
      {figures === null ? (
        error ? null : (
          <p role="status">{t('common.loading')}</p>
        )
      ) : (
        <>
          <DirectionFigures direction="out" rows={figures.rows} />
          <DirectionFigures direction="in" rows={figures.rows} />
        </>
      )}
    </section>
  );
}

function DirectionFigures({ direction, rows }: { direction: Direction; rows: FigureRow[] }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const typeName = useTypeName();
  const language = i18n.language;
  const mine = sortRows(rows.filter((row) => row.direction === direction));
  const title = t(direction === 'out' ? 'figures.sentTitle' : 'figures.receivedTitle');
  const empty = mine.every((row) => row.count === 0);

  return (
    <section className="figures" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {empty ? (
        <div className="empty">
          <p>{t('figures.empty')}</p>
        </div>
      ) : (
        <>
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">{title}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('figures.columns.type')}</th>
                  <th scope="col">{t('figures.columns.count')}</th>
                  <th scope="col">{t('figures.columns.acknowledged')}</th>
                  <th scope="col">{t('figures.columns.acknowledgeMedian')}</th>
                  <th scope="col">{t('figures.columns.acknowledgeP90')}</th>
                  <th scope="col">{t('figures.columns.responded')}</th>
                  <th scope="col">{t('figures.columns.respondMedian')}</th>
                  <th scope="col">{t('figures.columns.respondP90')}</th>
                  <th scope="col">{t('figures.columns.withinDeadline')}</th>
                  <th scope="col">{t('figures.columns.completeFirstTime')}</th>
                  <th scope="col">{t('figures.columns.moreInformation')}</th>
                </tr>
              </thead>
              <tbody>
                {mine.map((row) => (
                  <tr key={row.type} className={row.type === 'all' ? 'row-total' : undefined}>
                    <th scope="row">{typeName(row.type)}</th>
                    <td className="num">{row.count}</td>
                    <td className="num">{row.acknowledged}</td>
                    <td className="num">
                      {formatMaybeDuration(row.acknowledgeMedianMs, language)}
                    </td>
                    <td className="num">{formatMaybeDuration(row.acknowledgeP90Ms, language)}</td>
                    <td className="num">{row.responded}</td>
                    <td className="num">{formatMaybeDuration(row.respondMedianMs, language)}</td>
                    <td className="num">{formatMaybeDuration(row.respondP90Ms, language)}</td>
                    <td className="num">{formatShare(row.withinDeadlineShare, language)}</td>
                    <td className="num">{formatShare(row.completeFirstTimeShare, language)}</td>
                    <td className="num">{formatShare(row.moreInformationShare, language)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <MedianChart rows={mine} title={t('figures.chartTitle', { what: title })} />
        </>
      )}
    </section>
  );
}

/** Horizontal bars of the median times to acknowledge and to respond, per type. */
function MedianChart({ rows, title }: { rows: FigureRow[]; title: string }) {
  const { t, i18n } = useTranslation();
  const typeName = useTypeName();
  const max = Math.max(
    1,
    ...rows.flatMap((row) => [row.acknowledgeMedianMs ?? 0, row.respondMedianMs ?? 0]),
  );
  const bar = (kind: 'acknowledge' | 'respond', ms: number | null) => (
    <div className={`bar-row bar-${kind}`}>
      <span className="bar-label">{t(`figures.chart.${kind}`)}</span>
      <span className="bar-track" aria-hidden="true">
        <span
          className="bar"
          style={{ width: ms === null ? 0 : `${Math.max(0.5, (ms / max) * 100)}%` }}
        />
      </span>
      <span className="bar-value">{formatMaybeDuration(ms, i18n.language)}</span>
    </div>
  );
  return (
    <figure className="bar-chart">
      <figcaption>{title}</figcaption>
      <ul>
        {rows.map((row) => (
          <li key={row.type}>
            <p className="bar-type">{typeName(row.type)}</p>
            {bar('acknowledge', row.acknowledgeMedianMs)}
            {bar('respond', row.respondMedianMs)}
          </li>
        ))}
      </ul>
    </figure>
  );
}
