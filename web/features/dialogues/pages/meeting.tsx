import { useCallback, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type {
  DialogueView,
  MeetingView,
  RecordContent,
  RecordContentBody,
  RecordVersionView,
} from '../../../../src/core/schemas/dialogues';
import * as api from '../api';
import { rolesAllow } from '../../../app/types';
import { useLiveEvent } from '../../../app/live-events';
import { useUser } from '../../../app/session';
import { AsyncList } from '../../../ui/async-table';
import { ErrorAlert, ProblemAlert } from '../../../ui/errors';
import { formatList } from '../../../ui/format';
import { useLoader, usePageTitle } from '../../../ui/hooks';
import { useSubmit } from '../../../ui/submit';
import { MeetingForm, meetingStart } from '../components/meeting-form';
import {
  BothTexts,
  MoreButton,
  RecordStatusBadge,
  SideName,
  When,
  formatDay,
  meetingDays,
  pick,
  useNodeId,
  usePaged,
} from '../components/parts';
import { FromImprovementPlan } from '../components/corrective';
import { formatMeasure } from '../components/measure';
import { RecordEditor } from '../components/record-editor';
import '../i18n';
import '../dialogues.css';

/** A meeting: its facts, delegations and agenda; its record, the moves on it, and its history. */
export function MeetingPage() {
  const { t, i18n } = useTranslation();
  const { id = '', meetingId = '' } = useParams();
  const dialogue = useLoader(useCallback(() => api.getDialogue(id), [id]));
  const meeting = useLoader(useCallback(() => api.getMeeting(id, meetingId), [id, meetingId]));
  const versions = usePaged<RecordVersionView>(
    useCallback(
      async (cursor) => {
        const page = await api.listVersions(id, meetingId, cursor);
        return { rows: page.versions, next: page.next };
      },
      [id, meetingId],
    ),
  );
  const reload = () => {
    void meeting.reload();
    versions.reload();
  };
  useLiveEvent('resync', reload);
  useLiveEvent('dialogue.changed', (data) => {
    const event = data as { dialogueId?: string; meetingId?: string | null } | null;
    if (event?.dialogueId === id && (!event.meetingId || event.meetingId === meetingId)) reload();
  });
  const m = meeting.data;
  const title = m
    ? t('dialogues.meeting.heading', { number: m.number, place: m.place })
    : t('dialogues.meeting.title');
  usePageTitle(title);
  const error = meeting.error ?? dialogue.error;
  if (!m || !dialogue.data) {
    return (
      <section className="page dialogue-page">
        <h1>{t('dialogues.meeting.title')}</h1>
        {error ? <ErrorAlert error={error} /> : <p role="status">{t('dialogues.loading')}</p>}
      </section>
    );
  }
  const d = dialogue.data;
  return (
    <section className="page dialogue-page">
      <p className="breadcrumb">
        <Link to="/dialogues">{t('dialogues.title')}</Link> ›{' '}
        <Link to={`/dialogues/${encodeURIComponent(id)}`}>{pick(d.title, i18n.language)}</Link>
      </p>
      <h1>{title}</h1>
      <MeetingFacts meeting={m} dialogue={d} onSaved={reload} />
      <Record meeting={m} dialogue={d} onMoved={reload} />
      <section className="dialogue-section" aria-labelledby="history-title">
        <h2 id="history-title">{t('dialogues.record.history')}</h2>
        <AsyncList
          rows={versions.rows}
          error={versions.error}
          onRetry={versions.reload}
          empty={<p>{t('dialogues.record.noVersions')}</p>}
        >
          {(rows) => (
            <ol className="version-list" aria-labelledby="history-title">
              {rows.map((v) => (
                <VersionItem key={v.version} version={v} zone={m.timeZone} />
              ))}
            </ol>
          )}
        </AsyncList>
        <MoreButton list={versions} />
      </section>
    </section>
  );
}

function MeetingFacts({
  meeting: m,
  dialogue,
  onSaved,
}: {
  meeting: MeetingView;
  dialogue: DialogueView;
  onSaved: () => void;
}) {
  const { t, i18n } = useTranslation();
  const user = useUser();
  const [editing, setEditing] = useState(false);
  const save = useSubmit(
    ({ number: _number, ...patch }: Parameters<typeof api.addMeeting>[1]) =>
      api.changeMeeting(dialogue.id, m.id, patch),
    () => {
      setEditing(false);
      onSaved();
    },
  );
  if (editing) {
    return (
      <section className="card dialogue-section" aria-label={t('dialogues.meeting.edit')}>
        <h2>{t('dialogues.meeting.edit')}</h2>
        <MeetingForm
          start={meetingStart(m, dialogue.parties, m.number)}
          save={save}
          numberFixed
          submitLabel={t('dialogues.meeting.save')}
          onCancel={() => setEditing(false)}
        />
      </section>
    );
  }
  return (
    <>
      <dl className="facts">
        <div>
          <dt>{t('dialogues.meeting.dates')}</dt>
          <dd>{meetingDays(m, i18n.language) || '—'}</dd>
        </div>
        <div>
          <dt>{t('dialogues.meeting.place')}</dt>
          <dd>{m.place}</dd>
        </div>
        <div>
          <dt>{t('dialogues.meeting.timeZone')}</dt>
          <dd>{m.timeZone}</dd>
        </div>
        <div>
          <dt>{t('dialogues.meeting.updated')}</dt>
          <dd>
            <When at={m.updatedAt} zone={m.timeZone} />
          </dd>
        </div>
      </dl>
      {rolesAllow(user.roles, 'dialogues.manage') ? (
        <button type="button" onClick={() => setEditing(true)}>
          {t('dialogues.meeting.edit')}
        </button>
      ) : null}
      <div className="delegations">
        {m.delegations.map((delegation) => (
          <section
            key={delegation.side}
            aria-label={t('dialogues.meeting.delegationOf', { side: delegation.side })}
          >
            <h2>{t('dialogues.meeting.delegationOf', { side: delegation.side })}</h2>
            {delegation.delegates.length === 0 ? (
              <p className="muted">{t('dialogues.meeting.noDelegates')}</p>
            ) : (
              <ul>
                {delegation.delegates.map((x, index) => (
                  <li key={index}>
                    <strong>{x.name}</strong>
                    {x.title ? `, ${x.title}` : ''}{' '}
                    <span className="tag">
                      {t(`dialogues.roles.${x.role as 'member'}`, { defaultValue: x.role })}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        ))}
      </div>
      <section className="dialogue-section" aria-labelledby="agenda-title">
        <h2 id="agenda-title">{t('dialogues.meeting.agenda')}</h2>
        {m.agenda.length === 0 ? (
          <p className="muted">{t('dialogues.meeting.noAgenda')}</p>
        ) : (
          <ol className="agenda-list">
            {m.agenda.map((a) => (
              <li key={a.item} value={a.item}>
                <BothTexts text={a.title} />
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}

/** The record: the version shown (agreed, else the latest), and the moves open to this side. */
function Record({
  meeting: m,
  dialogue,
  onMoved,
}: {
  meeting: MeetingView;
  dialogue: DialogueView;
  onMoved: () => void;
}) {
  const { t } = useTranslation();
  const user = useUser();
  const here = useNodeId();
  const manages = rolesAllow(user.roles, 'dialogues.manage');
  const record = m.record;
  const shown = record.agreed ?? record.latest;
  const open = record.status === 'proposed' && record.latest?.status === 'open';
  const ourMove = open && record.awaiting === here;
  const [amending, setAmending] = useState(false);
  const move = useSubmit(
    async (
      action: 'draft' | 'propose' | 'amend' | 'accept' | 'decline',
      content?: RecordContentBody,
    ) => {
      const version = record.latest?.version ?? 0;
      switch (action) {
        case 'draft':
          return api.saveDraft(dialogue.id, m.id, content ?? { outcomes: [], commitments: [] });
        case 'propose':
          return api.proposeRecord(dialogue.id, m.id, content);
        case 'amend':
          return api.amendRecord(
            dialogue.id,
            m.id,
            version,
            content ?? { outcomes: [], commitments: [] },
          );
        default:
          return api.answerRecord(dialogue.id, m.id, version, action);
      }
    },
    () => {
      setAmending(false);
      onMoved();
    },
  );
  const canWrite = manages && (record.status === 'draft' || record.status === 'declined');
  return (
    <section className="dialogue-section record" aria-labelledby="record-title">
      <div className="section-head">
        <h2 id="record-title">{t('dialogues.record.title')}</h2>
        <RecordStatusBadge status={record.status} />
      </div>
      {open ? (
        <p className="notice" data-testid="record-awaiting">
          {ourMove
            ? t('dialogues.record.yourMove', { version: record.latest?.version })
            : t('dialogues.record.theirMove', { peer: record.awaiting ?? dialogue.peer })}
        </p>
      ) : null}
      {record.status === 'agreed' && record.agreed ? (
        <p className="notice notice-success">
          {t('dialogues.record.agreedVersion', { version: record.agreed.version })}
        </p>
      ) : null}
      <ProblemAlert problem={move.problem} />
      {ourMove && manages ? (
        <div className="form-actions">
          <button
            type="button"
            className="button-primary"
            disabled={move.busy}
            onClick={() => void move.submit('accept')}
          >
            {t('dialogues.record.accept', { version: record.latest?.version })}
          </button>
          <button type="button" disabled={move.busy} onClick={() => setAmending((a) => !a)}>
            {t('dialogues.record.amend')}
          </button>
          <button type="button" disabled={move.busy} onClick={() => void move.submit('decline')}>
            {t('dialogues.record.decline')}
          </button>
        </div>
      ) : null}
      {ourMove && amending ? (
        <RecordEditor
          label={t('dialogues.record.amendForm')}
          parties={dialogue.parties}
          peer={dialogue.peer}
          start={record.latest?.content ?? null}
          busy={move.busy}
          problem={null}
          actions={[
            {
              label: t('dialogues.record.sendAmendment'),
              primary: true,
              run: (content) => void move.submit('amend', content),
            },
          ]}
        />
      ) : null}
      {shown && !amending ? (
        <RecordContentView
          content={shown.content}
          dialogueId={dialogue.id}
          peer={dialogue.peer}
          linked={record.status === 'agreed'}
        />
      ) : null}
      {!shown && !canWrite ? <p className="muted">{t('dialogues.record.none')}</p> : null}
      {canWrite ? (
        <section className="card" aria-labelledby="draft-title">
          <h3 id="draft-title">{t('dialogues.record.draft')}</h3>
          <p className="muted">{t('dialogues.record.draftIntro', { peer: dialogue.peer })}</p>
          <RecordEditor
            key={`${record.latest?.version ?? 0}:${record.draft?.commitments.length ?? 0}`}
            label={t('dialogues.record.draft')}
            parties={dialogue.parties}
            peer={dialogue.peer}
            start={record.draft ?? record.latest?.content ?? null}
            busy={move.busy}
            problem={null}
            actions={[
              {
                label: t('dialogues.record.saveDraft'),
                run: (content) => void move.submit('draft', content),
              },
              {
                label: t('dialogues.record.propose', { peer: dialogue.peer }),
                primary: true,
                run: (content) => void move.submit('propose', content),
              },
            ]}
          />
          <FromImprovementPlan
            dialogueId={dialogue.id}
            meetingId={m.id}
            peer={dialogue.peer}
            draft={record.draft}
            onAdded={onMoved}
          />
        </section>
      ) : null}
    </section>
  );
}

/** Outcome paragraphs (both languages) and the commitments they create. */
function RecordContentView({
  content,
  dialogueId,
  peer,
  linked,
}: {
  content: RecordContent;
  dialogueId: string;
  peer: string;
  linked: boolean;
}) {
  const { t, i18n } = useTranslation();
  // The measures' names in the reader's language (the key when they cannot be loaded).
  const measures = useLoader(useCallback(() => api.listMeasures(peer), [peer]));
  const measureRule = (measure: NonNullable<RecordContent['commitments'][number]['measure']>) => {
    const found = measures.data?.measures.find((m) => m.key === measure.key);
    return t('dialogues.measure.rule', {
      key: found ? pick(found.title, i18n.language) : measure.key,
      comparator: t(`dialogues.measure.comparators.${measure.comparator}`),
      threshold: formatMeasure(measure.threshold, found?.unit, i18n.language, t),
    });
  };
  return (
    <>
      <h3>{t('dialogues.record.outcomes')}</h3>
      {content.outcomes.length === 0 ? (
        <p className="muted">{t('dialogues.record.noOutcomes')}</p>
      ) : null}
      <ol className="outcomes">
        {content.outcomes.map((o) => (
          <li
            key={o.paragraph}
            id={`paragraph-${o.paragraph}`}
            data-testid="outcome"
            value={o.paragraph}
          >
            <span className={`badge outcome-kind kind-${o.kind}`}>
              {t(`dialogues.kinds.${o.kind}`)}
            </span>
            <BothTexts text={o.text} />
          </li>
        ))}
      </ol>
      <h3>{t('dialogues.record.commitments')}</h3>
      {content.commitments.length === 0 ? (
        <p className="muted">{t('dialogues.record.noCommitments')}</p>
      ) : (
        <div
          className="table-wrap"
          role="region"
          aria-label={t('dialogues.record.commitments')}
          tabIndex={0}
        >
          <table className="async-table">
            <thead>
              <tr>
                <th scope="col">{t('dialogues.commitments.what')}</th>
                <th scope="col">{t('dialogues.commitments.ownerSides')}</th>
                <th scope="col">{t('dialogues.commitments.owner')}</th>
                <th scope="col">{t('dialogues.commitments.due')}</th>
                <th scope="col">{t('dialogues.record.fromParagraph')}</th>
                <th scope="col">{t('dialogues.measure.title')}</th>
              </tr>
            </thead>
            <tbody>
              {content.commitments.map((c) => (
                <tr key={c.id} data-testid="record-commitment">
                  <th scope="row" data-label={t('dialogues.commitments.what')}>
                    {linked ? (
                      <Link
                        to={`/dialogues/${encodeURIComponent(dialogueId)}/commitments/${encodeURIComponent(c.id)}`}
                      >
                        {pick(c.what, i18n.language)}
                      </Link>
                    ) : (
                      pick(c.what, i18n.language)
                    )}
                    <OtherLanguage text={c.what} />
                  </th>
                  <td data-label={t('dialogues.commitments.ownerSides')}>
                    {formatList(c.ownerSides, i18n.language)}
                  </td>
                  <td data-label={t('dialogues.commitments.owner')}>{c.owner}</td>
                  <td data-label={t('dialogues.commitments.due')} className="nowrap">
                    {formatDay(c.dueDate, i18n.language)}
                  </td>
                  <td data-label={t('dialogues.record.fromParagraph')}>
                    <a href={`#paragraph-${c.paragraph}`}>
                      {t('dialogues.record.paragraphN', { paragraph: c.paragraph })}
                    </a>
                  </td>
                  <td data-label={t('dialogues.measure.title')}>
                    {c.measure ? measureRule(c.measure) : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function VersionItem({ version: v, zone }: { version: RecordVersionView; zone: string }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <li className="version" data-testid="version" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>
        {t('dialogues.record.versionTitle', {
          version: v.version,
          kind: t(`dialogues.record.kinds.${v.kind}`),
        })}{' '}
        <span className={`badge version-${v.status}`}>
          {t(`dialogues.record.versionStatuses.${v.status}`)}
        </span>
      </h3>
      <p>
        {t('dialogues.record.by', { name: v.proposedByName, node: v.proposedBy })}{' '}
        <When at={v.proposedAt} zone={zone} />
      </p>
      {v.answeredAt ? (
        <p>
          {t('dialogues.record.answeredBy', {
            name: v.answeredByName ?? '',
            node: v.answeredBy ?? '',
          })}{' '}
          <When at={v.answeredAt} zone={zone} />
        </p>
      ) : null}
      <p className="hash">
        {t('dialogues.record.hash')} <code data-testid="version-hash">{v.hash}</code>
      </p>
      {v.signatures.length > 0 ? (
        <ul className="signatures" aria-label={t('dialogues.record.signatures')}>
          {v.signatures.map((s) => (
            <li key={s.node} data-testid="signature">
              <SideName node={s.node} />{' '}
              {s.verified ? (
                <span className="badge signature-verified">{t('dialogues.record.verified')}</span>
              ) : (
                <span className="badge signature-unverified">
                  {t('dialogues.record.unverified')}
                </span>
              )}{' '}
              <span className="muted small">{t('dialogues.record.key', { kid: s.kid })}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}

/** Beneath a text in the reader's language, the same in the other language (the record is bilingual). */
function OtherLanguage({ text }: { text: { en: string; zh: string } }) {
  const { i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  const other = zh ? text.en : text.zh;
  const shown = pick(text, i18n.language);
  if (!other || other === shown) return null;
  return (
    <span className="other-language muted small" lang={zh ? 'en' : 'zh-CN'}>
      {other}
    </span>
  );
}
