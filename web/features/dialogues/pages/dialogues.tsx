import { useCallback, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { DialogueView } from '../../../../src/core/schemas/dialogues';
import * as api from '../api';
import { rolesAllow } from '../../../app/types';
import { useLiveEvent } from '../../../app/live-events';
import { useUser } from '../../../app/session';
import { AsyncTable } from '../../../ui/async-table';
import { ProblemAlert } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { usePageTitle } from '../../../ui/hooks';
import { useSubmit } from '../../../ui/submit';
import { useActivePeers } from '../../peers/components/active-peers';
import { MoreButton, When, pick, usePaged } from '../components/parts';
import '../i18n';
import '../dialogues.css';

/** The dialogues with peers, and a new one for those who manage them. */
export function DialoguesPage() {
  const { t, i18n } = useTranslation();
  const user = useUser();
  usePageTitle(t('dialogues.title'));
  const list = usePaged<DialogueView>(
    useCallback(async (cursor) => {
      const page = await api.listDialogues(cursor);
      return { rows: page.dialogues, next: page.next };
    }, []),
  );
  useLiveEvent('resync', list.reload);
  useLiveEvent('dialogue.changed', list.reload);
  return (
    <section className="page dialogue-page">
      <div className="section-head">
        <h1>{t('dialogues.title')}</h1>
        <Link className="button-link" to="/dialogues/report">
          {t('dialogues.report.open')}
        </Link>
      </div>
      <p className="lead">{t('dialogues.intro')}</p>
      <AsyncTable
        rows={list.rows}
        error={list.error}
        onRetry={list.reload}
        empty={<p>{t('dialogues.list.empty')}</p>}
        label={t('dialogues.list.title')}
        rowKey={(d) => d.id}
        rowTestId="dialogue-row"
        columns={[
          {
            header: t('dialogues.fields.title'),
            rowHeader: true,
            cell: (d) => (
              <Link to={`/dialogues/${encodeURIComponent(d.id)}`}>
                {pick(d.title, i18n.language)}
              </Link>
            ),
          },
          { header: t('dialogues.fields.peer'), className: 'nowrap', cell: (d) => d.peer },
          { header: t('dialogues.fields.meetings'), cell: (d) => d.meetings },
          {
            header: t('dialogues.fields.created'),
            cell: (d) => <When at={d.createdAt} />,
          },
        ]}
      />
      <MoreButton list={list} />
      {rolesAllow(user.roles, 'dialogues.manage') ? <CreateDialogue /> : null}
    </section>
  );
}

function CreateDialogue() {
  const { t } = useTranslation();
  const id = useId();
  const navigate = useNavigate();
  const [peer, setPeer] = useState('');
  const [en, setEn] = useState('');
  const [zh, setZh] = useState('');
  const create = useSubmit(api.createDialogue, (dialogue) => {
    void navigate(`/dialogues/${encodeURIComponent(dialogue.id)}`);
  });
  const peers = useActivePeers(setPeer, (error) => create.fail({ error }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!peer) {
      create.fail({ message: t('dialogues.create.choosePeer'), field: 'peer' });
      return;
    }
    if (!en.trim() && !zh.trim()) {
      create.fail({ message: t('dialogues.create.writeTitle'), field: 'title' });
      return;
    }
    void create.submit({ peer, title: { en, zh } });
  };
  const fields = {
    peer: t('dialogues.fields.peer'),
    'title.en': t('dialogues.fields.titleEn'),
    'title.zh': t('dialogues.fields.titleZh'),
  };
  return (
    <section className="card dialogue-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('dialogues.create.title')}</h2>
      <ProblemAlert problem={create.problem} fields={fields} />
      <form className="form" noValidate onSubmit={submit} aria-labelledby={`${id}-title`}>
        <Field label={t('dialogues.fields.peer')} invalid={create.problem?.field === 'peer'}>
          <select value={peer} onChange={(e) => setPeer(e.target.value)}>
            <option value="">{t('dialogues.create.pickPeer')}</option>
            {(peers ?? []).map((p) => (
              <option key={p.nodeId} value={p.nodeId}>
                {p.name} ({p.nodeId})
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('dialogues.fields.titleEn')} invalid={create.problem?.field === 'title'}>
          <input value={en} onChange={(e) => setEn(e.target.value)} lang="en" />
        </Field>
        <Field label={t('dialogues.fields.titleZh')} invalid={create.problem?.field === 'title'}>
          <input value={zh} onChange={(e) => setZh(e.target.value)} lang="zh-CN" />
        </Field>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={create.busy}>
            {t('dialogues.create.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
