import { useCallback, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import {
  EVIDENCE_BEARINGS,
  type EvidenceBearing,
  type EvidenceView,
} from '../../../../src/core/schemas/dialogue-evidence';
import { useLiveEvent } from '../../../app/live-events';
import { useUser } from '../../../app/session';
import { rolesAllow } from '../../../app/types';
import { ErrorAlert, ProblemAlert } from '../../../ui/errors';
import { useSubmit } from '../../../ui/submit';
import * as api from '../api';
import { usePaged, When } from './parts';

/**
 * Reports' claims this node reads as evidence of a commitment, side by side: those that say
 * it is kept, those that say it is broken, and context. This node's own assessment: it is
 * not in the agreed record and the peer does not see it (docs/dialogues.md).
 */
export function ClaimEvidence({
  dialogueId,
  commitmentId,
}: {
  dialogueId: string;
  commitmentId: string;
}) {
  const { t } = useTranslation();
  return (
    <section className="dialogue-section" aria-labelledby="claim-evidence-title">
      <h2 id="claim-evidence-title">{t('dialogues.claimEvidence.title')}</h2>
      <p className="muted small">{t('dialogues.claimEvidence.intro')}</p>
      <div className="claim-evidence">
        {EVIDENCE_BEARINGS.map((bearing) => (
          <BearingColumn
            key={bearing}
            bearing={bearing}
            dialogueId={dialogueId}
            commitmentId={commitmentId}
          />
        ))}
      </div>
    </section>
  );
}

function BearingColumn({
  bearing,
  dialogueId,
  commitmentId,
}: {
  bearing: EvidenceBearing;
  dialogueId: string;
  commitmentId: string;
}) {
  const { t } = useTranslation();
  const id = useId();
  const list = usePaged<EvidenceView>(
    useCallback(
      async (cursor) => {
        const page = await api.listClaimEvidence(dialogueId, commitmentId, bearing, cursor);
        return { rows: page.evidence, next: page.next };
      },
      [dialogueId, commitmentId, bearing],
    ),
  );
  useLiveEvent('resync', list.reload);
  useLiveEvent('dialogue.changed', (data) => {
    const event = data as { dialogueId?: string; commitmentId?: string | null } | null;
    if (event?.dialogueId === dialogueId && event.commitmentId === commitmentId) list.reload();
  });
  return (
    <section
      className={`card claim-evidence-column bearing-${bearing}`}
      aria-labelledby={`${id}-title`}
      data-testid={`claim-evidence-${bearing}`}
    >
      <h3 id={`${id}-title`}>
        {t(`dialogues.claimEvidence.bearings.${bearing}`)}
        {list.rows ? (
          <span className="muted">
            {' '}
            ({list.rows.length}
            {list.next ? '+' : ''})
          </span>
        ) : null}
      </h3>
      {list.error ? <ErrorAlert error={list.error} /> : null}
      {list.rows === null ? (
        list.error ? null : (
          <p role="status" className="muted small">
            {t('dialogues.loading')}
          </p>
        )
      ) : list.rows.length === 0 ? (
        <p className="muted small">{t('dialogues.claimEvidence.none')}</p>
      ) : (
        <ul className="claim-evidence-list">
          {list.rows.map((e) => (
            <ClaimCard key={e.id} evidence={e} onRemoved={list.reload} />
          ))}
        </ul>
      )}
      {list.next ? (
        <button type="button" disabled={list.busy} onClick={list.more}>
          {t('dialogues.more')}
        </button>
      ) : null}
    </section>
  );
}

function ClaimCard({ evidence: e, onRemoved }: { evidence: EvidenceView; onRemoved: () => void }) {
  const { t } = useTranslation();
  const user = useUser();
  const c = e.claim;
  const remove = useSubmit(
    () => api.removeClaimEvidence(e.dialogueId, e.commitmentId, e.id),
    onRemoved,
  );
  const reportName = c.reportTitle ?? c.reportSource ?? e.reportId;
  return (
    <li className="claim-evidence-item" data-testid="claim-evidence">
      <p className="claim-evidence-head">
        <strong>{c.source.text}</strong>
        {c.via ? (
          <span className="muted small">
            {' '}
            {t('dialogues.claimEvidence.citing', { via: c.via.text })}
          </span>
        ) : null}{' '}
        <span className={`badge stance stance-${c.stance}`}>
          {t(`dialogues.claimEvidence.stances.${c.stance}`)}
        </span>
      </p>
      <p className="small">
        {c.actor?.text ?? '—'} → {c.target?.text ?? '—'}
      </p>
      <blockquote lang={c.language === 'zh' ? 'zh-CN' : 'en'}>{c.statement}</blockquote>
      {e.note ? <p className="claim-evidence-note">{e.note}</p> : null}
      <p className="muted small">
        <Link to={`/reports/${encodeURIComponent(e.reportId)}`}>{reportName}</Link>
        {c.publishedAt ? ` · ${c.publishedAt}` : ''}
        {c.sourceUrl ? (
          <>
            {' · '}
            <a href={c.sourceUrl} rel="noopener noreferrer" target="_blank">
              {t('dialogues.claimEvidence.sourceLink')}
            </a>
          </>
        ) : null}
      </p>
      <p className="muted small">
        {t('dialogues.claimEvidence.by', { name: e.byName })} <When at={e.at} />
      </p>
      <ProblemAlert problem={remove.problem} />
      {rolesAllow(user.roles, 'dialogues.attest') ? (
        <button
          type="button"
          disabled={remove.busy}
          aria-label={t('dialogues.claimEvidence.removeNamed', { source: c.source.text })}
          onClick={() => void remove.submit()}
        >
          {t('dialogues.remove')}
        </button>
      ) : null}
    </li>
  );
}
