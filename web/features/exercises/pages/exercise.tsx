import { useCallback, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type {
  ClockMoveBody,
  ExerciseFeedItem,
  ExerciseView,
} from '../../../../src/core/schemas/exercises';
import * as api from '../api';
import { rolesAllow } from '../../../app/types';
import { useLiveEvent } from '../../../app/live-events';
import { useUser, useUserTimeZone } from '../../../app/session';
import { AsyncList } from '../../../ui/async-table';
import { Confirm } from '../../../ui/confirm';
import { ErrorAlert, ProblemAlert } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { formatDateTime } from '../../../ui/format';
import { useLoader, usePageTitle } from '../../../ui/hooks';
import { useSubmit } from '../../../ui/submit';
import { ExerciseBadge } from '../components/exercise-badge';
import {
  ClockStateBadge,
  StatusBadge,
  isAbout,
  parseScenarioTime,
  pick,
  scenarioTime,
  useScenarioMinutes,
} from '../components/exercise-parts';
import { Msel, Observations } from '../components/console';
import { ExerciseHead } from '../components/exercise-head';
import { AddInject, InjectActions } from '../components/inject-console';
import { Participants } from '../components/participants';
import '../i18n';
import '../exercises.css';

const SPEEDS = [1, 2, 5, 10, 15, 30, 60] as const;

/**
 * One exercise: its clock, ticking live; for its controllers the console (clock moves when
 * this node drives it, the MSEL, this side's expected actions); for everyone what reached
 * this node's players, marked EXERCISE.
 */
export function ExercisePage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const user = useUser();
  const manages = rolesAllow(user.roles, 'exercises.manage');
  const {
    data: exercise,
    setData: setExercise,
    error,
    reload,
  } = useLoader<ExerciseView>(useCallback(() => api.getExercise(id), [id]));
  useLiveEvent('resync', () => void reload());
  useLiveEvent('exercise.changed', (data) => {
    if (isAbout(data, id)) void reload();
  });
  const title = exercise ? pick(exercise.title, i18n.language) : t('exercises.exercise');
  usePageTitle(title);

  return (
    <section className="page exercise-page">
      <ExerciseHead exercise={exercise} title={title} current="run" />
      {error ? <ErrorAlert error={error} /> : null}
      {exercise === null ? (
        error ? null : (
          <p role="status">{t('common.loading')}</p>
        )
      ) : (
        <>
          <div className="exercise-banner" role="note">
            <p>{t('exercises.banner')}</p>
          </div>
          <ExerciseFacts exercise={exercise} />
          {manages && exercise.status === 'proposed' && !exercise.proposedHere ? (
            <Answer exercise={exercise} onAnswered={setExercise} />
          ) : null}
          <ClockCard exercise={exercise} manages={manages} onMoved={setExercise} />
          {manages && exercise.status === 'accepted' ? (
            <>
              <Msel
                exercise={exercise}
                actions={(inject, reload) => (
                  <InjectActions exercise={exercise} inject={inject} onDone={reload} />
                )}
              />
              {exercise.clock.state !== 'ended' ? (
                <AddInject exercise={exercise} onAdded={() => undefined} />
              ) : null}
              <Observations exercise={exercise} />
              <Participants exerciseId={exercise.id} />
            </>
          ) : null}
          {exercise.status === 'accepted' ? <Feed exerciseId={exercise.id} /> : null}
        </>
      )}
    </section>
  );
}

function ExerciseFacts({ exercise }: { exercise: ExerciseView }) {
  const { t, i18n } = useTranslation();
  const zone = useUserTimeZone();
  return (
    <dl className="facts">
      <div>
        <dt>{t('exercises.fields.peer')}</dt>
        <dd>{exercise.peer}</dd>
      </div>
      <div>
        <dt>{t('exercises.fields.side')}</dt>
        <dd>{t('exercises.sideName', { side: exercise.side })}</dd>
      </div>
      <div>
        <dt>{t('exercises.fields.status')}</dt>
        <dd>
          <StatusBadge exercise={exercise} />
        </dd>
      </div>
      <div>
        <dt>{t('exercises.fields.scenario')}</dt>
        <dd>
          <Link to={`/exercises/scenarios/${encodeURIComponent(exercise.scenarioId)}`}>
            {exercise.scenarioId}
          </Link>{' '}
          <span className="muted small">
            {t('exercises.version', { version: exercise.scenarioVersion })}
          </span>
        </dd>
      </div>
      <div>
        <dt>{t('exercises.fields.proposedBy')}</dt>
        <dd>
          {exercise.proposedHere
            ? t('exercises.proposedHereBy', { name: exercise.proposedBy })
            : t('exercises.proposedByPeer', { name: exercise.proposedBy, peer: exercise.peer })}
        </dd>
      </div>
      <div>
        <dt>{t('exercises.fields.created')}</dt>
        <dd>
          <time dateTime={exercise.createdAt}>
            {formatDateTime(exercise.createdAt, i18n.language, zone)}
          </time>
        </dd>
      </div>
    </dl>
  );
}

