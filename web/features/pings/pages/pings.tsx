import { useCallback, useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api';
import {
  MAX_PING_EVERY_HOURS,
  rolesAllow,
  type PingReport,
  type PingView,
} from '../../../app/types';
import { ErrorAlert } from '../../../ui/errors';
import { AsyncTable } from '../../../ui/async-table';
import { formatDateTime, formatMaybeDuration, formatShare } from '../../../ui/format';
import { usePageTitle, useLoader } from '../../../ui/hooks';
import { useSubmit } from '../../../ui/submit';
import { useLiveEvent } from '../../../app/live-events';
import { PeriodFields, lastDays, periodQuery, usePeers } from '../../../ui/period';
import { isPingEvent, upsertPing } from '../components/pings';
import { useUser, useUserTimeZone } from '../../../app/session';
import '../i18n';
import { ExerciseBadge } from '../../exercises/components/exercise-badge';

/** Ping tests of the peers' points of contact: send, schedule, follow, report. */
export function PingsPage() {
  const { t } = useTranslation();
  const id = useId();
  const user = useUser();
  const canSend = rolesAllow(user.roles, 'pings.send');
  usePageTitle(t('pings.title'));
  const { peers, error: peersError } = usePeers();
  const [peer, setPeer] = useState('');
  useEffect(() => {
    const active = (peers ?? []).filter((p) => p.status === 'active');
    if (active.length === 1 && active[0]) setPeer(active[0].nodeId);
  }, [peers]);

  return (
    <section className="page">
      <h1>{t('pings.title')}</h1>
      <p className="lead">{t('pings.intro')}</p>
      {peersError ? <ErrorAlert error={peersError} /> : null}
      {peers === null ? (
        peersError ? null : (
          <p role="status">{t('common.loading')}</p>
        )
      ) : peers.length === 0 ? (
        <div className="empty">
          <p>{t('pings.noPeers')}</p>
        </div>
      ) : (
        <>
          <div className="field">
            <label htmlFor={`${id}-peer`}>{t('pings.peer')}</label>
            <select id={`${id}-peer`} value={peer} onChange={(e) => setPeer(e.target.value)}>
              <option value="">{t('period.allPeers')}</option>
              {peers.map((p) => (
                <option key={p.nodeId} value={p.nodeId}>
                  {p.name} ({p.nodeId})
                </option>
              ))}
            </select>
          </div>
          {canSend ? <PingActions peer={peer} /> : null}
          <SentPings peer={peer} />
          <Report peer={peer} />
        </>
      )}
    </section>
  );
}

function PingActions({ peer }: { peer: string }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const zone = useUserTimeZone();
  const [done, setDone] = useState<string | null>(null);
  const [everyHours, setEveryHours] = useState('0');
  const ping = useSubmit(api.sendPings, (pings) =>
    setDone(t('pings.sentCount', { count: pings.length })),
  );
  const schedule = useSubmit(api.setPingSchedule, (saved) =>
    setDone(
      saved.everyHours === 0 || saved.nextAt === null
        ? t('pings.schedule.stopped')
        : t('pings.schedule.saved', {
            count: saved.everyHours,
            next: formatDateTime(saved.nextAt, i18n.language, zone),
          }),
    ),
  );
  const busy = ping.busy || schedule.busy;
  const problem = ping.problem ?? schedule.problem;

  useEffect(() => {
    // No peer chosen yet: there is no schedule to ask for (the node would answer 400).
    if (peer === '') {
      setEveryHours('0');
      return;
    }
    let live = true;
    api
      .getPingSchedule(peer)
      .then((schedule) => {
        if (live) setEveryHours(String(schedule.everyHours));
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [peer]);

  const pingNow = () => {
    setDone(null);
    schedule.reset();
    void ping.submit(peer);
  };

  const saveSchedule = (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    ping.reset();
    const hours = Number(everyHours);
    if (!Number.isInteger(hours) || hours < 0 || hours > MAX_PING_EVERY_HOURS) {
      schedule.fail(new Error(t('pings.schedule.invalid', { max: MAX_PING_EVERY_HOURS })));
      return;
    }
    void schedule.submit(peer, hours);
  };

  return (
    <section className="card ping-actions" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('pings.actionsTitle')}</h2>
      {peer === '' ? <p className="muted">{t('pings.choosePeer')}</p> : null}
      {problem ? <ErrorAlert error={problem} /> : null}
      {done ? (
        <div className="alert alert-ok" role="status">
          <p>{done}</p>
        </div>
      ) : null}
      <div className="form-actions actions-block">
        <button
          type="button"
          className="button-primary"
          disabled={busy || peer === ''}
          onClick={pingNow}
        >
          {t('pings.pingAll')}
        </button>
      </div>
      <form className="form" noValidate onSubmit={saveSchedule}>
        <div className="field">
          <label htmlFor={`${id}-every`}>{t('pings.schedule.every')}</label>
          <input
            id={`${id}-every`}
            type="number"
            inputMode="numeric"
            min={0}
            max={MAX_PING_EVERY_HOURS}
            step={1}
            value={everyHours}
            onChange={(e) => setEveryHours(e.target.value)}
            aria-describedby={`${id}-every-hint`}
          />
          <p className="field-hint" id={`${id}-every-hint`}>
            {t('pings.schedule.hint')}
          </p>
        </div>
        <div className="form-actions">
          <button type="submit" disabled={busy || peer === ''}>
            {t('pings.schedule.save')}
          </button>
        </div>
      </form>
    </section>
  );
}

function SentPings({ peer }: { peer: string }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const zone = useUserTimeZone();
  const {
    data: pings,
    setData: setPings,
    error,
    reload: load,
  } = useLoader<PingView[]>(
    useCallback(
      () => api.listPings({ direction: 'out', peer: peer || undefined, limit: 100 }),
      [peer],
    ),
  );
  useLiveEvent('resync', () => void load());
  useLiveEvent('ping.changed', (data) => {
    if (!isPingEvent(data) || data.ping.direction !== 'out') return;
    if (peer && data.ping.peer !== peer) return;
    const ping = data.ping;
    setPings((current) => (current ? upsertPing(current, ping) : current));
  });

  return (
    <section className="sent-pings" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('pings.sentTitle')}</h2>
      <AsyncTable
        rows={pings}
        error={error}
        empty={<p>{t('pings.noneSent')}</p>}
        label={t('pings.sentTitle')}
        rowKey={(ping) => ping.id}
        rowTestId="ping-row"
        columns={[
          {
            header: t('pings.columns.contact'),
            cell: (ping) => (
              <>
                {ping.contactName}
                {ping.scheduled ? <span className="tag">{t('pings.scheduled')}</span> : null}{' '}
                <ExerciseBadge exerciseId={ping.exerciseId} />
              </>
            ),
          },
          { header: t('pings.columns.peer'), cell: (ping) => ping.peer },
          {
            header: t('pings.columns.sentAt'),
            className: 'nowrap',
            cell: (ping) => (
              <time dateTime={ping.sentAt}>{formatDateTime(ping.sentAt, i18n.language, zone)}</time>
            ),
          },
          {
            header: t('pings.columns.state'),
            cell: (ping) => (
              <>
                {ping.acknowledgedAt ? (
                  <span className="badge deadline-met">{t('pings.states.acknowledged')}</span>
                ) : (
                  <span className="badge deadline-due_soon">{t('pings.states.waiting')}</span>
                )}
                {ping.acknowledgedBy ? (
                  <span className="muted small">
                    {' '}
                    {t('pings.by', { name: ping.acknowledgedBy })}
                  </span>
                ) : null}
              </>
            ),
          },
          {
            header: t('pings.columns.timeToAcknowledge'),
            className: 'num',
            cell: (ping) => formatMaybeDuration(ping.timeToAcknowledgeMs, i18n.language),
          },
        ]}
      />
    </section>
  );
}

function Report({ peer }: { peer: string }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const [period, setPeriod] = useState(() => lastDays(30));
  const query = useMemo(
    () => periodQuery(peer, period.from, period.to),
    [peer, period.from, period.to],
  );
  const {
    data: report,
    error,
    reload: load,
  } = useLoader<PingReport>(useCallback(() => api.getPingReport(query), [query]));
  useLiveEvent('resync', () => void load());
  useLiveEvent('ping.changed', (data) => {
    if (isPingEvent(data) && data.ping.direction === 'out') void load();
  });
  const language = i18n.language;

  return (
    <section className="report" aria-labelledby={`${id}-title`}>
      <div className="section-head">
        <h2 id={`${id}-title`}>{t('pings.report.title')}</h2>
        <a className="button-link" href={api.pingReportCsvUrl(query)} download>
          {t('pings.report.csv')}
        </a>
      </div>
      <PeriodFields
        from={period.from}
        to={period.to}
        onChange={(change) => setPeriod((current) => ({ ...current, ...change }))}
      />
      {error ? <ErrorAlert error={error} /> : null}
      {report === null ? (
        error ? null : (
          <p role="status">{t('common.loading')}</p>
        )
      ) : (
        <>
          <dl className="facts stats" aria-label={t('pings.report.summary')}>
            <div>
              <dt>{t('pings.report.sent')}</dt>
              <dd data-testid="report-sent">{report.sent}</dd>
            </div>
            <div>
              <dt>{t('pings.report.answered')}</dt>
              <dd data-testid="report-answered">{report.answered}</dd>
            </div>
            <div>
              <dt>{t('pings.report.answeredShare')}</dt>
              <dd data-testid="report-share">{formatShare(report.answeredShare, language)}</dd>
            </div>
            <div>
              <dt>{t('pings.report.median')}</dt>
              <dd>{formatMaybeDuration(report.medianMs, language)}</dd>
            </div>
            <div>
              <dt>{t('pings.report.p90')}</dt>
              <dd>{formatMaybeDuration(report.p90Ms, language)}</dd>
            </div>
          </dl>
          {report.neverAnswered.length > 0 ? (
            <div
              className="alert alert-error never-answered"
              role="group"
              aria-labelledby={`${id}-never`}
            >
              <p id={`${id}-never`}>{t('pings.report.neverAnswered')}</p>
              <ul>
                {report.neverAnswered.map((c) => (
                  <li key={`${c.peer}/${c.contactId}`}>
                    {t('pings.report.neverAnsweredItem', {
                      contact: c.contactName,
                      peer: c.peer,
                      count: c.sent,
                    })}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {report.contacts.length === 0 ? (
            <div className="empty">
              <p>{t('pings.report.empty')}</p>
            </div>
          ) : (
            <div className="table-wrap">
              <table>
                <caption>{t('pings.report.perContact')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('pings.columns.contact')}</th>
                    <th scope="col">{t('pings.columns.peer')}</th>
                    <th scope="col">{t('pings.report.sent')}</th>
                    <th scope="col">{t('pings.report.answered')}</th>
                    <th scope="col">{t('pings.report.median')}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.contacts.map((c) => (
                    <tr
                      key={`${c.peer}/${c.contactId}`}
                      className={c.answered === 0 ? 'row-alert' : undefined}
                    >
                      <th scope="row">{c.contactName}</th>
                      <td>{c.peer}</td>
                      <td className="num">{c.sent}</td>
                      <td className="num">{c.answered}</td>
                      <td className="num">{formatMaybeDuration(c.medianMs, language)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
