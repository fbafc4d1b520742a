import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import * as api from '../../requests/api';
import type { RequestView } from '../../../app/types';
import { ErrorAlert } from '../../../ui/errors';
import { NodePending } from '../../peers/components/node-pending';
import { FEATURES } from '../../../app/features';
import { countryName, formatDateTime, zoneOffset } from '../../../ui/format';
import { useLoader, useNow, usePageTitle } from '../../../ui/hooks';
import { useLiveEvent } from '../../../app/live-events';
import { incomingPath, useAttention } from '../../../app/attention';
import { DueIn, LevelBadge } from '../../requests/components/incoming';
import { usePendingIncomingPings } from '../../pings/components/pings';
import {
  BothZones,
  Countdown,
  ExerciseDeadlineTime,
  exerciseClockStands,
  isRequestEvent,
  peerTimeZone,
} from '../../requests/components/requests';
import { useSession, useUser, useUserTimeZone } from '../../../app/session';
import { ExerciseBadge } from '../../exercises/components/exercise-badge';
import '../i18n';
import '../../requests/i18n';

function Clock({ label, zone, now }: { label: string; zone: string; now: Date }) {
  const { i18n } = useTranslation();
  const language = i18n.language;
  let time = '';
  let date = '';
  try {
    time = new Intl.DateTimeFormat(language, {
      timeZone: zone,
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    }).format(now);
    date = new Intl.DateTimeFormat(language, { timeZone: zone, dateStyle: 'full' }).format(now);
  } catch {
    time = now.toISOString();
  }
  const offset = zoneOffset(now, language, zone);
  return (
    <div className="clock">
      <h3 className="clock-label">{label}</h3>
      <p className="clock-time">
        <time dateTime={now.toISOString()}>{time}</time>
      </p>
      <p className="clock-date">{date}</p>
      <p className="clock-zone">
        {zone}
        {offset ? ` (${offset})` : ''}
      </p>
    </div>
  );
}

type Deadline = NonNullable<RequestView['acknowledge']>;

/** The deadline a request is running against now: acknowledgement, then response. */
function openDeadline(
  request: RequestView,
): { which: 'acknowledge' | 'respond'; deadline: Deadline } | null {
  if (request.status === 'draft') return null;
  if (request.status === 'sent') {
    return request.acknowledge ? { which: 'acknowledge', deadline: request.acknowledge } : null;
  }
  if (request.respond && request.respond.metAt === null) {
    return { which: 'respond', deadline: request.respond };
  }
  return null;
}

/**
 * due_soon or overdue at this moment, whatever the node said when it sent the view (on an
 * exercise clock that stands, what the node said).
 */
function liveState(
  deadline: Deadline,
  now: Date,
  stands = false,
): 'pending' | 'due_soon' | 'overdue' {
  const time = now.getTime();
  if (stands) {
    return deadline.state === 'due_soon' || deadline.state === 'overdue'
      ? deadline.state
      : 'pending';
  }
  if (time >= Date.parse(deadline.dueAt)) return 'overdue';
  if (time >= Date.parse(deadline.dueSoonAt)) return 'due_soon';
  return deadline.state === 'due_soon' || deadline.state === 'overdue' ? deadline.state : 'pending';
}

