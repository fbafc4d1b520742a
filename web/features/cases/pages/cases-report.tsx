import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api';
import type { CaseReport } from '../../../app/types';
import { AsyncTable, type Column } from '../../../ui/async-table';
import { ErrorAlert } from '../../../ui/errors';
import { docxFileName } from '../../../ui/docx';
import { usePageTitle, useLoader } from '../../../ui/hooks';
import { useLiveEvent } from '../../../app/live-events';
import { PeriodFields, usePeriodFilter } from '../../../ui/period';
import { PrintActions, PrintHeader, usePrintLines } from '../../../ui/print';
import { CasesTabs } from './cases';
import '../i18n';

type Row = CaseReport['peers'][number];
const FIGURES = [
  'casesOpened',
  'casesShared',
  'casesWithActivity',
  'requestsLinked',
  'feedbackReceived',
] as const;

/** Per peer, over a period: cases opened, shared, with activity, requests linked, feedback. */
export function CasesReportPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('cases.report.title'));
  const { query, fields, peers, peersError } = usePeriodFilter();
  const {
    data: report,
    error,
    reload,
  } = useLoader<CaseReport>(useCallback(() => api.getCaseReport(query), [query]));
  useLiveEvent(['resync', 'case.changed'], () => void reload());
  const names = new Map((peers ?? []).map((p) => [p.nodeId, p.name]));
  const peerName = (peer: string) => {
    const name = names.get(peer);
    return name ? `${name} (${peer})` : peer;
  };
  const period = { from: fields.from, to: fields.to };
  const lines = usePrintLines(period);
  const columns: Column<Row>[] = [
    { header: t('cases.report.columns.peer'), cell: (row) => peerName(row.peer), rowHeader: true },
    ...FIGURES.map((figure) => ({
      header: t(`cases.report.columns.${figure}`),
      cell: (row: Row) => row[figure],
      className: 'num',
    })),
  ];

  return (
    <section className="page printable">
      <PrintHeader period={period} />
      <div className="section-head">
        <h1>{t('cases.report.title')}</h1>
        <PrintActions
          fileName={docxFileName('case-report', fields.from, fields.to)}
          docx={() =>
            report
              ? {
                  title: t('cases.report.title'),
                  language: i18n.language,
                  lines: lines(),
                  blocks: [
                    { text: t('cases.report.intro') },
                    {
                      table: {
                        caption: t('cases.report.title'),
                        head: columns.map((column) => column.header),
                        rows: report.peers.map((row) => [
                          peerName(row.peer),
                          ...FIGURES.map((figure) => row[figure]),
                        ]),
                      },
                    },
                  ],
                }
              : null
          }
        >
          <a className="button-link" href={api.caseReportCsvUrl(query)} download>
            {t('cases.report.csv')}
          </a>
        </PrintActions>
      </div>
      <p className="lead">{t('cases.report.intro')}</p>
      <CasesTabs />
      {peersError ? <ErrorAlert error={peersError} /> : null}
      <PeriodFields {...fields} />
      <AsyncTable
        rows={report?.peers}
        error={error}
        empty={<p>{t('cases.report.empty')}</p>}
        columns={columns}
        rowKey={(row) => row.peer}
        label={t('cases.report.title')}
        className="figures"
      />
    </section>
  );
}
