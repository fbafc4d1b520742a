import { useCallback, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import type {
  EvaluatorObservationView,
  RatingView,
} from '../../../../src/core/schemas/exercise-evaluation';
import type { ScenarioView } from '../../../../src/core/schemas/exercises';
import * as api from '../api';
import { useLiveEvent } from '../../../app/live-events';
import { useUserTimeZone } from '../../../app/session';
import { AsyncList } from '../../../ui/async-table';
import { ErrorAlert, ProblemAlert } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { formatDateTime } from '../../../ui/format';
import { useLoader, usePageTitle } from '../../../ui/hooks';
import { useSubmit } from '../../../ui/submit';
import { ExerciseHead } from '../components/exercise-head';
import { isAbout, pick, scenarioTime } from '../components/exercise-parts';
import '../i18n';
import '../exercises.css';

const RATINGS = ['P', 'S', 'M', 'U'] as const;
type Rating = (typeof RATINGS)[number];
const KINDS = ['note', 'strength', 'improvement'] as const;

/** The exercise and its scenario (objectives, capabilities), again on its live events. */
export function useExerciseAndScenario(id: string) {
  const loaded = useLoader(
    useCallback(async () => {
      const exercise = await api.getExercise(id);
      const scenario = await api.getScenario(exercise.scenarioId);
      return { exercise, scenario };
    }, [id]),
  );
  const { reload } = loaded;
  useLiveEvent('resync', () => void reload());
  useLiveEvent('exercise.changed', (data) => {
    if (isAbout(data, id)) void reload();
  });
  return loaded;
}

/**
 * The evaluator's page: a P/S/M/U rating for each objective and each of its capabilities,
 * and observations (strengths, areas for improvement, notes). Only this side's evaluators
 * and controllers see it; it stays on this node until a controller shares the AAR.
 */
export function EvaluatePage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const { data, error } = useExerciseAndScenario(id);
  const title = t('exercises.evaluate.title');
  usePageTitle(data ? `${title} · ${pick(data.exercise.title, i18n.language)}` : title);
  return (
    <section className="page exercise-page">
      <ExerciseHead exercise={data?.exercise ?? null} title={title} current="evaluate" />
      {error ? <ErrorAlert error={error} /> : null}
      {data === null ? (
        error ? null : (
          <p role="status">{t('common.loading')}</p>
        )
      ) : (
        <>
          <p className="lead">
            {pick(data.exercise.title, i18n.language)} ·{' '}
            {t('exercises.sideName', { side: data.exercise.side })} · {data.exercise.clock.display}
          </p>
          <p className="muted">{t('exercises.evaluate.intro')}</p>
          <Ratings exerciseId={id} scenario={data.scenario} />
          <EvaluatorObservations exerciseId={id} scenario={data.scenario} />
        </>
      )}
    </section>
  );
}

const key = (objective: string, capability: string | null) => `${objective}|${capability ?? ''}`;

function Ratings({ exerciseId, scenario }: { exerciseId: string; scenario: ScenarioView }) {
  const { t, i18n } = useTranslation();
  const { data, error, reload } = useLoader(
    useCallback(async () => {
      const { ratings } = await api.listRatings(exerciseId);
      return new Map(ratings.map((r) => [key(r.objective, r.capability), r]));
    }, [exerciseId]),
  );
  useLiveEvent('exercise.changed', (event) => {
    if (isAbout(event, exerciseId)) void reload();
  });
  return (
    <section className="exercise-section" aria-labelledby="ratings-title">
      <h2 id="ratings-title">{t('exercises.evaluate.ratings')}</h2>
      <p className="muted">{t('exercises.evaluate.ratingsIntro')}</p>
      {error ? <ErrorAlert error={error} /> : null}
      {data === null ? null : (
        <>
          {scenario.objectives.map((objective) => (
            <section
              key={objective.id}
              className="card exercise-section"
              aria-labelledby={`objective-${objective.id}`}
              data-testid="objective"
            >
              <h3 id={`objective-${objective.id}`}>{pick(objective.text, i18n.language)}</h3>
              <p className="small muted">{objective.id}</p>
              {[null, ...objective.capabilities].map((capability) => (
                <RatingForm
                  key={capability ?? ''}
                  exerciseId={exerciseId}
                  objective={objective.id}
                  capability={capability}
                  current={data.get(key(objective.id, capability)) ?? null}
                  onSaved={() => void reload()}
                />
              ))}
            </section>
          ))}
        </>
      )}
    </section>
  );
}

