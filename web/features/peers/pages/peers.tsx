import {
  useCallback,
  useEffect,
  useId,
  useRef,
  useState,
  type FormEvent,
  type ReactNode,
} from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../app/client';
import * as api from '../api';
import { rolesAllow, type LedgerView, type PeerView, type RejectionView } from '../../../app/types';
import { ErrorAlert } from '../../../ui/errors';
import { NodePending } from '../components/node-pending';
import { FingerprintLines, FingerprintMismatch } from '../components/fingerprint';
import { countryName, formatDateTime, formatDuration, formatZoneTime } from '../../../ui/format';
import { useNow, usePageTitle } from '../../../ui/hooks';
import { useLiveEvent } from '../../../app/live-events';
import { useSession, useUser, useUserTimeZone } from '../../../app/session';
import '../i18n';

/** A peer and when its ledger was read, so ages can keep counting between updates. */
interface PeerRow extends PeerView {
  seenAt: number;
}

const REJECTIONS_SHOWN = 20;
/** Viewers who are not admins get no ledger events: read the ledgers again this often. */
const POLL_MS = 15_000;
const FINGERPRINT_DIGITS = 60;

function withSeenAt(peer: PeerView): PeerRow {
  return { ...peer, seenAt: Date.now() };
}

function isLedgerEvent(data: unknown): data is { peer: string; ledger: LedgerView } {
  if (typeof data !== 'object' || data === null) return false;
  const record = data as Record<string, unknown>;
  return typeof record['peer'] === 'string' && typeof record['ledger'] === 'object';
}

function OwnFingerprint() {
  const { t } = useTranslation();
  const { node } = useSession();
  const info = node.node;
  return (
    <section className="card own-fingerprint" aria-labelledby="peers-own">
      <h2 id="peers-own">{t('peers.ownTitle')}</h2>
      {!info ? (
        <NodePending node={node} />
      ) : (
        <>
          <p>
            {info.name} <code>{info.nodeId}</code>
          </p>
          <FingerprintLines
            fingerprint={info.fingerprint}
            label={t('peers.ownFingerprintLabel', { nodeId: info.nodeId })}
          />
          <p className="muted small">{t('peers.ownHint')}</p>
        </>
      )}
    </section>
  );
}

