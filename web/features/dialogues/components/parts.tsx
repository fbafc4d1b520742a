import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  AttestationStatus,
  Bilingual,
  CommitmentState,
  RecordStatus,
} from '../../../../src/core/schemas/dialogues';
import { useSession, useUserTimeZone } from '../../../app/session';
import { formatDateTime } from '../../../ui/format';

/** The text in the reader's language, else in the other one. */
export function pick(
  text: { en: string; zh: string } | { en: string; 'zh-CN': string },
  language: string,
): string {
  const chinese = 'zh' in text ? text.zh : text['zh-CN'];
  const zh = language.toLowerCase().startsWith('zh');
  return (zh ? chinese || text.en : text.en || chinese) || '';
}

/** This node's id ('' until the node has said who it is). */
export function useNodeId(): string {
  return useSession().node.node?.nodeId ?? '';
}

/** "us-doj (this node)" or the peer's id. */
export function useSideLabel(): (node: string) => string {
  const { t } = useTranslation();
  const here = useNodeId();
  return (node) => (node === here ? t('dialogues.side.here', { node }) : node);
}

export function SideName({ node }: { node: string }) {
  return <>{useSideLabel()(node)}</>;
}

export function StateBadge({ state, overdue }: { state: CommitmentState; overdue?: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      <span className={`badge commitment-state state-${state}`} data-testid="commitment-state">
        {t(`dialogues.states.${state}`)}
      </span>
      {overdue ? (
        <span className="badge commitment-overdue" data-testid="commitment-overdue">
          {t('dialogues.commitments.overdue')}
        </span>
      ) : null}
    </>
  );
}

export function AttestationBadge({ status }: { status: AttestationStatus | null | undefined }) {
  const { t } = useTranslation();
  if (!status) return <span className="muted">{t('dialogues.attestation.none')}</span>;
  return (
    <span className={`badge attestation-status status-${status}`}>
      {t(`dialogues.statuses.${status}`)}
    </span>
  );
}

export function RecordStatusBadge({ status }: { status: RecordStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`badge record-status record-${status}`} data-testid="record-status">
      {t(`dialogues.record.statuses.${status}`)}
    </span>
  );
}

/**
 * An instant in the viewer's zone, and in the meeting's zone when that differs:
 * "2 Dec 2015, 10:00:00 · in Washington's zone (America/New_York): 1 Dec 2015, 21:00:00".
 */
export function When({ at, zone }: { at: string; zone?: string | null | undefined }) {
  const { t, i18n } = useTranslation();
  const viewer = useUserTimeZone();
  const mine = formatDateTime(at, i18n.language, viewer);
  return (
    <time dateTime={at} className="two-zones">
      {mine}
      {zone && zone !== viewer ? (
        <span className="muted small">
          {' '}
          {t('dialogues.inZone', { zone, time: formatDateTime(at, i18n.language, zone) })}
        </span>
      ) : null}
    </time>
  );
}

/** A meeting's days ("1–2 Dec 2015"), or how it reads when they are not fixed ("June 2016"). */
export function meetingDays(
  meeting: { when: string; startDate: string | null; endDate: string | null },
  language: string,
): string {
  const day = (d: string) => new Date(`${d}T12:00:00Z`);
  if (!meeting.startDate) return meeting.when;
  try {
    const format = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' });
    if (!meeting.endDate || meeting.endDate === meeting.startDate) {
      return format.format(day(meeting.startDate));
    }
    return format.formatRange(day(meeting.startDate), day(meeting.endDate));
  } catch {
    return [meeting.startDate, meeting.endDate].filter(Boolean).join(' – ');
  }
}

/** A day ("2016-06-30") as the reader's language writes it. */
export function formatDay(day: string, language: string): string {
  try {
    return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' }).format(
      new Date(`${day}T12:00:00Z`),
    );
  } catch {
    return day;
  }
}

/** Both texts of a bilingual paragraph, side by side, each marked with its language. */
export function BothTexts({ text }: { text: Bilingual }) {
  return (
    <div className="both-texts">
      <p lang="en">{text.en || '—'}</p>
      <p lang="zh-CN">{text.zh || '—'}</p>
    </div>
  );
}

export interface PagedList<T> {
  rows: T[] | null;
  error: unknown;
  next: string | null;
  busy: boolean;
  more: () => void;
  reload: () => void;
}

/**
 * A paged list: the first page, "Show more" for the next ones, and `reload` (after a live
 * event) that loads again as many rows as are shown. `fetch` in useCallback with its query.
 */
export function usePaged<T>(
  fetch: (cursor: string | null) => Promise<{ rows: T[]; next: string | null }>,
): PagedList<T> {
  const [rows, setRows] = useState<T[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const pages = useRef(1);
  const load = useCallback(async () => {
    try {
      let all: T[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < pages.current; page += 1) {
        const answer = await fetch(cursor);
        all = [...all, ...answer.rows];
        cursor = answer.next;
        if (!cursor) break;
      }
      setRows(all);
      setNext(cursor);
      setError(null);
    } catch (failure) {
      setError(failure);
    }
  }, [fetch]);
  useEffect(() => {
    pages.current = 1;
    setRows(null);
    void load();
  }, [load]);
  const more = useCallback(() => {
    if (!next) return;
    setBusy(true);
    fetch(next)
      .then((answer) => {
        pages.current += 1;
        setRows((current) => [...(current ?? []), ...answer.rows]);
        setNext(answer.next);
      })
      .catch((failure: unknown) => setError(failure))
      .finally(() => setBusy(false));
  }, [fetch, next]);
  return { rows, error, next, busy, more, reload: () => void load() };
}

export function MoreButton({ list }: { list: PagedList<unknown> }) {
  const { t } = useTranslation();
  if (!list.next) return null;
  return (
    <button type="button" disabled={list.busy} onClick={list.more}>
      {t('dialogues.more')}
    </button>
  );
}
