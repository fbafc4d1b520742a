import { useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../features/peers/api';
import type { PeerView, PeriodQuery } from '../app/types';

/** "2026-05-01" of a date, in the browser's zone (as date inputs read it). */
export function dayOf(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The last `days` days, today included. */
export function lastDays(days: number, now = new Date()): { from: string; to: string } {
  const start = new Date(now);
  start.setDate(start.getDate() - days);
  return { from: dayOf(start), to: dayOf(now) };
}

/**
 * The period as the API takes it: from the start of the first day to the end of the last
 * (the start of the next day), in the browser's zone. Empty or unreadable days are left out.
 */
export function periodQuery(peer: string, from: string, to: string): PeriodQuery {
  const query: PeriodQuery = {};
  if (peer) query.peer = peer;
  const start = new Date(`${from}T00:00:00`);
  if (from && !Number.isNaN(start.getTime())) query.from = start.toISOString();
  const end = new Date(`${to}T00:00:00`);
  if (to && !Number.isNaN(end.getTime())) {
    end.setDate(end.getDate() + 1);
    query.to = end.toISOString();
  }
  return query;
}

/** Every peer this node knows (active or not), for choosing whose figures to see. */
export function usePeers(): { peers: PeerView[] | null; error: unknown } {
  const [peers, setPeers] = useState<PeerView[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.listPeers().then(
      (list) => setPeers(list.filter((p) => p.status !== 'removed')),
      (failure: unknown) => setError(failure),
    );
  }, []);
  return { peers, error };
}

/** Peer (or all peers) and the first and last day of a period. */
export function PeriodFields({
  peers,
  peer,
  from,
  to,
  onChange,
  allPeers = true,
}: {
  peers?: PeerView[];
  peer?: string;
  from: string;
  to: string;
  onChange: (change: { peer?: string; from?: string; to?: string }) => void;
  allPeers?: boolean;
}) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="field-row period">
      {peers ? (
        <div className="field">
          <label htmlFor={`${id}-peer`}>{t('period.peer')}</label>
          <select
            id={`${id}-peer`}
            value={peer ?? ''}
            onChange={(e) => onChange({ peer: e.target.value })}
          >
            {allPeers ? <option value="">{t('period.allPeers')}</option> : null}
            {peers.map((p) => (
              <option key={p.nodeId} value={p.nodeId}>
                {p.name} ({p.nodeId})
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <div className="field">
        <label htmlFor={`${id}-from`}>{t('period.from')}</label>
        <input
          id={`${id}-from`}
          type="date"
          value={from}
          max={to || undefined}
          onChange={(e) => onChange({ from: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-to`}>{t('period.to')}</label>
        <input
          id={`${id}-to`}
          type="date"
          value={to}
          min={from || undefined}
          onChange={(e) => onChange({ to: e.target.value })}
        />
      </div>
    </div>
  );
}

/**
 * A report's filter: a peer (all by default) and the last `days` days; `query` for the API,
 * `fields` for <PeriodFields {...fields} />, and the error of loading the peers, if any.
 */
export function usePeriodFilter(days = 30) {
  const { peers, error: peersError } = usePeers();
  const [peer, setPeer] = useState('');
  const [period, setPeriod] = useState(() => lastDays(days));
  const query = useMemo(
    () => periodQuery(peer, period.from, period.to),
    [peer, period.from, period.to],
  );
  const fields = {
    peers: peers ?? [],
    peer,
    from: period.from,
    to: period.to,
    onChange: ({ peer: nextPeer, ...dates }: { peer?: string; from?: string; to?: string }) => {
      if (nextPeer !== undefined) setPeer(nextPeer);
      setPeriod((current) => ({ ...current, ...dates }));
    },
  };
  return { query, fields, peers, peersError };
}
