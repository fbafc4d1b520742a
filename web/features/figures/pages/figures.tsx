import { useCallback, useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api';
import type { FigureRow, RequestFigures } from '../../../app/types';
import { AsyncTable, type Column } from '../../../ui/async-table';
import { docxFileName, type DocxReport } from '../../../ui/docx';
import { ErrorAlert } from '../../../ui/errors';
import { PrintActions, PrintHeader, usePrintLines } from '../../../ui/print';
import { formatMaybeDuration, formatShare } from '../../../ui/format';
import { usePageTitle, useLoader } from '../../../ui/hooks';
import { useLiveEvent } from '../../../app/live-events';
import { PeriodFields, usePeriodFilter } from '../../../ui/period';
import { REQUEST_TYPES } from '../../../../src/core/requests';
import type en from '../i18n/en.json';
import '../i18n';
import '../../requests/i18n';

type Direction = FigureRow['direction'];
type FIGURE_COLUMNS = typeof en.figures.columns;

/** A figure's cell as text (the figures' cells are text and numbers). */
function plain(value: ReactNode): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

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
  const { t, i18n } = useTranslation();
  usePageTitle(t('figures.title'));
  const { query, fields, peersError } = usePeriodFilter();
  const {
    data: figures,
    error,
    reload: load,
  } = useLoader<RequestFigures>(useCallback(() => api.getFigures(query), [query]));
  useLiveEvent(['resync', 'request.changed'], () => void load());
  const columns = useFigureColumns();
  const period =
    query.from || query.to
      ? { from: query.from?.slice(0, 10) ?? '', to: query.to?.slice(0, 10) ?? '' }
      : undefined;
  const printLines = usePrintLines(period);
  const report = (): DocxReport | null =>
    figures && {
      title: t('figures.title'),
      lines: printLines(),
      blocks: (['out', 'in'] as const).map((direction) => ({
        table: {
          caption: t(direction === 'out' ? 'figures.sentTitle' : 'figures.receivedTitle'),
          head: columns.map((column) => column.header),
          rows: sortRows(figures.rows.filter((row) => row.direction === direction)).map((row) =>
            columns.map((column) => plain(column.cell(row))),
          ),
        },
      })),
      language: i18n.language,
    };

  return (
    <section className="page printable">
      <div className="section-head">
        <h1>{t('figures.title')}</h1>
        <PrintActions
          fileName={docxFileName('request-figures', query.from ?? '', query.to ?? '')}
          docx={report}
        >
          <a className="button-link" href={api.figuresCsvUrl(query)} download>
            {t('figures.csv')}
          </a>
        </PrintActions>
      </div>
      <PrintHeader {...(period ? { period } : {})} />
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

/** The figures' columns, for the page's tables and the Word export alike. */
function useFigureColumns(): Column<FigureRow>[] {
  const { t, i18n } = useTranslation();
  const typeName = useTypeName();
  const language = i18n.language;
  const duration = (ms: number | null) => formatMaybeDuration(ms, language);
  const share = (value: number | null) => formatShare(value, language);
  const column = (
    key: Exclude<keyof FIGURE_COLUMNS, 'type'>,
    cell: (row: FigureRow) => string | number,
  ): Column<FigureRow> => ({ header: t(`figures.columns.${key}`), className: 'num', cell });
  const columns: Column<FigureRow>[] = [
    { header: t('figures.columns.type'), rowHeader: true, cell: (row) => typeName(row.type) },
    column('count', (row) => row.count),
    column('acknowledged', (row) => row.acknowledged),
    column('acknowledgeMedian', (row) => duration(row.acknowledgeMedianMs)),
    column('acknowledgeP90', (row) => duration(row.acknowledgeP90Ms)),
    column('responded', (row) => row.responded),
    column('respondMedian', (row) => duration(row.respondMedianMs)),
    column('respondP90', (row) => duration(row.respondP90Ms)),
    column('withinDeadline', (row) => share(row.withinDeadlineShare)),
    column('completeFirstTime', (row) => share(row.completeFirstTimeShare)),
    column('moreInformation', (row) => share(row.moreInformationShare)),
  ];
  return columns;
}

function DirectionFigures({ direction, rows }: { direction: Direction; rows: FigureRow[] }) {
  const { t } = useTranslation();
  const id = useId();
  const columns = useFigureColumns();
  const mine = sortRows(rows.filter((row) => row.direction === direction));
  const title = t(direction === 'out' ? 'figures.sentTitle' : 'figures.receivedTitle');
  const empty = mine.every((row) => row.count === 0);

  return (
    <section className="figures" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <AsyncTable
        rows={empty ? [] : mine}
        empty={<p>{t('figures.empty')}</p>}
        columns={columns}
        rowKey={(row) => row.type}
        rowClassName={(row) => (row.type === 'all' ? 'row-total' : undefined)}
        label={title}
      />
      {empty ? null : <MedianChart rows={mine} title={t('figures.chartTitle', { what: title })} />}
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