/** Open requests due soon or overdue, most urgent first, kept live. */
function DeadlinesPanel({ now }: { now: Date }) {
  const { t } = useTranslation();
  const {
    data: requests,
    setData: setRequests,
    error,
    reload: load,
  } = useLoader<RequestView[]>(useCallback(() => api.listRequests({ open: true }), []));
  useLiveEvent(['resync', 'request.deadline'], () => void load());
  useLiveEvent('request.changed', (data) => {
    if (!isRequestEvent(data)) return;
    const request = data.request;
    setRequests((current) =>
      current ? [request, ...current.filter((r) => r.id !== request.id)] : current,
    );
  });

  const due = (requests ?? [])
    .map((request) => ({ request, open: openDeadline(request) }))
    .filter(
      (
        item,
      ): item is { request: RequestView; open: NonNullable<ReturnType<typeof openDeadline>> } =>
        item.open !== null &&
        liveState(item.open.deadline, now, exerciseClockStands(item.request)) !== 'pending',
    )
    .sort((a, b) => a.open.deadline.dueAt.localeCompare(b.open.deadline.dueAt));

  return (
    <section className="card deadlines" aria-labelledby="home-deadlines">
      <h2 id="home-deadlines">{t('home.deadlinesTitle')}</h2>
      {error ? <ErrorAlert error={error} /> : null}
      {requests === null ? (
        error ? null : (
          <p role="status">{t('common.loading')}</p>
        )
      ) : due.length === 0 ? (
        <p className="muted">{t('home.deadlinesNone')}</p>
      ) : (
        <ul className="deadline-list">
          {due.map(({ request, open }) => (
            <li
              key={request.id}
              className={`deadline-${liveState(open.deadline, now, exerciseClockStands(request))}`}
            >
              <Link to={`/requests/${request.id}`}>
                {request.reference} · {request.title}
              </Link>{' '}
              <ExerciseBadge exerciseId={request.exerciseId} />
              <p className="small">
                <span className="muted">
                  {t(request.direction === 'in' ? 'home.deadlineIn' : 'home.deadlineOut', {
                    peer: request.peer,
                  })}{' '}
                  · {t(`requests.deadline.${open.which}`)}:{' '}
                </span>
                <Countdown deadline={open.deadline} stands={exerciseClockStands(request)} />
              </p>
              <p className="small">
                {request.exerciseDeadlines ? (
                  <ExerciseDeadlineTime request={request} which={open.which} />
                ) : (
                  <BothZones iso={open.deadline.dueAt} peerZone={peerTimeZone(request)} />
                )}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** What peers sent that nobody here has acknowledged yet, most pressing first (live). */
function IncomingPanel() {
  const { t, i18n } = useTranslation();
  const zone = useUserTimeZone();
  const { attention, error } = useAttention();
  const items = attention?.incoming ?? [];
  return (
    <section className="card incoming" aria-labelledby="home-incoming">
      <h2 id="home-incoming">{t('home.incomingTitle')}</h2>
      {error ? <ErrorAlert error={error} /> : null}
      {attention === null ? (
        error ? null : (
          <p role="status">{t('common.loading')}</p>
        )
      ) : items.length === 0 ? (
        <p className="muted">{t('home.incomingNone')}</p>
      ) : (
        <ol className="incoming-list" aria-labelledby="home-incoming" data-testid="home-incoming">
          {items.map((item) => (
            <li key={`${item.area}/${item.id}`} className={`incoming-${item.level}`}>
              <p className="incoming-head">
                <LevelBadge level={item.level} />
                <span className="tag">{t(`requests.incoming.areas.${item.area}`)}</span>
              </p>
              <p>
                <Link to={incomingPath(item)}>
                  {item.reference ? `${item.reference} · ` : ''}
                  {item.title}
                </Link>{' '}
                {item.exerciseId ? <ExerciseBadge exerciseId={item.exerciseId} /> : null}
              </p>
              <p className="small muted">
                {t('home.incomingFrom', {
                  peer: item.peer,
                  time: formatDateTime(item.receivedAt, i18n.language, zone),
                })}
              </p>
              {item.dueAt ? (
                <p className="small">
                  <DueIn dueAt={item.dueAt} />
                </p>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function PendingPingsCard() {
  const { t } = useTranslation();
  const { pings, error } = usePendingIncomingPings();
  return (
    <section className="card" aria-labelledby="home-pings">
      <h2 id="home-pings">{t('home.pingsTitle')}</h2>
      {error ? <ErrorAlert error={error} /> : null}
      {pings === null ? null : (
        <p className={pings.length > 0 ? 'deadline-due_soon' : 'muted'} data-testid="home-pings">
          {t('home.pingsPending', { count: pings.length })}
        </p>
      )}
      <p className="small">
        <Link to="/pings">{t('home.pingsLink')}</Link>
      </p>
    </section>
  );
}

export function HomePage() {
  const { t, i18n } = useTranslation();
  const user = useUser();
  const { node } = useSession();
  const userZone = useUserTimeZone();
  const now = useNow();
  usePageTitle(t('nav.home'));
  const info = node.node;

  return (
    <section className="page">
      <h1>{t('home.welcome', { name: user.displayName })}</h1>
      <p className="lead">{t('home.intro')}</p>

      <div className="cards">
        <IncomingPanel />
        <DeadlinesPanel now={now} />
        <PendingPingsCard />
      </div>

      <div className="cards">
        <section className="card" aria-labelledby="home-node">
          <h2 id="home-node">{t('home.nodeTitle')}</h2>
          {!info ? (
            <NodePending node={node} />
          ) : (
            <>
              <dl className="facts">
                <div>
                  <dt>{t('home.nodeName')}</dt>
                  <dd>{info.name}</dd>
                </div>
                <div>
                  <dt>{t('home.nodeId')}</dt>
                  <dd>
                    <code>{info.nodeId}</code>
                  </dd>
                </div>
                <div>
                  <dt>{t('home.country')}</dt>
                  <dd>{countryName(info.country, i18n.language)}</dd>
                </div>
                <div>
                  <dt>{t('home.fingerprint')}</dt>
                  <dd>
                    <code className="fingerprint">{info.fingerprint}</code>
                  </dd>
                </div>
                {info.version ? (
                  <div>
                    <dt>{t('home.version')}</dt>
                    <dd>{info.version}</dd>
                  </div>
                ) : null}
              </dl>
              <p className="muted small">{t('home.fingerprintHint')}</p>
            </>
          )}
        </section>

        <section className="card" aria-labelledby="home-time">
          <h2 id="home-time">{t('home.timeTitle')}</h2>
          <div className="clocks">
            <Clock label={t('home.yourTime')} zone={userZone} now={now} />
            {info ? <Clock label={t('home.nodeTime')} zone={info.timeZone} now={now} /> : null}
          </div>
        </section>
      </div>

      <section className="coming" aria-labelledby="home-coming">
        <h2 id="home-coming">{t('home.comingTitle')}</h2>
        <p className="muted">{t('home.comingIntro')}</p>
        <ul className="coming-list">
          {FEATURES.map((feature) => (
            <li key={feature}>
              <Link to={`/${feature}`}>{t(`nav.${feature}`)}</Link>
              <p>{t(`features.${feature}`)}</p>
            </li>
          ))}
        </ul>
      </section>
    </section>
  );
}