/** A peer's proposal: this node's controller accepts or declines it. */
function Answer({
  exercise,
  onAnswered,
}: {
  exercise: ExerciseView;
  onAnswered: (exercise: ExerciseView) => void;
}) {
  const { t } = useTranslation();
  const answer = useSubmit(api.answerExercise, onAnswered);
  return (
    <section className="card exercise-section" aria-labelledby="answer-title">
      <h2 id="answer-title">{t('exercises.answer.title')}</h2>
      <p>
        {t('exercises.answer.question', {
          peer: exercise.peer,
          side: exercise.side,
        })}
      </p>
      <ProblemAlert problem={answer.problem} />
      <div className="form-actions">
        <button
          type="button"
          className="button-primary"
          disabled={answer.busy}
          onClick={() => void answer.submit(exercise.id, true)}
        >
          {t('exercises.answer.accept')}
        </button>
        <button
          type="button"
          disabled={answer.busy}
          onClick={() => void answer.submit(exercise.id, false)}
        >
          {t('exercises.answer.decline')}
        </button>
      </div>
    </section>
  );
}

/** The exercise clock, ticking; its moves for the controllers of the node that drives it. */
function ClockCard({
  exercise,
  manages,
  onMoved,
}: {
  exercise: ExerciseView;
  manages: boolean;
  onMoved: (exercise: ExerciseView) => void;
}) {
  const { t } = useTranslation();
  const minutes = useScenarioMinutes(exercise);
  const drives = manages && exercise.proposedHere && exercise.status === 'accepted';
  return (
    <section className="card exercise-section" aria-labelledby="clock-title">
      <h2 id="clock-title">{t('exercises.clock.title')}</h2>
      <div className="exercise-clock">
        <span className="exercise-clock-time" data-testid="clock-time" role="timer">
          {scenarioTime(minutes, true)}
        </span>
        <ClockStateBadge exercise={exercise} />
      </div>
      {exercise.status !== 'accepted' ? (
        <p className="muted">{t(`exercises.clock.notYet.${exercise.status}`)}</p>
      ) : manages && !exercise.proposedHere ? (
        <p className="muted">{t('exercises.clock.peerDrives', { peer: exercise.peer })}</p>
      ) : null}
      {drives && exercise.clock.state !== 'ended' ? (
        <ClockControls exercise={exercise} minutes={minutes} onMoved={onMoved} />
      ) : null}
    </section>
  );
}

