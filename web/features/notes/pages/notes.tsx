import { useCallback, useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import * as api from '../api';
import * as peersApi from '../../peers/api';
import { rolesAllow, type NoteView, type PeerView } from '../../../app/types';
import { AsyncList } from '../../../ui/async-table';
import { ErrorAlert, problemFields, ProblemAlert } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { formatDateTime } from '../../../ui/format';
import { useLoader, usePageTitle } from '../../../ui/hooks';
import { useSubmit } from '../../../ui/submit';
import { useLiveEvent } from '../../../app/live-events';
import { useUser, useUserTimeZone } from '../../../app/session';
import '../i18n';
import { ExerciseBadge } from '../../exercises/components/exercise-badge';

export const MAX_NOTE_LENGTH = 2000;
const NOTES_SHOWN = 100;
/** The most notes the list reads to find a note a link names (the server's largest page). */
const NOTES_SEARCHED = 500;

function isNoteEvent(data: unknown): data is { note: NoteView } {
  if (typeof data !== 'object' || data === null) return false;
  const note = (data as Record<string, unknown>)['note'];
  return typeof note === 'object' && note !== null && typeof (note as NoteView).id === 'string';
}

/** Newest first, by when the note was recorded here; one entry per id. */
function addNote(notes: NoteView[], note: NoteView): NoteView[] {
  if (notes.some((n) => n.id === note.id)) return notes.map((n) => (n.id === note.id ? note : n));
  return [note, ...notes].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Notes by the note they answer: answers sit under it, oldest first, as a thread reads. */
function threads(list: readonly NoteView[]): {
  roots: NoteView[];
  replies: Map<string, NoteView[]>;
} {
  const ids = new Set(list.map((note) => note.id));
  const replies = new Map<string, NoteView[]>();
  const roots: NoteView[] = [];
  for (const note of list) {
    if (note.replyTo && ids.has(note.replyTo)) {
      replies.set(note.replyTo, [note, ...(replies.get(note.replyTo) ?? [])]);
    } else roots.push(note);
  }
  return { roots, replies };
}

function peerLabel(nodeId: string, peers: ReadonlyMap<string, PeerView>): string {
  const peer = peers.get(nodeId);
  return peer ? `${peer.name} (${nodeId})` : nodeId;
}

function SendNoteForm({
  peers,
  canManagePeers,
  onSent,
  replyTo,
  onCancelReply,
}: {
  peers: PeerView[];
  canManagePeers: boolean;
  onSent: (note: NoteView) => void;
  /** The note this one answers (its peer is the one written to). */
  replyTo: NoteView | null;
  onCancelReply: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const active = peers.filter((peer) => peer.status === 'active');
  const [peer, setPeer] = useState('');
  const [text, setText] = useState('');
  const [sentTo, setSentTo] = useState('');
  const [ackRequested, setAckRequested] = useState(false);
  const peerSelect = useRef<HTMLSelectElement>(null);
  const textArea = useRef<HTMLTextAreaElement>(null);
  const send = useSubmit(api.sendNote, (note, to) => {
    setText('');
    setSentTo(to);
    setAckRequested(false);
    onSent(note);
    textArea.current?.focus();
  });
  const invalid = problemFields(send.problem);

  // With a single peer there is nothing to choose.
  const onlyPeer = active.length === 1 ? active[0]?.nodeId : undefined;
  const picked = active.some((p) => p.nodeId === peer) ? peer : (onlyPeer ?? '');
  const chosen = replyTo ? replyTo.peer : picked;

  if (active.length === 0) {
    return (
      <div className="empty">
        <p>{t('notes.noActivePeer')}</p>
        <p className="muted">
          {canManagePeers ? <Link to="/peers">{t('notes.addPeerLink')}</Link> : t('notes.askAdmin')}
        </p>
      </div>
    );
  }

  const fail = (field: 'peer' | 'text', message: string) => {
    send.fail({ message, field });
    (field === 'peer' ? peerSelect : textArea).current?.focus();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSentTo('');
    if (chosen === '') return fail('peer', t('notes.peerRequired'));
    const trimmed = text.trim();
    if (trimmed === '') return fail('text', t('notes.textRequired'));
    if (trimmed.length > MAX_NOTE_LENGTH) {
      return fail('text', t('notes.textTooLong', { max: MAX_NOTE_LENGTH }));
    }
    void send.submit(chosen, trimmed, {
      ...(replyTo ? { replyTo: replyTo.id } : {}),
      ...(ackRequested ? { ackRequested: true } : {}),
    });
  };

  const over = text.length > MAX_NOTE_LENGTH;
  return (
    <form className="form" noValidate onSubmit={submit}>
      <ProblemAlert
        problem={send.problem}
        fields={{ peer: t('notes.to'), text: t('notes.text') }}
      />
      {replyTo ? (
        <p className="notice" data-testid="replying-to">
          {t('notes.replyingTo', { text: replyTo.text.split('\n')[0]?.slice(0, 80) ?? '' })}{' '}
          <button type="button" className="button-link" onClick={onCancelReply}>
            {t('notes.cancelReply')}
          </button>
        </p>
      ) : null}
      <Field label={t('notes.to')} invalid={invalid.has('peer')}>
        <select
          ref={peerSelect}
          value={chosen}
          disabled={replyTo !== null}
          onChange={(event) => setPeer(event.target.value)}
        >
          {onlyPeer ? null : <option value="">{t('notes.choosePeer')}</option>}
          {active.map((p) => (
            <option key={p.nodeId} value={p.nodeId}>
              {p.name} ({p.nodeId})
            </option>
          ))}
        </select>
      </Field>
      <Field
        id={`${id}-text`}
        label={t('notes.text')}
        hint={t('notes.textHint')}
        invalid={invalid.has('text') || over}
        after={
          <p id={`${id}-count`} className={over ? 'counter counter-over' : 'counter'}>
            {t('notes.counter', { length: text.length, max: MAX_NOTE_LENGTH })}
          </p>
        }
      >
        <textarea
          ref={textArea}
          rows={4}
          aria-describedby={`${id}-count`}
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
      </Field>
      <label className="check">
        <input
          type="checkbox"
          checked={ackRequested}
          onChange={(event) => setAckRequested(event.target.checked)}
        />{' '}
        {t('notes.askAck')}
      </label>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={send.busy}>
          {send.busy ? t('notes.sending') : replyTo ? t('notes.sendReply') : t('notes.send')}
        </button>
        <p role="status" className="small">
          {sentTo ? t('notes.sent', { peer: sentTo }) : ''}
        </p>
      </div>
    </form>
  );
}

function NoteItem({
  note,
  peers,
  target = false,
  replies = [],
  canSend,
  onReply,
  onChanged,
  targetId,
}: {
  note: NoteView;
  peers: ReadonlyMap<string, PeerView>;
  /** The note a link named (`?note=`): scrolled to and marked. */
  target?: boolean;
  /** The notes that answer this one (and their answers, by `thread`). */
  replies?: NoteView[];
  canSend: boolean;
  onReply: (note: NoteView) => void;
  onChanged: (note: NoteView) => void;
  targetId: string | null;
}) {
  const { t, i18n } = useTranslation();
  const zone = useUserTimeZone();
  const headingId = useId();
  const outgoing = note.direction === 'out';
  const peer = peerLabel(note.peer, peers);
  const article = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!target) return;
    article.current?.scrollIntoView({ block: 'center' });
    article.current?.focus({ preventScroll: true });
  }, [target]);
  return (
    <li>
      <article
        ref={article}
        className={`note note-${note.direction}${target ? ' note-target' : ''}`}
        aria-labelledby={headingId}
        aria-current={target ? 'true' : undefined}
        tabIndex={target ? -1 : undefined}
        data-note-id={note.id}
      >
        <header className="note-head">
          <span className={outgoing ? 'badge badge-out' : 'badge badge-in'}>
            {outgoing ? t('notes.sentBadge') : t('notes.receivedBadge')}
          </span>
          <h3 id={headingId} className="note-peer">
            {outgoing ? t('notes.toPeer', { peer }) : t('notes.fromPeer', { peer })}
          </h3>
          <ExerciseBadge exerciseId={note.exerciseId} />
        </header>
        <p className="note-text">{note.text}</p>
        <p className="note-meta small muted">
          {t('notes.by', { author: note.author })}
          {' · '}
          {t('notes.sentAt')}{' '}
          <time dateTime={note.sentAt}>{formatDateTime(note.sentAt, i18n.language, zone)}</time>
          {outgoing ? null : (
            <>
              {' · '}
              {t('notes.receivedAt')}{' '}
              <time dateTime={note.createdAt}>
                {formatDateTime(note.createdAt, i18n.language, zone)}
              </time>
            </>
          )}
          {note.seq === null ? null : (
            <>
              {' · '}
              {t('notes.seq', { seq: note.seq })}
            </>
          )}
        </p>
        <NoteStatus note={note} canSend={canSend} onChanged={onChanged} />
        {canSend ? (
          <button type="button" className="button-link" onClick={() => onReply(note)}>
            {t('notes.reply')}
          </button>
        ) : null}
      </article>
      {replies.length > 0 ? (
        <ol className="notes note-replies" aria-label={t('notes.repliesTo', { peer })}>
          {replies.map((reply) => (
            <NoteItem
              key={reply.id}
              note={reply}
              peers={peers}
              target={reply.id === targetId}
              canSend={canSend}
              onReply={onReply}
              onChanged={onChanged}
              targetId={targetId}
            />
          ))}
        </ol>
      ) : null}
    </li>
  );
}

