import { useCallback, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import type { MeetingView } from '../../../../src/core/schemas/dialogues';
import * as api from '../api';
import { rolesAllow } from '../../../app/types';
import { useLiveEvent } from '../../../app/live-events';
import { useUser } from '../../../app/session';
import { AsyncTable } from '../../../ui/async-table';
import { ErrorAlert } from '../../../ui/errors';
import { useLoader, usePageTitle } from '../../../ui/hooks';
import { useSubmit } from '../../../ui/submit';
import { Commitments } from '../components/commitment-table';
import { MeetingForm, meetingStart } from '../components/meeting-form';
import { MoreButton, RecordStatusBadge, meetingDays, pick, usePaged } from '../components/parts';
import '../i18n';
import '../dialogues.css';

/** One dialogue: its meetings (a new one for managers) and its commitments, filtered. */
export function DialoguePage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const user = useUser();
  const dialogue = useLoader(useCallback(() => api.getDialogue(id), [id]));
  const meetings = usePaged<MeetingView>(
    useCallback(
      async (cursor) => {
        const page = await api.listMeetings(id, cursor);
        return { rows: page.meetings, next: page.next };
      },
      [id],
    ),
  );
  const reload = () => {
    void dialogue.reload();
    meetings.reload();
  };
  useLiveEvent('resync', reload);
  useLiveEvent('dialogue.changed', (data) => {
    if ((data as { dialogueId?: string } | null)?.dialogueId === id) reload();
  });
  const title = dialogue.data ? pick(dialogue.data.title, i18n.language) : t('dialogues.dialogue');
  usePageTitle(title);
  if (!dialogue.data) {
    return (
      <section className="page dialogue-page">
        <h1>{t('dialogues.dialogue')}</h1>
        {dialogue.error ? (
          <ErrorAlert error={dialogue.error} />
        ) : (
          <p role="status">{t('dialogues.loading')}</p>
        )}
      </section>
    );
  }
  const d = dialogue.data;
  const base = `/dialogues/${encodeURIComponent(id)}`;
  const manages = rolesAllow(user.roles, 'dialogues.manage');
  return (
    <section className="page dialogue-page">
      <p className="breadcrumb">
        <Link to="/dialogues">{t('dialogues.title')}</Link>
      </p>
      <h1>{title}</h1>
      <p className="muted" lang={i18n.language.startsWith('zh') ? 'en' : 'zh-CN'}>
        {i18n.language.startsWith('zh') ? d.title.en : d.title.zh}
      </p>
      <dl className="facts">
        <div>
          <dt>{t('dialogues.fields.parties')}</dt>
          <dd>{d.parties.join(' · ')}</dd>
        </div>
        <div>
          <dt>{t('dialogues.fields.meetings')}</dt>
          <dd>{d.meetings}</dd>
        </div>
      </dl>
      <p>
        <Link
          className="button-link"
          to={`/dialogues/report?dialogue=${encodeURIComponent(id)}&peer=${encodeURIComponent(d.peer)}`}
        >
          {t('dialogues.report.open')}
        </Link>
      </p>
      <section className="dialogue-section" aria-labelledby="meetings-title">
        <h2 id="meetings-title">{t('dialogues.meetings.title')}</h2>
        <AsyncTable
          rows={meetings.rows}
          error={meetings.error}
          onRetry={meetings.reload}
          empty={<p>{t('dialogues.meetings.empty')}</p>}
          label={t('dialogues.meetings.title')}
          rowKey={(m) => m.id}
          rowTestId="meeting-row"
          columns={[
            {
              header: t('dialogues.meeting.number'),
              rowHeader: true,
              cell: (m) => (
                <Link to={`${base}/meetings/${encodeURIComponent(m.id)}`}>
                  {t('dialogues.meeting.numbered', { number: m.number })}
                </Link>
              ),
            },
            { header: t('dialogues.meeting.dates'), cell: (m) => meetingDays(m, i18n.language) },
            { header: t('dialogues.meeting.place'), cell: (m) => m.place },
            { header: t('dialogues.meeting.timeZone'), cell: (m) => m.timeZone },
            {
              header: t('dialogues.record.title'),
              cell: (m) => <RecordStatusBadge status={m.record.status} />,
            },
          ]}
        />
        <MoreButton list={meetings} />
      </section>
      {manages ? (
        <NewMeeting
          dialogueId={id}
          parties={d.parties}
          next={Math.max(0, ...(meetings.rows ?? []).map((m) => m.number)) + 1}
        />
      ) : null}
      <Commitments dialogueId={id} title={t('dialogues.commitments.title')} />
    </section>
  );
}

function NewMeeting({
  dialogueId,
  parties,
  next,
}: {
  dialogueId: string;
  parties: string[];
  next: number;
}) {
  const { t } = useTranslation();
  const id = useId();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const save = useSubmit(
    (body: Parameters<typeof api.addMeeting>[1]) => api.addMeeting(dialogueId, body),
    (meeting) =>
      void navigate(
        `/dialogues/${encodeURIComponent(dialogueId)}/meetings/${encodeURIComponent(meeting.id)}`,
      ),
  );
  return (
    <section className="card dialogue-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('dialogues.meetings.add')}</h2>
      {open ? (
        <MeetingForm
          key={next}
          start={meetingStart(null, parties, next)}
          save={save}
          submitLabel={t('dialogues.meetings.addSubmit')}
          onCancel={() => setOpen(false)}
        />
      ) : (
        <button type="button" onClick={() => setOpen(true)}>
          {t('dialogues.meetings.addOpen')}
        </button>
      )}
    </section>
  );
}