function AddPeerForm({ onAdded }: { onAdded: (peer: PeerView) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [url, setUrl] = useState('');
  const [fingerprint, setFingerprint] = useState('');
  const [busy, setBusy] = useState(false);
  const [invalid, setInvalid] = useState<'url' | 'fingerprint' | null>(null);
  const [problem, setProblem] = useState<{ message?: string; error?: unknown } | null>(null);
  const urlInput = useRef<HTMLInputElement>(null);
  const fingerprintInput = useRef<HTMLTextAreaElement>(null);

  const fail = (field: 'url' | 'fingerprint', issue: { message?: string; error?: unknown }) => {
    setProblem(issue);
    setInvalid(field);
    (field === 'url' ? urlInput : fingerprintInput).current?.focus();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmedUrl = url.trim();
    if (!/^https?:\/\/\S+$/i.test(trimmedUrl)) {
      return fail('url', { message: t('peers.add.urlInvalid') });
    }
    const digits = fingerprint.replace(/[\s-]+/g, '');
    if (!/^\d+$/.test(digits) || digits.length !== FINGERPRINT_DIGITS) {
      return fail('fingerprint', {
        message: t('peers.add.fingerprintInvalid', { digits: FINGERPRINT_DIGITS }),
      });
    }
    setProblem(null);
    setInvalid(null);
    setBusy(true);
    try {
      const peer = await api.addPeer({ url: trimmedUrl, fingerprint: fingerprint.trim() });
      setUrl('');
      setFingerprint('');
      onAdded(peer);
    } catch (error) {
      const field =
        error instanceof ApiError && error.code === 'fingerprint_mismatch' ? 'fingerprint' : 'url';
      fail(field, { error });
    } finally {
      setBusy(false);
    }
  };

  const mismatch =
    problem?.error instanceof ApiError && problem.error.code === 'fingerprint_mismatch'
      ? problem.error
      : null;

  return (
    <form className="form" noValidate onSubmit={(event) => void submit(event)}>
      <div className="notice" role="note">
        <p>{t('peers.add.outOfBand')}</p>
      </div>
      <p className="muted">{t('peers.add.bothWays')}</p>
      {mismatch ? (
        <FingerprintMismatch error={mismatch} />
      ) : problem ? (
        <ErrorAlert {...problem} />
      ) : null}
      <div className="field">
        <label htmlFor={`${id}-url`}>{t('peers.add.url')}</label>
        <input
          ref={urlInput}
          id={`${id}-url`}
          type="url"
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
          placeholder="https://liaison.example.org"
          aria-describedby={`${id}-url-hint`}
          aria-invalid={invalid === 'url' || undefined}
          value={url}
          onChange={(event) => setUrl(event.target.value)}
        />
        <p id={`${id}-url-hint`} className="field-hint">
          {t('peers.add.urlHint')}
        </p>
      </div>
      <div className="field">
        <label htmlFor={`${id}-fingerprint`}>{t('peers.add.fingerprint')}</label>
        <textarea
          ref={fingerprintInput}
          id={`${id}-fingerprint`}
          className="fingerprint-input"
          rows={3}
          autoComplete="off"
          spellCheck={false}
          inputMode="numeric"
          aria-describedby={`${id}-fingerprint-hint`}
          aria-invalid={invalid === 'fingerprint' || undefined}
          value={fingerprint}
          onChange={(event) => setFingerprint(event.target.value)}
        />
        <p id={`${id}-fingerprint-hint`} className="field-hint">
          {t('peers.add.fingerprintHint')}
        </p>
      </div>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? t('peers.add.submitting') : t('peers.add.submit')}
        </button>
      </div>
    </form>
  );
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function When({ iso }: { iso: string | null }) {
  const { t, i18n } = useTranslation();
  const zone = useUserTimeZone();
  if (iso === null) return <span className="muted">{t('peers.never')}</span>;
  return <time dateTime={iso}>{formatDateTime(iso, i18n.language, zone)}</time>;
}

type PendingAction = 'suspend' | 'resume' | 'remove';

function PeerActions({
  peer,
  onChanged,
  onRemoved,
  onError,
}: {
  peer: PeerView;
  onChanged: (peer: PeerView) => void;
  onRemoved: (nodeId: string) => void;
  onError: (error: unknown) => void;
}) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState<PendingAction | null>(null);
  const [busy, setBusy] = useState(false);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const firstButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);

  const run = async (action: PendingAction) => {
    setBusy(true);
    try {
      if (action === 'remove') {
        await api.removePeer(peer.nodeId);
        onRemoved(peer.nodeId);
      } else {
        onChanged(await api.setPeerActive(peer.nodeId, action === 'resume'));
      }
      setConfirming(null);
    } catch (error) {
      onError(error);
    } finally {
      setBusy(false);
    }
  };

  const names = { nodeId: peer.nodeId };
  if (confirming) {
    return (
      <div className="confirm" role="group" aria-label={t(`peers.actions.${confirming}Of`, names)}>
        <p>{t(`peers.actions.${confirming}Confirm`, names)}</p>
        <button
          ref={confirmButton}
          type="button"
          className={confirming === 'resume' ? 'button-primary' : 'button-danger'}
          disabled={busy}
          onClick={() => void run(confirming)}
        >
          {t(`peers.actions.${confirming}`)}
        </button>
        <button
          type="button"
          onClick={() => {
            setConfirming(null);
            setTimeout(() => firstButton.current?.focus(), 0);
          }}
        >
          {t('peers.actions.cancel')}
        </button>
      </div>
    );
  }
  const toggle: PendingAction = peer.status === 'suspended' ? 'resume' : 'suspend';
  return (
    <div className="peer-actions">
      <button
        ref={firstButton}
        type="button"
        disabled={busy}
        aria-label={t(`peers.actions.${toggle}Of`, names)}
        onClick={() => setConfirming(toggle)}
      >
        {t(`peers.actions.${toggle}`)}
      </button>
      <button
        type="button"
        className="button-quiet-danger"
        disabled={busy}
        aria-label={t('peers.actions.removeOf', names)}
        onClick={() => setConfirming('remove')}
      >
        {t('peers.actions.remove')}
      </button>
    </div>
  );
}

