import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api';
import type { CaseReport } from '../../../app/types';
import { ErrorAlert } from '../../../ui/errors';
import { usePageTitle, useLoader } from '../../../ui/hooks';
import { useLiveEvent } from '../../../app/live-events';
import { PeriodFields, usePeriodFilter } from '../../../ui/period';
import { CasesTabs } from './cases';
import '../i18n';

/** Per peer, over a period: cases opened, shared, with activity, requests linked, feedback. */
export function CasesReportPage() {
  const { t } = useTranslation();
  usePageTitle(t('cases.report.title'));
  const { query, fields, peers, peersError } = usePeriodFilter();
  const {
    data: report,
    error,
    reload,
  } = useLoader<CaseReport>(useCallback(() => api.getCaseReport(query), [query]));
  useLiveEvent(['resync', 'case.changed'], () => void reload());
  const names = new Map((peers ?? []).map((p) => [p.nodeId, p.name]));

  return (
    <section className="page">
      <div className="section-head">
        <h1>{t('cases.report.title')}</h1>
        <a className="button-link" href={api.caseReportCsvUrl(query)} download>
          {t('cases.report.csv')}
        </a>
      </div>
      <p className="lead">{t('cases.report.intro')}</p>
      <CasesTabs />
      {peersError ? <ErrorAlert error={peersError} /> : null}
      <PeriodFields {...fields} />
      {error ? <ErrorAlert error={error} /> : null}
      {report === null ? (
        error ? null : (
          <p role="status">{t('common.loading')}</p>
        )
      ) : report.peers.length === 0 ? (
        <div className="empty">
          <p>{t('cases.report.empty')}</p>
        </div>
      ) : (
        <div className="table-wrap">
          <table className="figures">
            <caption className="visually-hidden">{t('cases.report.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('cases.report.columns.peer')}</th>
                <th scope="col">{t('cases.report.columns.casesOpened')}</th>
                <th scope="col">{t('cases.report.columns.casesShared')}</th>
                <th scope="col">{t('cases.report.columns.casesWithActivity')}</th>
                <th scope="col">{t('cases.report.columns.requestsLinked')}</th>
                <th scope="col">{t('cases.report.columns.feedbackReceived')}</th>
              </tr>
            </thead>
            <tbody>
              {report.peers.map((row) => (
                <tr key={row.peer}>
                  <th scope="row">
                    {names.get(row.peer) ? `${names.get(row.peer)} (${row.peer})` : row.peer}
                  </th>
                  <td className="num">{row.casesOpened}</td>
                  <td className="num">{row.casesShared}</td>
                  <td className="num">{row.casesWithActivity}</td>
                  <td className="num">{row.requestsLinked}</td>
                  <td className="num">{row.feedbackReceived}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
