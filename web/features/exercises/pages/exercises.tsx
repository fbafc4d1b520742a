import { useCallback, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type {
  ExerciseView,
  ScenarioSummary,
  ScenarioView,
} from '../../../../src/core/schemas/exercises';
import * as api from '../api';
import { rolesAllow } from '../../../app/types';
import { useLiveEvent } from '../../../app/live-events';
import { useUser, useUserTimeZone } from '../../../app/session';
import { AsyncTable, type Column } from '../../../ui/async-table';
import { ErrorAlert, ProblemAlert } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { formatDateTime } from '../../../ui/format';
import { useLoader, usePageTitle } from '../../../ui/hooks';
import { useSubmit } from '../../../ui/submit';
import { useActivePeers } from '../../peers/components/active-peers';
import { ExerciseBadge } from '../components/exercise-badge';
import { ClockStateBadge, StatusBadge, pick, scenarioTime } from '../components/exercise-parts';
import '../i18n';
import '../exercises.css';

/**
 * Tabletop exercises with peers: the runs (a peer's proposal to answer among them), a new
 * proposal for the controllers, and the scenario library.
 */
export function ExercisesPage() {
  const { t } = useTranslation();
  const user = useUser();
  const manages = rolesAllow(user.roles, 'exercises.manage');
  usePageTitle(t('exercises.title'));
  const exercises = useLoader(useCallback(() => api.listExercises(), []));
  const { reload } = exercises;
  useLiveEvent('resync', () => void reload());
  useLiveEvent('exercise.changed', () => void reload());

  return (
    <section className="page exercise-page">
      <h1>{t('exercises.title')}</h1>
      <p className="lead">{t('exercises.intro')}</p>
      <ExerciseList
        rows={exercises.data?.exercises ?? null}
        error={exercises.error}
        manages={manages}
        onAnswered={() => void reload()}
      />
      {manages ? <Propose /> : null}
      <Scenarios manages={manages} />
    </section>
  );
}

function ExerciseList({
  rows,
  error,
  manages,
  onAnswered,
}: {
  rows: ExerciseView[] | null;
  error: unknown;
  manages: boolean;
  onAnswered: () => void;
}) {
  const { t, i18n } = useTranslation();
  const zone = useUserTimeZone();
  const id = useId();
  const answer = useSubmit(api.answerExercise, onAnswered);
  const answerable = (rows ?? []).some(
    (exercise) => manages && exercise.status === 'proposed' && !exercise.proposedHere,
  );
  // Only when a row has a proposal to answer (an empty column reads oddly on a phone's cards).
  const answerColumn: Column<ExerciseView> = {
    header: t('exercises.list.actions'),
    hiddenHeader: true,
    cell: (exercise) =>
      manages && exercise.status === 'proposed' && !exercise.proposedHere ? (
        <span className="inject-actions">
          <button
            type="button"
            className="button-primary"
            disabled={answer.busy}
            aria-label={t('exercises.answer.acceptOne', { peer: exercise.peer })}
            onClick={() => void answer.submit(exercise.id, true)}
          >
            {t('exercises.answer.accept')}
          </button>
          <button
            type="button"
            disabled={answer.busy}
            aria-label={t('exercises.answer.declineOne', { peer: exercise.peer })}
            onClick={() => void answer.submit(exercise.id, false)}
          >
            {t('exercises.answer.decline')}
          </button>
        </span>
      ) : null,
  };
  return (
    <section className="exercise-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('exercises.list.title')}</h2>
      <ProblemAlert problem={answer.problem} />
      <AsyncTable
        rows={rows}
        error={error}
        empty={<p>{t('exercises.list.empty')}</p>}
        label={t('exercises.list.title')}
        rowKey={(exercise) => exercise.id}
        rowTestId="exercise-row"
        columns={[
          {
            header: t('exercises.fields.title'),
            rowHeader: true,
            cell: (exercise) => (
              <>
                <ExerciseBadge />
                <Link to={`/exercises/${encodeURIComponent(exercise.id)}`}>
                  {pick(exercise.title, i18n.language)}
                </Link>
              </>
            ),
          },
          {
            header: t('exercises.fields.peer'),
            className: 'nowrap',
            cell: (exercise) => exercise.peer,
          },
          {
            header: t('exercises.fields.side'),
            cell: (exercise) => t('exercises.sideName', { side: exercise.side }),
          },
          {
            header: t('exercises.fields.status'),
            cell: (exercise) => (
              <>
                <StatusBadge exercise={exercise} />
                {exercise.status === 'accepted' ? <ClockStateBadge exercise={exercise} /> : null}
                {exercise.status === 'accepted' && exercise.clock.state !== 'ready' ? (
                  <span className="muted small">
                    {scenarioTime(exercise.clock.scenarioMinutes)}
                  </span>
                ) : null}
              </>
            ),
          },
          {
            header: t('exercises.fields.created'),
            className: 'nowrap',
            cell: (exercise) => (
              <time dateTime={exercise.createdAt}>
                {formatDateTime(exercise.createdAt, i18n.language, zone)}
              </time>
            ),
          },
          ...(answerable ? [answerColumn] : []),
        ]}
      />
    </section>
  );
}

/** A controller proposes a run of a scenario to a peer, choosing the side this node plays. */
function Propose() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const id = useId();
  const [scenarioId, setScenarioId] = useState('');
  const [peer, setPeer] = useState('');
  const [side, setSide] = useState<'A' | 'B'>('A');
  const propose = useSubmit(api.proposeExercise, (exercise) => {
    void navigate(`/exercises/${encodeURIComponent(exercise.id)}`);
  });
  const peers = useActivePeers(setPeer, (error) => propose.fail({ error }));
  const scenarios = useLoader(useCallback(() => api.listScenarios(), []));
  const chosen = useLoader<ScenarioView | null>(
    useCallback(
      () => (scenarioId ? api.getScenario(scenarioId) : Promise.resolve(null)),
      [scenarioId],
    ),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (scenarioId === '') {
      propose.fail({ message: t('exercises.propose.chooseScenario'), field: 'scenarioId' });
      return;
    }
    if (peer === '') {
      propose.fail({ message: t('exercises.propose.choosePeer'), field: 'peer' });
      return;
    }
    void propose.submit({ scenarioId, peer, side });
  };

  return (
    <section className="card exercise-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('exercises.propose.title')}</h2>
      <p className="muted">{t('exercises.propose.intro')}</p>
      {scenarios.error ? <ErrorAlert error={scenarios.error} /> : null}
      <ProblemAlert problem={propose.problem} />
      <form className="form" noValidate onSubmit={submit}>
        <Field
          label={t('exercises.fields.scenario')}
          invalid={propose.problem?.field === 'scenarioId'}
        >
          <select value={scenarioId} onChange={(e) => setScenarioId(e.target.value)}>
            <option value="">{t('exercises.propose.pickScenario')}</option>
            {(scenarios.data?.scenarios ?? []).map((s: ScenarioSummary) => (
              <option key={s.id} value={s.id}>
                {pick(s.title, i18n.language)} ({s.id})
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('exercises.fields.peer')} invalid={propose.problem?.field === 'peer'}>
          <select value={peer} onChange={(e) => setPeer(e.target.value)}>
            <option value="">{t('exercises.propose.pickPeer')}</option>
            {(peers ?? []).map((p) => (
              <option key={p.nodeId} value={p.nodeId}>
                {p.name} ({p.nodeId})
              </option>
            ))}
          </select>
        </Field>
        <fieldset className="checkboxes">
          <legend>{t('exercises.propose.side')}</legend>
          {(['A', 'B'] as const).map((s) => (
            <div key={s} className="checkbox">
              <input
                type="radio"
                id={`${id}-side-${s}`}
                name={`${id}-side`}
                value={s}
                checked={side === s}
                onChange={() => setSide(s)}
              />
              <label htmlFor={`${id}-side-${s}`}>
                {t('exercises.sideName', { side: s })}
                {chosen.data ? (
                  <span className="muted small">
                    {' '}
                    — {pick(chosen.data.sides[s].description, i18n.language)}
                  </span>
                ) : null}
              </label>
            </div>
          ))}
        </fieldset>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={propose.busy}>
            {t('exercises.propose.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

/** The scenario library: bundled and written here; controllers import a new one. */
function Scenarios({ manages }: { manages: boolean }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const { data, error } = useLoader(useCallback(() => api.listScenarios(), []));
  return (
    <section className="exercise-section" aria-labelledby={`${id}-title`}>
      <div className="section-head">
        <h2 id={`${id}-title`}>{t('exercises.scenarios.title')}</h2>
        {manages ? (
          <Link className="button-link" to="/exercises/scenarios/new">
            {t('exercises.scenarios.import')}
          </Link>
        ) : null}
      </div>
      <AsyncTable
        rows={data?.scenarios ?? null}
        error={error}
        empty={<p>{t('exercises.scenarios.empty')}</p>}
        label={t('exercises.scenarios.title')}
        rowKey={(s) => s.id}
        rowTestId="scenario-row"
        columns={[
          {
            header: t('exercises.fields.scenario'),
            rowHeader: true,
            cell: (s) => (
              <Link to={`/exercises/scenarios/${encodeURIComponent(s.id)}`}>
                {pick(s.title, i18n.language)}
              </Link>
            ),
          },
          {
            header: t('exercises.scenarios.summary'),
            cell: (s) => <span className="small">{pick(s.summary, i18n.language)}</span>,
          },
          {
            header: t('exercises.scenarios.size'),
            cell: (s) =>
              t('exercises.scenarios.sizeText', {
                objectives: s.objectives,
                injects: s.injects,
                duration: scenarioTime(s.durationMinutes).slice(2),
              }),
          },
          {
            header: t('exercises.scenarios.origin'),
            cell: (s) => (
              <>
                {t(`exercises.scenarios.origins.${s.origin}`)}
                <span className="tag">{t('exercises.version', { version: s.version })}</span>
              </>
            ),
          },
        ]}
      />
    </section>
  );
}