function PeerCard({
  peer,
  now,
  canManage,
  onChanged,
  onRemoved,
  onError,
}: {
  peer: PeerRow;
  now: Date;
  canManage: boolean;
  onChanged: (peer: PeerView) => void;
  onRemoved: (nodeId: string) => void;
  onError: (error: unknown) => void;
}) {
  const { t, i18n } = useTranslation();
  const headingId = useId();
  const { ledger } = peer;
  const language = i18n.language;
  const age =
    ledger.oldestUndeliveredAgeMs === null
      ? null
      : ledger.oldestUndeliveredAgeMs + Math.max(0, now.getTime() - peer.seenAt);
  const suspended = peer.status === 'suspended';
  return (
    <article className="card peer" aria-labelledby={headingId}>
      <header className="peer-head">
        <div>
          <h3 id={headingId}>
            {peer.name} <code>{peer.nodeId}</code>
          </h3>
          <p className="peer-where">
            {countryName(peer.country, language)}
            {' · '}
            {t('peers.localTime', {
              time: formatZoneTime(now, language, peer.timeZone),
              zone: peer.timeZone,
            })}
          </p>
        </div>
        <div className="peer-state">
          <span className={suspended ? 'badge badge-off' : 'badge badge-on'}>
            {t(`peers.status.${peer.status}`)}
          </span>
          <span className={`link-state ${ledger.peerUp ? 'link-up' : 'link-down'}`}>
            <span className="link-dot" aria-hidden="true" />
            {ledger.peerUp ? t('peers.up') : t('peers.down')}
          </span>
        </div>
      </header>

      <dl className="ledger">
        <Fact term={t('peers.ledger.lastSent')}>{ledger.lastSent}</Fact>
        <Fact term={t('peers.ledger.lastAcknowledged')}>{ledger.lastAcknowledged}</Fact>
        <Fact term={t('peers.ledger.backlog')}>
          <span className={ledger.backlog > 0 ? 'backlog-waiting' : undefined}>
            {ledger.backlog}
          </span>
        </Fact>
        <Fact term={t('peers.ledger.oldestUndelivered')}>
          {age === null ? (
            <span className="muted">{t('peers.ledger.nothingWaiting')}</span>
          ) : (
            formatDuration(age, language)
          )}
        </Fact>
        <Fact term={t('peers.ledger.lastApplied')}>{ledger.lastApplied}</Fact>
        <Fact term={t('peers.ledger.lastReceivedAt')}>
          <When iso={ledger.lastReceivedAt} />
        </Fact>
        <Fact term={t('peers.ledger.lastAttemptAt')}>
          <When iso={ledger.lastAttemptAt} />
        </Fact>
        <Fact term={t('peers.ledger.lastSuccessAt')}>
          <When iso={ledger.lastSuccessAt} />
        </Fact>
        <Fact term={t('peers.ledger.rejectedBySender')}>{ledger.rejectedBySender}</Fact>
        <Fact term={t('peers.ledger.rejectedHere')}>{ledger.rejectedHere}</Fact>
      </dl>

      {ledger.lastError ? (
        <div className={ledger.peerUp ? 'last-error' : 'last-error last-error-down'}>
          <p className="last-error-title">
            {ledger.peerUp ? t('peers.lastErrorRecovered') : t('peers.lastError')}{' '}
            <When iso={ledger.lastError.at} />
          </p>
          <p>
            <code>{ledger.lastError.code}</code> {ledger.lastError.message}
          </p>
        </div>
      ) : null}

      <details className="peer-details">
        <summary>{t('peers.details')}</summary>
        <dl className="facts">
          <Fact term={t('peers.url')}>
            <code>{peer.url}</code>
          </Fact>
          <Fact term={t('peers.fingerprint')}>
            <FingerprintLines fingerprint={peer.fingerprint} />
          </Fact>
          <Fact term={t('peers.messageKinds')}>
            {peer.messageKinds.length === 0 ? (
              <span className="muted">{t('peers.noKinds')}</span>
            ) : (
              peer.messageKinds.map((kind) => (
                <code key={kind} className="kind">
                  {kind}
                </code>
              ))
            )}
          </Fact>
          <Fact term={t('peers.since')}>
            <When iso={peer.createdAt} />
          </Fact>
        </dl>
      </details>

      {canManage ? (
        <PeerActions peer={peer} onChanged={onChanged} onRemoved={onRemoved} onError={onError} />
      ) : null}
    </article>
  );
}

