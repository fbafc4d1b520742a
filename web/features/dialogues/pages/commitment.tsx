import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type {
  AttestationStatus,
  AttestationView,
  CommitmentView,
  Evidence,
} from '../../../../src/core/schemas/dialogues';
import { ATTESTATION_STATUSES } from '../components/choices';
import * as api from '../api';
import { rolesAllow } from '../../../app/types';
import { useLiveEvent } from '../../../app/live-events';
import { useUser } from '../../../app/session';
import { ErrorAlert, ProblemAlert } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { formatList } from '../../../ui/format';
import { useLoader, usePageTitle } from '../../../ui/hooks';
import { useSubmit } from '../../../ui/submit';
import { ClaimEvidence } from '../components/claim-evidence';
import { EvidenceEditor, EvidenceList } from '../components/evidence';
import { MeasurePanel } from '../components/measure';
import {
  AttestationBadge,
  BothTexts,
  StateBadge,
  When,
  formatDay,
  pick,
  useNodeId,
  useSideLabel,
} from '../components/parts';
import '../i18n';
import '../dialogues.css';

/**
 * A commitment: both sides' statements side by side, the state they make together, this
 * side's statement to set, the evidence (the record's, and reports' claims this node holds as
 * evidence), and the tied measure with its history. Live.
 */
export function CommitmentPage() {
  const { t, i18n } = useTranslation();
  const { id = '', commitmentId = '' } = useParams();
  const user = useUser();
  const dialogue = useLoader(useCallback(() => api.getDialogue(id), [id]));
  const commitment = useLoader(
    useCallback(() => api.getCommitment(id, commitmentId), [id, commitmentId]),
  );
  const meetingId = commitment.data?.meetingId ?? '';
  const meeting = useLoader(
    useCallback(
      () => (meetingId ? api.getMeeting(id, meetingId) : Promise.resolve(null)),
      [id, meetingId],
    ),
  );
  const { reload } = commitment;
  useLiveEvent('resync', () => void reload());
  useLiveEvent('dialogue.changed', (data) => {
    const event = data as { dialogueId?: string; commitmentId?: string | null } | null;
    if (event?.dialogueId === id && (!event.commitmentId || event.commitmentId === commitmentId)) {
      void reload();
    }
  });
  const c = commitment.data;
  const title = c ? pick(c.what, i18n.language) : t('dialogues.commitment.title');
  usePageTitle(title);
  const error = commitment.error ?? dialogue.error;
  if (!c || !dialogue.data) {
    return (
      <section className="page dialogue-page">
        <h1>{t('dialogues.commitment.title')}</h1>
        {error ? <ErrorAlert error={error} /> : <p role="status">{t('dialogues.loading')}</p>}
      </section>
    );
  }
  const d = dialogue.data;
  const zone = meeting.data?.timeZone ?? null;
  const base = `/dialogues/${encodeURIComponent(id)}`;
  return (
    <section className="page dialogue-page">
      <p className="breadcrumb">
        <Link to="/dialogues">{t('dialogues.title')}</Link> ›{' '}
        <Link to={base}>{pick(d.title, i18n.language)}</Link> ›{' '}
        <Link to={`${base}/meetings/${encodeURIComponent(c.meetingId)}`}>
          {t('dialogues.meeting.numbered', { number: c.meetingNumber })}
        </Link>
      </p>
      <h1>{title}</h1>
      <BothTexts text={c.what} />
      <div className="commitment-state-line">
        <StateBadge state={c.state} overdue={c.overdue} />
      </div>
      {c.state === 'diverging' ? (
        <p className="alert alert-warning" data-testid="diverging-note">
          {t('dialogues.commitment.divergingNote')}
        </p>
      ) : null}
      <dl className="facts">
        <div>
          <dt>{t('dialogues.commitments.ownerSides')}</dt>
          <dd>{formatList(c.ownerSides, i18n.language)}</dd>
        </div>
        <div>
          <dt>{t('dialogues.commitments.owner')}</dt>
          <dd>{c.owner}</dd>
        </div>
        <div>
          <dt>{t('dialogues.commitments.due')}</dt>
          <dd>{formatDay(c.dueDate, i18n.language)}</dd>
        </div>
        <div>
          <dt>{t('dialogues.record.fromParagraph')}</dt>
          <dd>
            <Link
              to={`${base}/meetings/${encodeURIComponent(c.meetingId)}#paragraph-${c.paragraph}`}
            >
              {t('dialogues.commitment.paragraphOf', {
                paragraph: c.paragraph,
                number: c.meetingNumber,
                version: c.version,
              })}
            </Link>
          </dd>
        </div>
        {c.source ? (
          <div>
            <dt>{t('dialogues.commitment.source')}</dt>
            <dd>
              <Link to={`/exercises/${encodeURIComponent(c.source.exerciseId)}/aar`}>
                {t('dialogues.commitment.fromAar')}
              </Link>
            </dd>
          </div>
        ) : null}
      </dl>
      <section className="dialogue-section" aria-labelledby="attestations-title">
        <h2 id="attestations-title">{t('dialogues.attestation.title')}</h2>
        <div className="attestations">
          <AttestationCard
            side={d.parties.find((p) => p !== d.peer) ?? ''}
            attestation={c.ours}
            testId="attestation-ours"
            zone={zone}
          />
          <AttestationCard
            side={d.peer}
            attestation={c.theirs}
            testId="attestation-theirs"
            zone={zone}
          />
        </div>
      </section>
      {rolesAllow(user.roles, 'dialogues.attest') ? (
        <Attest commitment={c} onDone={(view) => commitment.setData(view)} />
      ) : null}
      <section className="dialogue-section" aria-labelledby="evidence-title">
        <h2 id="evidence-title">{t('dialogues.evidence.ofRecord')}</h2>
        <EvidenceList evidence={c.evidence} />
      </section>
      <ClaimEvidence dialogueId={id} commitmentId={commitmentId} />
      {c.measure ? (
        <MeasurePanel measure={c.measure} peer={d.peer} zone={zone ?? 'UTC'} />
      ) : (
        <p className="muted">{t('dialogues.measure.notTied')}</p>
      )}
    </section>
  );
}

