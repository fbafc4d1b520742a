import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError } from '../../../app/client';
import * as api from '../api';
import { rolesAllow, type PingView } from '../../../app/types';
import { ErrorAlert } from '../../../ui/errors';
import { formatDateTime } from '../../../ui/format';
import { useLiveEvent } from '../../../app/live-events';
import { useUser, useUserTimeZone } from '../../../app/session';
import '../i18n';
import { ExerciseBadge } from '../../exercises/components/exercise-badge';

export function isPingEvent(data: unknown): data is { ping: PingView } {
  if (typeof data !== 'object' || data === null) return false;
  const ping = (data as Record<string, unknown>)['ping'];
  return typeof ping === 'object' && ping !== null && 'id' in ping && 'direction' in ping;
}

/** Newest first; one row per id, the latest version of it. */
export function upsertPing(list: PingView[], ping: PingView): PingView[] {
  const rest = list.filter((p) => p.id !== ping.id);
  return [ping, ...rest].sort((a, b) => b.sentAt.localeCompare(a.sentAt));
}

/** The peers' pings still waiting for this node's acknowledgement, kept live. */
export function usePendingIncomingPings(): {
  pings: PingView[] | null;
  error: unknown;
  remove: (id: string) => void;
} {
  const [pings, setPings] = useState<PingView[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(async () => {
    try {
      setPings(await api.listPings({ direction: 'in', pending: true }));
      setError(null);
    } catch (failure) {
      setError(failure);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  useLiveEvent('resync', () => void load());
  useLiveEvent('ping.changed', (data) => {
    if (!isPingEvent(data) || data.ping.direction !== 'in') return;
    const ping = data.ping;
    setPings((current) => {
      if (!current) return current;
      return ping.acknowledgedAt === null
        ? upsertPing(current, ping)
        : current.filter((p) => p.id !== ping.id);
    });
  });
  const remove = useCallback((id: string) => {
    setPings((current) => (current ? current.filter((p) => p.id !== id) : current));
  }, []);
  return { pings, error, remove };
}

/**
 * On every page while a peer's ping test waits: who pinged which of our contacts, when,
 * and (for duty officers) the one click that answers it.
 */
export function IncomingPingsBanner() {
  const { t, i18n } = useTranslation();
  const user = useUser();
  const zone = useUserTimeZone();
  const canAnswer = rolesAllow(user.roles, 'pings.answer');
  const { pings, remove } = usePendingIncomingPings();
  const [busy, setBusy] = useState<string | null>(null);
  const [problem, setProblem] = useState<unknown>(null);

  if (!pings || pings.length === 0) return null;

  const acknowledge = async (ping: PingView) => {
    setBusy(ping.id);
    setProblem(null);
    try {
      await api.acknowledgePing(ping.id);
      remove(ping.id);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'already_acknowledged') {
        remove(ping.id);
      } else {
        setProblem(error);
      }
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="ping-banner" aria-labelledby="ping-banner-title">
      <h2 id="ping-banner-title" className="ping-banner-title">
        {t('pings.banner.title', { count: pings.length })}
      </h2>
      <p className="small">
        {canAnswer ? t('pings.banner.intro') : t('pings.banner.introReadOnly')}
      </p>
      {problem ? <ErrorAlert error={problem} /> : null}
      <ul className="ping-banner-list">
        {pings.map((ping) => (
          <li key={ping.id}>
            <span>
              {t('pings.banner.item', { peer: ping.peer, contact: ping.contactName })}{' '}
              <ExerciseBadge exerciseId={ping.exerciseId} />{' '}
              <time className="muted small" dateTime={ping.sentAt}>
                {formatDateTime(ping.sentAt, i18n.language, zone)}
              </time>
            </span>
            {canAnswer ? (
              <button
                type="button"
                className="button-primary"
                disabled={busy === ping.id}
                aria-label={t('pings.banner.acknowledgeOne', {
                  peer: ping.peer,
                  contact: ping.contactName,
                })}
                onClick={() => void acknowledge(ping)}
              >
                {t('pings.acknowledge')}
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      <p className="small">
        <Link to="/pings">{t('pings.banner.more')}</Link>
      </p>
    </section>
  );
}