/** Delivered or not (ours), and the acknowledgement asked for, given, or to give (theirs). */
function NoteStatus({
  note,
  canSend,
  onChanged,
}: {
  note: NoteView;
  canSend: boolean;
  onChanged: (note: NoteView) => void;
}) {
  const { t, i18n } = useTranslation();
  const zone = useUserTimeZone();
  const acknowledge = useSubmit(api.acknowledgeNote, onChanged);
  const outgoing = note.direction === 'out';
  return (
    <p className="note-status small">
      {outgoing ? (
        <span className={note.delivered ? 'badge badge-ok' : 'badge'}>
          {note.delivered ? t('notes.delivered') : t('notes.notDelivered')}
        </span>
      ) : null}
      {note.ackRequested && note.acknowledgedAt ? (
        <span className="badge badge-ok">
          {t('notes.acknowledgedBy', {
            by: note.acknowledgedBy ?? '',
            at: formatDateTime(note.acknowledgedAt, i18n.language, zone),
          })}
        </span>
      ) : note.ackRequested && outgoing ? (
        <span className="badge">{t('notes.ackAwaited')}</span>
      ) : note.ackRequested ? (
        <>
          <span className="badge badge-warn">{t('notes.ackAsked')}</span>{' '}
          {canSend ? (
            <button
              type="button"
              disabled={acknowledge.busy}
              onClick={() => void acknowledge.submit(note.id)}
            >
              {t('notes.acknowledge')}
            </button>
          ) : null}
        </>
      ) : null}
      {acknowledge.problem ? <ProblemAlert problem={acknowledge.problem} /> : null}
    </p>
  );
}