function ClockControls({
  exercise,
  minutes,
  onMoved,
}: {
  exercise: ExerciseView;
  minutes: number;
  onMoved: (exercise: ExerciseView) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const { state } = exercise.clock;
  const [speed, setSpeed] = useState(String(exercise.clock.speed || 1));
  const [jumpTo, setJumpTo] = useState('');
  const [ending, setEnding] = useState(false);
  const endButton = useRef<HTMLButtonElement>(null);
  const move = useSubmit(
    (body: ClockMoveBody) => api.moveClock(exercise.id, body),
    (view) => {
      setEnding(false);
      onMoved(view);
    },
  );
  const chosenSpeed = Number(speed);

  const jump = (event: FormEvent) => {
    event.preventDefault();
    const to = parseScenarioTime(jumpTo);
    if (to === null) {
      move.fail({ message: t('exercises.clock.jumpInvalid'), field: 'jump' });
      return;
    }
    if (to <= minutes) {
      move.fail({ message: t('exercises.clock.jumpBackwards'), field: 'jump' });
      return;
    }
    void move.submit({ kind: 'jump', toMinutes: to });
  };

  return (
    <>
      <ProblemAlert problem={move.problem} />
      <div className="clock-controls">
        <Field label={t('exercises.clock.speed')} id={`${id}-speed`}>
          <select value={speed} onChange={(e) => setSpeed(e.target.value)}>
            {SPEEDS.map((s) => (
              <option key={s} value={s}>
                {t('exercises.clock.speedTimes', { speed: s })}
              </option>
            ))}
          </select>
        </Field>
        {state === 'ready' ? (
          <button
            type="button"
            className="button-primary"
            disabled={move.busy}
            onClick={() => void move.submit({ kind: 'start', speed: chosenSpeed })}
          >
            {t('exercises.clock.start')}
          </button>
        ) : (
          <button
            type="button"
            disabled={move.busy || chosenSpeed === exercise.clock.speed}
            onClick={() => void move.submit({ kind: 'speed', speed: chosenSpeed })}
          >
            {t('exercises.clock.setSpeed')}
          </button>
        )}
        {state === 'running' ? (
          <button
            type="button"
            disabled={move.busy}
            onClick={() => void move.submit({ kind: 'pause' })}
          >
            {t('exercises.clock.pause')}
          </button>
        ) : null}
        {state === 'paused' ? (
          <button
            type="button"
            className="button-primary"
            disabled={move.busy}
            onClick={() => void move.submit({ kind: 'resume' })}
          >
            {t('exercises.clock.resume')}
          </button>
        ) : null}
      </div>
      {state !== 'ready' ? (
        <form className="clock-controls" noValidate onSubmit={jump}>
          <Field
            label={t('exercises.clock.jumpTo')}
            hint={t('exercises.clock.jumpHint')}
            id={`${id}-jump`}
            invalid={move.problem?.field === 'jump'}
          >
            <input
              value={jumpTo}
              inputMode="numeric"
              autoComplete="off"
              placeholder="01:30"
              onChange={(e) => setJumpTo(e.target.value)}
            />
          </Field>
          <button type="submit" disabled={move.busy}>
            {t('exercises.clock.jump')}
          </button>
        </form>
      ) : null}
      {state !== 'ready' ? (
        ending ? (
          <Confirm
            label={t('exercises.clock.end')}
            question={t('exercises.clock.endQuestion')}
            confirm={t('exercises.clock.endConfirm')}
            cancel={t('exercises.cancel')}
            busy={move.busy}
            onConfirm={() => void move.submit({ kind: 'end' })}
            onCancel={() => setEnding(false)}
            returnFocus={endButton}
          />
        ) : (
          <p>
            <button
              ref={endButton}
              type="button"
              className="button-danger"
              onClick={() => setEnding(true)}
            >
              {t('exercises.clock.end')}
            </button>
          </p>
        )
      ) : null}
    </>
  );
}

/** What reached this node's players, newest first, each marked EXERCISE. */
export function Feed({ exerciseId }: { exerciseId: string }) {
  const { t } = useTranslation();
  const id = useId();
  const [next, setNext] = useState<string | null>(null);
  const [more, setMore] = useState<ExerciseFeedItem[]>([]);
  const {
    data,
    error,
    reload: load,
  } = useLoader(
    useCallback(async () => {
      const page = await api.getFeed(exerciseId);
      setNext(page.next);
      setMore([]);
      return page.items;
    }, [exerciseId]),
  );
  useLiveEvent('resync', () => void load());
  useLiveEvent('exercise.changed', (event) => {
    if (isAbout(event, exerciseId)) void load();
  });
  const loadMore = useSubmit(
    (cursor: string) => api.getFeed(exerciseId, cursor),
    (page) => {
      setMore((current) => [...current, ...page.items]);
      setNext(page.next);
    },
  );
  const items = data ? [...data, ...more] : null;

  return (
    <section className="exercise-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('exercises.feed.title')}</h2>
      <p className="muted">{t('exercises.feed.intro')}</p>
      <AsyncList rows={items} error={error} empty={<p>{t('exercises.feed.empty')}</p>}>
        {(rows) => (
          <ol className="feed-list" aria-label={t('exercises.feed.title')}>
            {rows.map((item) => (
              <FeedEntry key={item.id} item={item} />
            ))}
          </ol>
        )}
      </AsyncList>
      <ProblemAlert problem={loadMore.problem} />
      {next ? (
        <button type="button" disabled={loadMore.busy} onClick={() => void loadMore.submit(next)}>
          {t('exercises.more')}
        </button>
      ) : null}
    </section>
  );
}

/** Where a feed item's call, request, note or ping is seen (a case object has no page of its own). */
const OPEN: Partial<
  Record<
    string,
    {
      to: (ref: string) => string;
      text:
        | 'exercises.feed.open.call'
        | 'exercises.feed.open.request'
        | 'exercises.feed.open.note'
        | 'exercises.feed.open.ping';
    }
  >
> = {
  call: { to: (ref) => `/hotline/${encodeURIComponent(ref)}`, text: 'exercises.feed.open.call' },
  request: {
    to: (ref) => `/requests/${encodeURIComponent(ref)}`,
    text: 'exercises.feed.open.request',
  },
  note: { to: () => '/notes', text: 'exercises.feed.open.note' },
  ping: { to: () => '/pings', text: 'exercises.feed.open.ping' },
};

function FeedEntry({ item }: { item: ExerciseFeedItem }) {
  const { t, i18n } = useTranslation();
  const zone = useUserTimeZone();
  const open = item.refId === null ? undefined : OPEN[item.kind];
  const link = open && item.refId ? { to: open.to(item.refId), text: t(open.text) } : null;
  return (
    <li className="feed-item" data-testid="feed-item">
      <p>
        <ExerciseBadge />
        <span className="badge">{t(`exercises.feed.kinds.${item.kind}`)}</span>
        <span className="muted small">
          {scenarioTime(item.scenarioMinutes)} ·{' '}
          <time dateTime={item.at}>{formatDateTime(item.at, i18n.language, zone)}</time>
        </span>
      </p>
      <h3>{pick(item.title, i18n.language)}</h3>
      <p>{pick(item.body, i18n.language)}</p>
      {link ? (
        <p>
          <Link to={link.to}>{link.text}</Link>
        </p>
      ) : null}
    </li>
  );
}