function Rejections({ rejections }: { rejections: RejectionView[] }) {
  const { t, i18n } = useTranslation();
  const zone = useUserTimeZone();
  if (rejections.length === 0) return <p className="muted">{t('peers.rejections.empty')}</p>;
  return (
    <div className="table-wrap" role="region" aria-labelledby="peers-rejections" tabIndex={0}>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('peers.rejections.at')}</th>
            <th scope="col">{t('peers.rejections.where')}</th>
            <th scope="col">{t('peers.rejections.peer')}</th>
            <th scope="col">{t('peers.rejections.seq')}</th>
            <th scope="col">{t('peers.rejections.kind')}</th>
            <th scope="col">{t('peers.rejections.reason')}</th>
          </tr>
        </thead>
        <tbody>
          {rejections.map((rejection) => (
            <tr key={`${rejection.direction}-${rejection.peer}-${rejection.seq}-${rejection.id}`}>
              <td className="nowrap">
                <time dateTime={rejection.at}>
                  {formatDateTime(rejection.at, i18n.language, zone)}
                </time>
              </td>
              <td>
                {rejection.direction === 'in'
                  ? t('peers.rejections.here')
                  : t('peers.rejections.byPeer')}
              </td>
              <td>
                <code>{rejection.peer}</code>
              </td>
              <td className="num">{rejection.seq}</td>
              <td>
                <code>{rejection.kind}</code>
              </td>
              <td>
                <code>{rejection.code}</code> {rejection.reason}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function PeersPage() {
  const { t } = useTranslation();
  const user = useUser();
  const canManage = rolesAllow(user.roles, 'peers.manage');
  const now = useNow();
  usePageTitle(t('peers.title'));
  const [peers, setPeers] = useState<PeerRow[] | null>(null);
  const [rejections, setRejections] = useState<RejectionView[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');

  const loadRejections = useCallback(async () => {
    try {
      setRejections(await api.listRejections(REJECTIONS_SHOWN));
    } catch (error) {
      setLoadError(error);
    }
  }, []);

  const load = useCallback(async () => {
    try {
      const [list] = await Promise.all([api.listPeers(), loadRejections()]);
      setPeers(list.map(withSeenAt));
      setLoadError(null);
    } catch (error) {
      setLoadError(error);
    }
  }, [loadRejections]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    if (canManage) return;
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [canManage, load]);

  useLiveEvent(['resync', 'federation.peers'], () => void load());

  const peersRef = useRef(peers);
  useEffect(() => {
    peersRef.current = peers;
  }, [peers]);

  useLiveEvent('federation.ledger', (data) => {
    if (!isLedgerEvent(data)) return;
    const known = peersRef.current?.find((peer) => peer.nodeId === data.peer);
    if (!known) {
      void load();
      return;
    }
    const before = known.ledger;
    if (
      before.rejectedBySender !== data.ledger.rejectedBySender ||
      before.rejectedHere !== data.ledger.rejectedHere
    ) {
      void loadRejections();
    }
    setPeers(
      (current) =>
        current?.map((peer) =>
          peer.nodeId === data.peer ? { ...peer, ledger: data.ledger, seenAt: Date.now() } : peer,
        ) ?? null,
    );
  });

  const replace = (updated: PeerView) => {
    setActionError(null);
    setPeers((current) => {
      const row = withSeenAt(updated);
      if (!current) return [row];
      return current.some((peer) => peer.nodeId === updated.nodeId)
        ? current.map((peer) => (peer.nodeId === updated.nodeId ? row : peer))
        : [...current, row].sort((a, b) => a.nodeId.localeCompare(b.nodeId));
    });
  };

  return (
    <section className="page">
      <div className="section-head">
        <h1>{t('peers.title')}</h1>
        <button type="button" onClick={() => void load()}>
          {t('common.refresh')}
        </button>
      </div>
      <p className="lead">{t('peers.intro')}</p>

      <div className="cards cards-top">
        <OwnFingerprint />
        {canManage ? (
          <section className="card" aria-labelledby="peers-add">
            <h2 id="peers-add">{t('peers.add.title')}</h2>
            <AddPeerForm
              onAdded={(peer) => {
                replace(peer);
                setNotice(t('peers.add.done', { name: peer.name, nodeId: peer.nodeId }));
              }}
            />
          </section>
        ) : null}
      </div>

      <section aria-labelledby="peers-list">
        <h2 id="peers-list">{t('peers.listTitle')}</h2>
        <p className="muted small">{t('peers.ledgerExplained')}</p>
        <p role="status" className="small">
          {notice}
        </p>
        {actionError ? <ErrorAlert error={actionError} /> : null}
        {loadError ? <ErrorAlert error={loadError} /> : null}
        {peers === null ? (
          loadError ? null : (
            <p role="status">{t('common.loading')}</p>
          )
        ) : peers.length === 0 ? (
          <p className="empty">{canManage ? t('peers.emptyAdmin') : t('peers.empty')}</p>
        ) : (
          <div className="peer-list">
            {peers.map((peer) => (
              <PeerCard
                key={peer.nodeId}
                peer={peer}
                now={now}
                canManage={canManage}
                onChanged={(updated) => {
                  replace(updated);
                  setNotice(
                    t(
                      updated.status === 'suspended'
                        ? 'peers.actions.suspendDone'
                        : 'peers.actions.resumeDone',
                      { nodeId: updated.nodeId },
                    ),
                  );
                }}
                onRemoved={(nodeId) => {
                  setActionError(null);
                  setPeers((current) => current?.filter((p) => p.nodeId !== nodeId) ?? null);
                  setNotice(t('peers.actions.removeDone', { nodeId }));
                }}
                onError={setActionError}
              />
            ))}
          </div>
        )}
      </section>

      <section aria-labelledby="peers-rejections">
        <h2 id="peers-rejections">{t('peers.rejections.title')}</h2>
        <p className="muted small">{t('peers.rejections.intro', { limit: REJECTIONS_SHOWN })}</p>
        {rejections === null ? null : <Rejections rejections={rejections} />}
      </section>
    </section>
  );
}
