import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionInfo } from '../../../../src/core/schemas/accounts';
import { useUserTimeZone } from '../../../app/session';
import { AsyncTable, type Column } from '../../../ui/async-table';
import { ErrorAlert } from '../../../ui/errors';
import { formatDateTime } from '../../../ui/format';
import { useLoader } from '../../../ui/hooks';
import { useSubmit } from '../../../ui/submit';
import * as api from '../api';
import '../i18n';

function RevokeButton({
  session,
  onRevoked,
  onError,
}: {
  session: SessionInfo;
  onRevoked: () => void;
  onError: (error: unknown) => void;
}) {
  const { t } = useTranslation();
  const revoke = useSubmit(
    () => api.revokeMySession(session.id),
    () => onRevoked(),
  );
  useEffect(() => {
    if (revoke.problem?.error) onError(revoke.problem.error);
  }, [revoke.problem, onError]);
  return (
    <button
      type="button"
      className="button-quiet-danger"
      disabled={revoke.busy}
      aria-label={t('sessions.revokeOne', { id: session.id })}
      onClick={() => void revoke.submit()}
    >
      {t('sessions.revoke')}
    </button>
  );
}

/** The user's sessions (this browser marked), each other one with a button that ends it. */
export function SessionsSection() {
  const { t, i18n } = useTranslation();
  const zone = useUserTimeZone();
  const { data: sessions, error, reload } = useLoader(useCallback(() => api.listMySessions(), []));
  const [actionError, setActionError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const when = (iso: string) => (
    <time dateTime={iso}>{formatDateTime(iso, i18n.language, zone)}</time>
  );
  const columns: Column<SessionInfo>[] = [
    {
      header: t('sessions.session'),
      rowHeader: true,
      cell: (session) =>
        session.current ? (
          <span className="tag">{t('sessions.current')}</span>
        ) : (
          <span>{t('sessions.other')}</span>
        ),
    },
    { header: t('sessions.started'), cell: (session) => when(session.createdAt) },
    { header: t('sessions.lastSeen'), cell: (session) => when(session.lastSeenAt) },
    { header: t('sessions.expires'), cell: (session) => when(session.expiresAt) },
    {
      header: t('sessions.actions'),
      hiddenHeader: true,
      className: 'actions',
      cell: (session) =>
        session.current ? null : (
          <RevokeButton
            session={session}
            onRevoked={() => {
              setActionError(null);
              setNotice(t('sessions.revoked'));
              void reload();
            }}
            onError={setActionError}
          />
        ),
    },
  ];
  return (
    <>
      <p className="small">{t('sessions.intro')}</p>
      <p role="status" className="small">
        {notice}
      </p>
      {actionError ? <ErrorAlert error={actionError} /> : null}
      <AsyncTable
        rows={sessions}
        error={error}
        onRetry={() => void reload()}
        empty={<p>{t('sessions.empty')}</p>}
        columns={columns}
        rowKey={(session) => session.id}
        label={t('sessions.title')}
      />
    </>
  );
}