function RatingForm({
  exerciseId,
  objective,
  capability,
  current,
  onSaved,
}: {
  exerciseId: string;
  objective: string;
  capability: string | null;
  current: RatingView | null;
  onSaved: () => void;
}) {
  const { t, i18n } = useTranslation();
  const zone = useUserTimeZone();
  const id = useId();
  const [rating, setRating] = useState<Rating | ''>(current?.rating ?? '');
  const [note, setNote] = useState(current?.note ?? '');
  const [saved, setSaved] = useState(false);
  const save = useSubmit(api.rate, () => {
    setSaved(true);
    onSaved();
  });
  const what =
    capability === null
      ? t('exercises.evaluate.wholeObjective')
      : t('exercises.evaluate.capability', { capability });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    if (rating === '') {
      save.fail({ message: t('exercises.evaluate.chooseRating') });
      return;
    }
    void save.submit(exerciseId, {
      objective,
      ...(capability ? { capability } : {}),
      rating,
      note: note.trim(),
    });
  };

  return (
    <form className="form rating-form" noValidate onSubmit={submit} aria-label={what}>
      <fieldset className="rating-choices">
        <legend>{what}</legend>
        {RATINGS.map((r) => (
          <label key={r}>
            <input
              type="radio"
              name={`${id}-rating`}
              value={r}
              checked={rating === r}
              onChange={() => setRating(r)}
            />
            <span className={`badge rating-${r}`}>{r}</span> {t(`exercises.ratings.${r}`)}
          </label>
        ))}
      </fieldset>
      <Field label={t('exercises.evaluate.note')}>
        <textarea
          rows={2}
          value={note}
          maxLength={4000}
          onChange={(e) => setNote(e.target.value)}
        />
      </Field>
      <ProblemAlert problem={save.problem} />
      <div className="form-actions">
        <button type="submit" disabled={save.busy}>
          {t('exercises.evaluate.saveRating')}
        </button>
        {saved ? (
          <span role="status" className="small">
            {t('exercises.evaluate.saved')}
          </span>
        ) : current ? (
          <span className="small muted" data-testid="rated">
            {t('exercises.evaluate.ratedBy', {
              rating: current.rating,
              name: current.ratedBy,
              at: formatDateTime(current.ratedAt, i18n.language, zone),
            })}
          </span>
        ) : null}
      </div>
    </form>
  );
}

function EvaluatorObservations({
  exerciseId,
  scenario,
}: {
  exerciseId: string;
  scenario: ScenarioView;
}) {
  const { t, i18n } = useTranslation();
  const zone = useUserTimeZone();
  const id = useId();
  const [text, setText] = useState('');
  const [kind, setKind] = useState<(typeof KINDS)[number]>('note');
  const [objective, setObjective] = useState('');
  const [share, setShare] = useState(true);
  const { data, error, reload } = useLoader(
    useCallback(
      async () => (await api.listEvaluatorObservations(exerciseId)).observations,
      [exerciseId],
    ),
  );
  useLiveEvent('exercise.changed', (event) => {
    if (isAbout(event, exerciseId)) void reload();
  });
  const add = useSubmit(api.addEvaluatorObservation, () => {
    setText('');
    void reload();
  });
  const remove = useSubmit(api.removeEvaluatorObservation, () => void reload());

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim() === '') {
      add.fail({ message: t('exercises.evaluate.writeObservation'), field: 'text' });
      return;
    }
    void add.submit(exerciseId, {
      text: text.trim(),
      kind,
      share,
      ...(objective ? { objective } : {}),
    });
  };

  return (
    <section className="exercise-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('exercises.evaluate.observations')}</h2>
      <form className="form card" noValidate onSubmit={submit}>
        <Field label={t('exercises.evaluate.kind')}>
          <select value={kind} onChange={(e) => setKind(e.target.value as (typeof KINDS)[number])}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`exercises.evaluate.kinds.${k}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('exercises.observations.objective')}>
          <select value={objective} onChange={(e) => setObjective(e.target.value)}>
            <option value="">{t('exercises.evaluate.anyObjective')}</option>
            {scenario.objectives.map((o) => (
              <option key={o.id} value={o.id}>
                {pick(o.text, i18n.language)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('exercises.evaluate.observation')} invalid={add.problem?.field === 'text'}>
          <textarea
            rows={3}
            value={text}
            maxLength={4000}
            onChange={(e) => setText(e.target.value)}
          />
        </Field>
        <div className="checkbox">
          <input
            id={`${id}-share`}
            type="checkbox"
            checked={share}
            onChange={(e) => setShare(e.target.checked)}
          />
          <label htmlFor={`${id}-share`}>{t('exercises.evaluate.share')}</label>
        </div>
        <ProblemAlert problem={add.problem} />
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={add.busy}>
            {t('exercises.evaluate.add')}
          </button>
        </div>
      </form>
      <ProblemAlert problem={remove.problem} />
      <AsyncList rows={data} error={error} empty={<p>{t('exercises.evaluate.noObservations')}</p>}>
        {(rows) => (
          <ol className="feed-list" aria-label={t('exercises.evaluate.observations')}>
            {rows.map((o: EvaluatorObservationView) => (
              <li key={o.id} className="feed-item" data-testid="evaluator-observation">
                <p className="small">
                  <span className="badge">{t(`exercises.evaluate.kinds.${o.kind}`)}</span>
                  {o.objective ? <span className="tag">{o.objective}</span> : null}
                  {!o.share ? (
                    <span className="tag">{t('exercises.evaluate.kept')}</span>
                  ) : null}{' '}
                  <span className="muted">
                    {scenarioTime(o.scenarioMinutes)} · {o.author} ·{' '}
                    {formatDateTime(o.at, i18n.language, zone)}
                  </span>
                </p>
                <p>{o.text}</p>
                <button
                  type="button"
                  className="button-quiet"
                  disabled={remove.busy}
                  onClick={() => void remove.submit(exerciseId, o.id)}
                >
                  {t('exercises.evaluate.remove')}
                </button>
              </li>
            ))}
          </ol>
        )}
      </AsyncList>
    </section>
  );
}
