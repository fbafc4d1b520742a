import { useCallback, useEffect, useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import type {
  AgendaEntry,
  ReportSide,
  StatusReport,
} from '../../../../src/core/schemas/status-report';
import * as api from '../api';
import { useLiveEvent } from '../../../app/live-events';
import { ErrorAlert } from '../../../ui/errors';
import { formatMaybeDuration, formatShare } from '../../../ui/format';
import { useLoader, usePageTitle } from '../../../ui/hooks';
import { PeriodFields, lastDays, periodQuery, usePeers } from '../../../ui/period';
import { PrintHeader } from '../../../ui/print';
import { AttestationBadge, When, formatDay, pick } from '../components/parts';
import '../i18n';
import '../dialogues.css';

/**
 * The status report for the next meeting: for a peer (or a dialogue's) and a period, each
 * side's figures side by side and the draft agenda; print-ready (web/styles.css, printable,
 * and dialogues.css) and as a Word document the node writes, in English or Chinese.
 */
export function StatusReportPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('dialogues.report.title'));
  const [params, setParams] = useSearchParams();
  const { peers, error: peersError } = usePeers();
  const fallback = useMemo(() => lastDays(180), []);
  const peer = params.get('peer') ?? '';
  const dialogue = params.get('dialogue') ?? '';
  const from = params.get('from') ?? fallback.from;
  const to = params.get('to') ?? fallback.to;
  const change = (next: { peer?: string; from?: string; to?: string }) => {
    const merged = new URLSearchParams(params);
    for (const [key, value] of Object.entries(next)) {
      if (value) merged.set(key, value);
      else merged.delete(key);
    }
    if (next.peer !== undefined) merged.delete('dialogue');
    setParams(merged, { replace: true });
  };
  // The first peer when none is chosen yet.
  const firstPeer = peers?.[0]?.nodeId;
  useEffect(() => {
    if (!peer && firstPeer) change({ peer: firstPeer });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [peer, firstPeer]);
  const period = periodQuery(peer, from, to);
  const query = useMemo(
    () =>
      period.from && period.to && (peer || dialogue)
        ? {
            from: period.from,
            to: period.to,
            ...(dialogue ? { dialogue } : peer ? { peer } : {}),
          }
        : null,
    [period.from, period.to, peer, dialogue],
  );
  const report = useLoader(
    useCallback(() => (query ? api.getStatusReport(query) : Promise.resolve(null)), [query]),
  );
  useLiveEvent(['dialogue.changed', 'resync'], () => void report.reload());
  const language = i18n.language.startsWith('zh') ? 'zh-CN' : 'en';
  return (
    <section className="page printable status-report" lang={language}>
      <p className="breadcrumb no-print">
        <Link to="/dialogues">{t('dialogues.title')}</Link>
      </p>
      <h1>{t('dialogues.report.title')}</h1>
      <PrintHeader period={{ from, to }} />
      <p className="lead no-print">{t('dialogues.report.intro')}</p>
      {peersError ? <ErrorAlert error={peersError} /> : null}
      <PeriodFields
        {...(peers ? { peers } : {})}
        peer={peer}
        from={from}
        to={to}
        allPeers={false}
        onChange={change}
      />
      {query ? (
        <div className="print-actions">
          <button type="button" className="print-button" onClick={() => window.print()}>
            {t('dialogues.report.print')}
          </button>
          <a className="button-link" href={api.statusReportDocxUrl(query, 'en')} download>
            {t('dialogues.report.docxEn')}
          </a>
          <a className="button-link" href={api.statusReportDocxUrl(query, 'zh-CN')} download>
            {t('dialogues.report.docxZh')}
          </a>
        </div>
      ) : null}
      {report.error ? <ErrorAlert error={report.error} /> : null}
      {!query ? <p className="muted">{t('dialogues.report.choose')}</p> : null}
      {query && !report.data && !report.error ? (
        <p role="status">{t('dialogues.loading')}</p>
      ) : null}
      {report.data ? <ReportBody report={report.data} days={{ from, to }} /> : null}
    </section>
  );
}