function AttestationCard({
  side,
  attestation,
  testId,
  zone,
}: {
  side: string;
  attestation: AttestationView | null;
  testId: string;
  zone: string | null;
}) {
  const { t } = useTranslation();
  const here = useNodeId();
  const sideLabel = useSideLabel();
  const id = useId();
  return (
    <section
      className={`card attestation${side === here ? ' attestation-here' : ''}`}
      data-testid={testId}
      aria-labelledby={`${id}-title`}
    >
      <h3 id={`${id}-title`}>{t('dialogues.attestation.of', { side: sideLabel(side) })}</h3>
      <p data-testid="attestation-status">
        <AttestationBadge status={attestation?.status} />
      </p>
      {attestation ? (
        <>
          {attestation.note ? (
            <p className="attestation-note" data-testid="attestation-note">
              {attestation.note}
            </p>
          ) : null}
          <p className="muted small">
            {t('dialogues.attestation.by', { name: attestation.by })}{' '}
            <When at={attestation.at} zone={zone} />
          </p>
          <EvidenceList evidence={attestation.evidence} />
        </>
      ) : null}
    </section>
  );
}

/** This side's statement: a status, a note, evidence. */
function Attest({
  commitment: c,
  onDone,
}: {
  commitment: CommitmentView;
  onDone: (view: CommitmentView) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [status, setStatus] = useState<AttestationStatus>(c.ours?.status ?? 'not_started');
  const [note, setNote] = useState(c.ours?.note ?? '');
  const [evidence, setEvidence] = useState<Evidence[]>(c.ours?.evidence ?? []);
  const [saved, setSaved] = useState(false);
  // Our own statement changed elsewhere (another officer of ours): start from it.
  const ours = c.ours;
  useEffect(() => {
    if (!ours) return;
    setStatus(ours.status);
    setNote(ours.note);
    setEvidence(ours.evidence);
  }, [ours?.at]); // eslint-disable-line react-hooks/exhaustive-deps
  const save = useSubmit(
    (body: { status: AttestationStatus; note: string; evidence: Evidence[] }) =>
      api.attest(c.dialogueId, c.id, body),
    (view) => {
      setSaved(true);
      onDone(view);
    },
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    void save.submit({ status, note, evidence });
  };
  return (
    <section className="card dialogue-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('dialogues.attestation.set')}</h2>
      <ProblemAlert
        problem={save.problem}
        fields={{
          status: t('dialogues.attestation.status'),
          note: t('dialogues.attestation.note'),
        }}
      />
      <form className="form" noValidate onSubmit={submit} aria-labelledby={`${id}-title`}>
        <Field label={t('dialogues.attestation.status')}>
          <select value={status} onChange={(e) => setStatus(e.target.value as AttestationStatus)}>
            {ATTESTATION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`dialogues.statuses.${s}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('dialogues.attestation.note')}>
          <textarea rows={3} value={note} onChange={(e) => setNote(e.target.value)} />
        </Field>
        <EvidenceEditor evidence={evidence} onChange={setEvidence} />
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={save.busy}>
            {t('dialogues.attestation.save')}
          </button>
          {saved ? (
            <span role="status" className="muted">
              {t('dialogues.attestation.saved')}
            </span>
          ) : null}
        </div>
      </form>
    </section>
  );
}
