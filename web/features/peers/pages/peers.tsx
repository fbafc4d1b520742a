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
import { AsyncList, AsyncTable, type Column } from '../../../ui/async-table';
import { Confirm } from '../../../ui/confirm';
import { ErrorAlert, ProblemAlert } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { useSubmit } from '../../../ui/submit';
import { NodePending } from '../components/node-pending';
import { FingerprintLines, FingerprintMismatch } from '../components/fingerprint';
import { countryName, formatDateTime, formatDuration, formatZoneTime } from '../../../ui/format';
import { useLoader, useNow, usePageTitle } from '../../../ui/hooks';
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
  const urlInput = useRef<HTMLInputElement>(null);
  const fingerprintInput = useRef<HTMLTextAreaElement>(null);
  const add = useSubmit(api.addPeer, (peer) => {
    setUrl('');
    setFingerprint('');
    onAdded(peer);
  });
  const problem = add.problem;
  const mismatch =
    problem?.error instanceof ApiError && problem.error.code === 'fingerprint_mismatch'
      ? problem.error
      : null;
  // A refusal is about the fingerprint when it does not match, else about the URL.
  const invalid = problem ? (problem.field ?? (mismatch ? 'fingerprint' : 'url')) : null;
  useEffect(() => {
    if (problem) (invalid === 'fingerprint' ? fingerprintInput : urlInput).current?.focus();
  }, [problem, invalid]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmedUrl = url.trim();
    if (!/^https?:\/\/\S+$/i.test(trimmedUrl)) {
      return add.fail({ message: t('peers.add.urlInvalid'), field: 'url' });
    }
    const digits = fingerprint.replace(/[\s-]+/g, '');
    if (!/^\d+$/.test(digits) || digits.length !== FINGERPRINT_DIGITS) {
      return add.fail({
        message: t('peers.add.fingerprintInvalid', { digits: FINGERPRINT_DIGITS }),
        field: 'fingerprint',
      });
    }
    void add.submit({ url: trimmedUrl, fingerprint: fingerprint.trim() });
  };
  const labels = { url: t('peers.add.url'), fingerprint: t('peers.add.fingerprint') };

  return (
    <form className="form" noValidate onSubmit={submit}>
      <div className="notice" role="note">
        <p>{t('peers.add.outOfBand')}</p>
      </div>
      <p className="muted">{t('peers.add.bothWays')}</p>
      {mismatch ? (
        <FingerprintMismatch error={mismatch} />
      ) : (
        <ProblemAlert problem={problem} fields={labels} />
      )}
      <Field
        id={`${id}-url`}
        label={labels.url}
        hint={t('peers.add.urlHint')}
        invalid={invalid === 'url'}
      >
        <input
          ref={urlInput}
          type="url"
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
          placeholder="https://liaison.example.org"
          value={url}
          onChange={(event) => setUrl(event.target.value)}
        />
      </Field>
      <Field
        id={`${id}-fingerprint`}
        label={labels.fingerprint}
        hint={t('peers.add.fingerprintHint')}
        invalid={invalid === 'fingerprint'}
      >
        <textarea
          ref={fingerprintInput}
          className="fingerprint-input"
          rows={3}
          autoComplete="off"
          spellCheck={false}
          inputMode="numeric"
          value={fingerprint}
          onChange={(event) => setFingerprint(event.target.value)}
        />
      </Field>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={add.busy}>
          {add.busy ? t('peers.add.submitting') : t('peers.add.submit')}
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
  const firstButton = useRef<HTMLButtonElement>(null);

  const run = useSubmit(
    async (action: PendingAction) => {
      if (action === 'remove') {
        await api.removePeer(peer.nodeId);
        onRemoved(peer.nodeId);
      } else {
        onChanged(await api.setPeerActive(peer.nodeId, action === 'resume'));
      }
    },
    () => setConfirming(null),
  );
  const busy = run.busy;
  const failed = run.problem?.error;
  useEffect(() => {
    if (failed) onError(failed);
  }, [failed, onError]);

  const names = { nodeId: peer.nodeId };
  if (confirming) {
    return (
      <Confirm
        label={t(`peers.actions.${confirming}Of`, names)}
        question={t(`peers.actions.${confirming}Confirm`, names)}
        confirm={t(`peers.actions.${confirming}`)}
        cancel={t('peers.actions.cancel')}
        danger={confirming !== 'resume'}
        busy={busy}
        onConfirm={() => void run.submit(confirming)}
        onCancel={() => setConfirming(null)}
        returnFocus={firstButton}
      />
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

function Rejections({ rejections, error }: { rejections: RejectionView[] | null; error: unknown }) {
  const { t, i18n } = useTranslation();
  const zone = useUserTimeZone();
  const columns: Column<RejectionView>[] = [
    {
      header: t('peers.rejections.at'),
      className: 'nowrap',
      cell: (rejection) => (
        <time dateTime={rejection.at}>{formatDateTime(rejection.at, i18n.language, zone)}</time>
      ),
    },
    {
      header: t('peers.rejections.where'),
      cell: (rejection) =>
        rejection.direction === 'in' ? t('peers.rejections.here') : t('peers.rejections.byPeer'),
    },
    { header: t('peers.rejections.peer'), cell: (rejection) => <code>{rejection.peer}</code> },
    { header: t('peers.rejections.seq'), className: 'num', cell: (rejection) => rejection.seq },
    { header: t('peers.rejections.kind'), cell: (rejection) => <code>{rejection.kind}</code> },
    {
      header: t('peers.rejections.reason'),
      cell: (rejection) => (
        <>
          <code>{rejection.code}</code> {rejection.reason}
        </>
      ),
    },
  ];
  return (
    <AsyncTable
      rows={rejections}
      error={error}
      empty={<p className="muted">{t('peers.rejections.empty')}</p>}
      columns={columns}
      rowKey={(r) => `${r.direction}-${r.peer}-${r.seq}-${r.id}`}
      label={t('peers.rejections.title')}
    />
  );
}

export function PeersPage() {
  const { t } = useTranslation();
  const user = useUser();
  const canManage = rolesAllow(user.roles, 'peers.manage');
  const now = useNow();
  usePageTitle(t('peers.title'));
  const [actionError, setActionError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const {
    data: rejections,
    error: rejectionsError,
    reload: loadRejections,
  } = useLoader(useCallback(() => api.listRejections(REJECTIONS_SHOWN), []));
  const {
    data: peers,
    setData: setPeers,
    error: loadError,
    reload: loadPeers,
  } = useLoader(useCallback(async () => (await api.listPeers()).map(withSeenAt), []));
  const load = useCallback(async () => {
    await Promise.all([loadPeers(), loadRejections()]);
  }, [loadPeers, loadRejections]);

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
        <AsyncList
          rows={peers}
          error={loadError}
          empty={<p>{canManage ? t('peers.emptyAdmin') : t('peers.empty')}</p>}
        >
          {(list) => (
            <div className="peer-list">
              {list.map((peer) => (
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
        </AsyncList>
      </section>

      <section aria-labelledby="peers-rejections">
        <h2 id="peers-rejections">{t('peers.rejections.title')}</h2>
        <p className="muted small">{t('peers.rejections.intro', { limit: REJECTIONS_SHOWN })}</p>
        <Rejections rejections={rejections} error={rejectionsError} />
      </section>
    </section>
  );
}