function ReportBody({
  report: r,
  days,
}: {
  report: StatusReport;
  days: { from: string; to: string };
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const share = (n: number | null) => formatShare(n, lang);
  const duration = (ms: number | null) => formatMaybeDuration(ms, lang);
  const sides = [r.here, r.there];
  const row = (label: string, cell: (side: ReportSide) => ReactNode) => ({ label, cell });
  return (
    <div className="report-body" data-testid="status-report">
      <p className="report-summary">
        {t('dialogues.report.between', { node: r.node, peer: r.peer })}{' '}
        {t('dialogues.report.period', {
          from: formatDay(days.from, lang),
          to: formatDay(days.to, lang),
        })}{' '}
        <span className="muted small">
          {t('dialogues.report.asOf')} <When at={r.asOf} />
        </span>
      </p>
      <section className="report-section" aria-labelledby="report-requests">
        <h2 id="report-requests">{t('dialogues.report.requests')}</h2>
        {sides.map((side) => (
          <RequestsTable key={side.node} side={side} other={side === r.here ? r.peer : r.node} />
        ))}
      </section>
      <SideTable
        id="report-hotline"
        title={t('dialogues.report.hotline')}
        sides={sides}
        rows={[
          row(t('dialogues.report.callsPlaced'), (s) => s.hotline.placed),
          row(t('dialogues.report.callsDelivered'), (s) => s.hotline.delivered),
          row(
            t('dialogues.report.acknowledgedInTime'),
            (s) =>
              `${s.hotline.acknowledgedWithinDeadline} (${share(s.hotline.acknowledgedWithinDeadlineShare)})`,
          ),
          row(t('dialogues.report.escalations'), (s) => s.hotline.escalated),
        ]}
      />
      <SideTable
        id="report-pings"
        title={t('dialogues.report.pings')}
        sides={sides}
        rows={[
          row(t('dialogues.report.pingsSent'), (s) => s.pings.sent),
          row(
            t('dialogues.report.pingsAnswered'),
            (s) => `${s.pings.answered} (${share(s.pings.answeredShare)})`,
          ),
          row(t('dialogues.report.median'), (s) => duration(s.pings.medianMs)),
        ]}
      />
      <SideTable
        id="report-sharing"
        title={t('dialogues.report.sharing')}
        sides={sides}
        rows={[
          row(t('dialogues.report.objectsShared'), (s) => s.sharing.objectsShared),
          row(t('dialogues.report.feedbackGiven'), (s) => s.sharing.feedbackGiven),
        ]}
      />
      <SideTable
        id="report-exercises"
        title={t('dialogues.report.exercises')}
        sides={sides}
        intro={t('dialogues.report.exercisesRun', { count: r.exercisesRun })}
        rows={[
          row(t('dialogues.report.aarShared'), (s) => s.exercises.aarShared),
          row(t('dialogues.report.ratings'), (s) =>
            (['P', 'S', 'M', 'U'] as const)
              .map((k) => `${k} ${s.exercises.ratings[k]}`)
              .join(' · '),
          ),
          row(t('dialogues.report.openActions'), (s) => s.exercises.openCorrectiveActions),
        ]}
      />
      <section className="report-section" aria-labelledby="report-commitments">
        <h2 id="report-commitments">{t('dialogues.report.commitments')}</h2>
        <dl className="facts report-figures">
          <div>
            <dt>{t('dialogues.report.commitmentsTotal')}</dt>
            <dd data-testid="figure-commitments-total">{r.commitments.total}</dd>
          </div>
          <div>
            <dt>{t('dialogues.report.doneByBoth')}</dt>
            <dd data-testid="figure-done-by-both">{r.commitments.doneByBoth}</dd>
          </div>
          <div>
            <dt>{t('dialogues.report.diverging')}</dt>
            <dd data-testid="figure-diverging">{r.commitments.diverging}</dd>
          </div>
          <div>
            <dt>{t('dialogues.report.overdue')}</dt>
            <dd data-testid="figure-overdue">{r.commitments.overdue}</dd>
          </div>
          {sides.map((s) => (
            <div key={s.node}>
              <dt>{t('dialogues.report.saysDone', { side: s.node })}</dt>
              <dd>{s.commitments.saysDone}</dd>
            </div>
          ))}
        </dl>
      </section>
      <Agenda entries={r.agenda} here={r.node} peer={r.peer} />
    </div>
  );
}

function RequestsTable({ side, other }: { side: ReportSide; other: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const caption = t('dialogues.report.requestsSentBy', { side: side.node, other });
  return (
    <>
      <h3 className="report-table-title">{caption}</h3>
      <div className="table-wrap" role="region" aria-label={caption} tabIndex={0}>
        <table className="async-table report-table">
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t('dialogues.report.type')}</th>
              <th scope="col">{t('dialogues.report.sent')}</th>
              <th scope="col">{t('dialogues.report.answered')}</th>
              <th scope="col">{t('dialogues.report.onTime')}</th>
              <th scope="col">{t('dialogues.report.median')}</th>
              <th scope="col">{t('dialogues.report.p90')}</th>
            </tr>
          </thead>
          <tbody>
            {side.requests.map((q) => (
              <tr key={q.type} data-testid="report-request-row">
                <th scope="row" data-label={t('dialogues.report.type')}>
                  {t(`dialogues.report.types.${q.type as 'all'}`, { defaultValue: q.type })}
                </th>
                <td data-label={t('dialogues.report.sent')}>{q.sent}</td>
                <td data-label={t('dialogues.report.answered')}>{q.answered}</td>
                <td data-label={t('dialogues.report.onTime')}>
                  {t('dialogues.report.ofDecided', {
                    onTime: q.onTime,
                    decided: q.decided,
                    share: formatShare(q.onTimeShare, lang),
                  })}
                </td>
                <td data-label={t('dialogues.report.median')}>
                  {formatMaybeDuration(q.respondMedianMs, lang)}
                </td>
                <td data-label={t('dialogues.report.p90')}>
                  {formatMaybeDuration(q.respondP90Ms, lang)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function SideTable({
  id,
  title,
  intro,
  sides,
  rows,
}: {
  id: string;
  title: string;
  intro?: string;
  sides: ReportSide[];
  rows: { label: string; cell: (side: ReportSide) => ReactNode }[];
}) {
  const { t } = useTranslation();
  return (
    <section className="report-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {intro ? <p>{intro}</p> : null}
      <div className="table-wrap" role="region" aria-label={title} tabIndex={0}>
        <table className="async-table report-table">
          <thead>
            <tr>
              <th scope="col">{t('dialogues.report.figure')}</th>
              {sides.map((s) => (
                <th scope="col" key={s.node}>
                  {t('dialogues.report.bySide', { side: s.node })}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.label}>
                <th scope="row" data-label={t('dialogues.report.figure')}>
                  {r.label}
                </th>
                {sides.map((s) => (
                  <td key={s.node} data-label={t('dialogues.report.bySide', { side: s.node })}>
                    {r.cell(s)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Agenda({ entries, here, peer }: { entries: AgendaEntry[]; here: string; peer: string }) {
  const { t, i18n } = useTranslation();
  return (
    <section className="report-section report-agenda" aria-labelledby="report-agenda">
      <h2 id="report-agenda">{t('dialogues.report.agenda')}</h2>
      {entries.length === 0 ? (
        <p className="muted">{t('dialogues.report.agendaEmpty')}</p>
      ) : (
        <ol>
          {entries.map((e) => (
            <li key={`${e.reason}-${e.commitmentId}`} data-testid="agenda-entry">
              <span className={`badge agenda-${e.reason}`}>
                {t(`dialogues.report.reasons.${e.reason}`)}
              </span>{' '}
              <Link
                to={`/dialogues/${encodeURIComponent(e.dialogueId)}/commitments/${encodeURIComponent(e.commitmentId)}`}
              >
                {pick(e.what, i18n.language)}
              </Link>{' '}
              <span className="muted small">
                {t('dialogues.report.agendaMeta', {
                  number: e.meetingNumber,
                  due: formatDay(e.dueDate, i18n.language),
                })}
              </span>
              <span className="agenda-statuses">
                {here}: <AttestationBadge status={e.here} /> · {peer}:{' '}
                <AttestationBadge status={e.peer} />
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
