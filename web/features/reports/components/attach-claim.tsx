import { useCallback, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import {
  EVIDENCE_BEARINGS,
  type EvidenceBearing,
  type EvidenceView,
} from '../../../../src/core/schemas/dialogue-evidence';
import type { ClaimView } from '../../../../src/core/schemas/reports';
import { ErrorAlert, ProblemAlert } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { useLoader } from '../../../ui/hooks';
import { useSubmit } from '../../../ui/submit';
import * as api from '../api';

const pick = (text: { en: string; zh: string }, language: string) =>
  (language.toLowerCase().startsWith('zh') ? text.zh || text.en : text.en || text.zh) || '—';

/**
 * "Attach to a commitment": a report's claim becomes this node's evidence that a dialogue
 * commitment is kept or broken (or context). The choice of dialogue, then commitment, then
 * bearing; the node keeps it for itself (docs/dialogues.md).
 */
export function AttachClaim({ reportId, claim }: { reportId: string; claim: ClaimView }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState<EvidenceView | null>(null);
  if (claim.state === 'rejected') return null;
  return (
    <div className="attach-claim">
      {done ? (
        <p className="alert alert-ok small" role="status" data-testid="claim-attached">
          {t('reports.attach.done')}{' '}
          <Link
            to={`/dialogues/${encodeURIComponent(done.dialogueId)}/commitments/${encodeURIComponent(done.commitmentId)}`}
          >
            {t('reports.attach.see')}
          </Link>
        </p>
      ) : null}
      {open ? (
        <AttachForm
          reportId={reportId}
          claim={claim}
          onCancel={() => setOpen(false)}
          onDone={(view) => {
            setDone(view);
            setOpen(false);
          }}
        />
      ) : (
        <button type="button" aria-expanded={false} onClick={() => setOpen(true)}>
          {t('reports.attach.open')}
        </button>
      )}
    </div>
  );
}

function AttachForm({
  reportId,
  claim,
  onCancel,
  onDone,
}: {
  reportId: string;
  claim: ClaimView;
  onCancel: () => void;
  onDone: (view: EvidenceView) => void;
}) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const [dialogueId, setDialogueId] = useState('');
  const [commitmentId, setCommitmentId] = useState('');
  const [bearing, setBearing] = useState<EvidenceBearing>('kept');
  const [note, setNote] = useState('');
  const dialogues = useLoader(useCallback(() => api.dialoguesForEvidence(), []));
  const commitments = useLoader(
    useCallback(
      () => (dialogueId ? api.commitmentsForEvidence(dialogueId) : Promise.resolve([])),
      [dialogueId],
    ),
  );
  const attach = useSubmit(
    () =>
      api.attachClaim(dialogueId, commitmentId, {
        reportId,
        claimIndex: claim.index,
        bearing,
        note,
      }),
    onDone,
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!dialogueId || !commitmentId) {
      attach.fail({ message: t('reports.attach.choose') });
      return;
    }
    void attach.submit();
  };
  const error = dialogues.error ?? commitments.error;
  return (
    <form
      className="form attach-claim-form"
      noValidate
      onSubmit={submit}
      aria-labelledby={`${id}-title`}
    >
      <h4 id={`${id}-title`}>{t('reports.attach.title')}</h4>
      <p className="muted small">{t('reports.attach.intro')}</p>
      {error ? <ErrorAlert error={error} /> : null}
      <ProblemAlert problem={attach.problem} />
      <Field label={t('reports.attach.dialogue')}>
        <select
          value={dialogueId}
          onChange={(e) => {
            setDialogueId(e.target.value);
            setCommitmentId('');
          }}
        >
          <option value="">{t('reports.attach.pickDialogue')}</option>
          {(dialogues.data ?? []).map((d) => (
            <option key={d.id} value={d.id}>
              {pick(d.title, i18n.language)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('reports.attach.commitment')}>
        <select
          value={commitmentId}
          disabled={!dialogueId}
          onChange={(e) => setCommitmentId(e.target.value)}
        >
          <option value="">{t('reports.attach.pickCommitment')}</option>
          {(dialogueId ? (commitments.data ?? []) : []).map((c) => (
            <option key={c.id} value={c.id}>
              {t('reports.attach.commitmentOption', {
                number: c.meetingNumber,
                what: pick(c.what, i18n.language),
              })}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('reports.attach.bearing')}>
        <select value={bearing} onChange={(e) => setBearing(e.target.value as EvidenceBearing)}>
          {EVIDENCE_BEARINGS.map((b) => (
            <option key={b} value={b}>
              {t(`reports.attach.bearings.${b}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('reports.attach.note')}>
        <textarea
          rows={2}
          value={note}
          maxLength={2000}
          onChange={(e) => setNote(e.target.value)}
        />
      </Field>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={attach.busy}>
          {t('reports.attach.submit')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('reports.attach.cancel')}
        </button>
      </div>
    </form>
  );
}
