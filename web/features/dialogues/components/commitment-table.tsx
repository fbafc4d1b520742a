import { useCallback, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { CommitmentState, CommitmentView } from '../../../../src/core/schemas/dialogues';
import { COMMITMENT_STATES } from './choices';
import * as api from '../api';
import { useLiveEvent } from '../../../app/live-events';
import { AsyncTable } from '../../../ui/async-table';
import { FilterField } from '../../../ui/choice-field';
import { formatList } from '../../../ui/format';
import { AttestationBadge, MoreButton, StateBadge, formatDay, pick, usePaged } from './parts';

/** A dialogue's commitments (or one meeting's), filtered by state and overdue, live. */
export function Commitments({
  dialogueId,
  meetingId,
  title,
}: {
  dialogueId: string;
  meetingId?: string;
  title: string;
}) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const [state, setState] = useState<CommitmentState | ''>('');
  const [overdue, setOverdue] = useState(false);
  const list = usePaged<CommitmentView>(
    useCallback(
      async (cursor) => {
        const page = await api.listCommitments(
          dialogueId,
          { state, overdue, ...(meetingId ? { meetingId } : {}) },
          cursor,
        );
        return { rows: page.commitments, next: page.next };
      },
      [dialogueId, meetingId, state, overdue],
    ),
  );
  useLiveEvent('resync', list.reload);
  useLiveEvent('dialogue.changed', (data) => {
    if ((data as { dialogueId?: string } | null)?.dialogueId === dialogueId) list.reload();
  });
  const to = (c: CommitmentView) =>
    `/dialogues/${encodeURIComponent(dialogueId)}/commitments/${encodeURIComponent(c.id)}`;
  return (
    <section className="dialogue-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <div className="field-row filters">
        <FilterField
          id={`${id}-state`}
          label={t('dialogues.commitments.filterState')}
          any={t('dialogues.commitments.anyState')}
          value={state}
          options={COMMITMENT_STATES}
          labelOf={(s) => t(`dialogues.states.${s}`)}
          onChange={setState}
        />
        <div className="checkbox">
          <input
            id={`${id}-overdue`}
            type="checkbox"
            checked={overdue}
            onChange={(e) => setOverdue(e.target.checked)}
          />
          <label htmlFor={`${id}-overdue`}>{t('dialogues.commitments.onlyOverdue')}</label>
        </div>
      </div>
      <AsyncTable
        rows={list.rows}
        error={list.error}
        onRetry={list.reload}
        empty={<p>{t('dialogues.commitments.empty')}</p>}
        label={title}
        rowKey={(c) => c.id}
        rowTestId="commitment-row"
        rowClassName={(c) => (c.state === 'diverging' ? 'row-diverging' : undefined)}
        columns={[
          {
            header: t('dialogues.commitments.what'),
            rowHeader: true,
            cell: (c) => <Link to={to(c)}>{pick(c.what, i18n.language)}</Link>,
          },
          {
            header: t('dialogues.commitments.owner'),
            cell: (c) => `${c.owner} (${formatList(c.ownerSides, i18n.language)})`,
          },
          {
            header: t('dialogues.commitments.due'),
            className: 'nowrap',
            cell: (c) => formatDay(c.dueDate, i18n.language),
          },
          {
            header: t('dialogues.commitments.state'),
            cell: (c) => <StateBadge state={c.state} overdue={c.overdue} />,
          },
          {
            header: t('dialogues.commitments.ours'),
            cell: (c) => <AttestationBadge status={c.ours?.status} />,
          },
          {
            header: t('dialogues.commitments.theirs'),
            cell: (c) => <AttestationBadge status={c.theirs?.status} />,
          },
          {
            header: t('dialogues.commitments.meeting'),
            cell: (c) => t('dialogues.meeting.numbered', { number: c.meetingNumber }),
          },
        ]}
      />
      <MoreButton list={list} />
    </section>
  );
}