export function NotesPage() {
  const { t } = useTranslation();
  const user = useUser();
  const canSend = rolesAllow(user.roles, 'notes.send');
  const canManagePeers = rolesAllow(user.roles, 'peers.manage');
  usePageTitle(t('notes.title'));
  const filterId = useId();
  const {
    data: peers,
    error: peersError,
    reload: loadPeers,
  } = useLoader<PeerView[]>(useCallback(() => peersApi.listPeers(), []));
  const [notes, setNotes] = useState<NoteView[] | null>(null);
  const [notesError, setNotesError] = useState<unknown>(null);
  const [filter, setFilter] = useState('');
  const [replyTo, setReplyTo] = useState<NoteView | null>(null);
  const writeHeading = useRef<HTMLHeadingElement>(null);
  const [params] = useSearchParams();
  const target = params.get('note');
  // A linked note older than the newest 100: the list reads up to 500 to find it.
  const [limit, setLimit] = useState(NOTES_SHOWN);

  // Notes announced while a list is being read: the answer may be older than they are.
  const arrivedWhileLoading = useRef<NoteView[] | null>(null);
  const loadNotes = useCallback(async () => {
    const arrived: NoteView[] = [];
    arrivedWhileLoading.current = arrived;
    try {
      const list = await api.listNotes({ limit, ...(filter ? { peer: filter } : {}) });
      const matching = arrived.filter((n) => !filter || n.peer === filter);
      setNotes(matching.reduce(addNote, list));
      setNotesError(null);
    } catch (error) {
      setNotesError(error);
    } finally {
      if (arrivedWhileLoading.current === arrived) arrivedWhileLoading.current = null;
    }
  }, [filter, limit]);

  useEffect(() => {
    void loadNotes();
  }, [loadNotes]);

  useLiveEvent('resync', () => {
    void loadPeers();
    void loadNotes();
  });
  useLiveEvent('federation.peers', () => void loadPeers());
  useLiveEvent(['note.created', 'note.changed'], (data) => {
    if (!isNoteEvent(data)) return;
    arrivedWhileLoading.current?.push(data.note);
    if (filter && data.note.peer !== filter) return;
    setNotes((current) => (current ? addNote(current, data.note) : current));
  });
  // Our notes turn "delivered" when the peer's stream confirms them.
  useLiveEvent('federation.ledger', () => void loadNotes());
  const changed = useCallback(
    (note: NoteView) => setNotes((current) => (current ? addNote(current, note) : current)),
    [],
  );
  const reply = useCallback((note: NoteView) => {
    setReplyTo(note);
    writeHeading.current?.scrollIntoView({ block: 'start' });
  }, []);

  const threadsOf = useMemo(() => (notes ? threads(notes) : null), [notes]);
  const threaded = (list: readonly NoteView[]) => threadsOf ?? threads(list);
  const byId = useMemo(
    () => new Map((peers ?? []).map((peer) => [peer.nodeId, peer] as const)),
    [peers],
  );
  const targetShown = target !== null && (notes ?? []).some((n) => n.id === target);
  const targetMissing = target !== null && notes !== null && !targetShown;
  useEffect(() => {
    if (targetMissing && limit < NOTES_SEARCHED && !filter) setLimit(NOTES_SEARCHED);
  }, [targetMissing, limit, filter]);

  return (
    <section className="page">
      <div className="section-head">
        <h1>{t('notes.title')}</h1>
        <button type="button" onClick={() => void loadNotes()}>
          {t('common.refresh')}
        </button>
      </div>
      <p className="lead">{t('notes.intro')}</p>
      {canManagePeers ? null : (
        <p className="small">
          <Link to="/peers">{t('notes.peersLink')}</Link>
        </p>
      )}

      <section className="card compose" aria-labelledby="notes-write">
        <h2 id="notes-write" ref={writeHeading}>
          {t('notes.writeTitle')}
        </h2>
        {!canSend ? (
          <p className="muted">{t('notes.readOnly')}</p>
        ) : peersError ? (
          <>
            <ErrorAlert error={peersError} />
            <button type="button" onClick={() => void loadPeers()}>
              {t('app.retry')}
            </button>
          </>
        ) : peers === null ? (
          <p role="status">{t('common.loading')}</p>
        ) : (
          <SendNoteForm
            peers={peers}
            canManagePeers={canManagePeers}
            replyTo={replyTo}
            onCancelReply={() => setReplyTo(null)}
            onSent={(note) => {
              setReplyTo(null);
              if (!filter || note.peer === filter) {
                setNotes((current) => addNote(current ?? [], note));
              }
            }}
          />
        )}
      </section>

      <section className="notes-section" aria-labelledby="notes-list">
        <div className="section-head">
          <h2 id="notes-list">{t('notes.listTitle')}</h2>
          {peers && peers.length > 0 ? (
            <div className="inline-field">
              <label htmlFor={filterId}>{t('notes.filter')}</label>
              <select
                id={filterId}
                value={filter}
                onChange={(event) => setFilter(event.target.value)}
              >
                <option value="">{t('notes.allPeers')}</option>
                {peers.map((peer) => (
                  <option key={peer.nodeId} value={peer.nodeId}>
                    {peer.name} ({peer.nodeId})
                  </option>
                ))}
              </select>
            </div>
          ) : null}
        </div>
        {targetMissing && (limit >= NOTES_SEARCHED || filter) ? (
          <p className="notice" role="note" data-testid="note-missing">
            {filter
              ? t('notes.targetFiltered')
              : t('notes.targetMissing', { limit: NOTES_SEARCHED })}
          </p>
        ) : null}
        <AsyncList
          rows={notes}
          error={notesError}
          empty={
            filter ? (
              <p>{t('notes.emptyFiltered', { peer: peerLabel(filter, byId) })}</p>
            ) : (
              <>
                <p>{t('notes.empty')}</p>
                {peers && peers.length === 0 ? (
                  <p className="muted">{t('notes.emptyNoPeers')}</p>
                ) : null}
              </>
            )
          }
        >
          {(list) => (
            <>
              <ol className="notes" aria-labelledby="notes-list">
                {threaded(list).roots.map((note) => (
                  <NoteItem
                    key={note.id}
                    note={note}
                    peers={byId}
                    target={note.id === target}
                    replies={threaded(list).replies.get(note.id) ?? []}
                    canSend={canSend}
                    onReply={reply}
                    onChanged={changed}
                    targetId={target}
                  />
                ))}
              </ol>
              {list.length >= limit ? (
                <p className="muted small">{t('notes.limited', { limit })}</p>
              ) : null}
            </>
          )}
        </AsyncList>
      </section>
    </section>
  );
}
