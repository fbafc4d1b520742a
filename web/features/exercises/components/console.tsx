import { useCallback, useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type {
  ExerciseInjectList,
  ExerciseObservationList,
  ExerciseView,
} from '../../../../src/core/schemas/exercises';
import * as api from '../api';
import { useLiveEvent } from '../../../app/live-events';
import { AsyncTable } from '../../../ui/async-table';
import { useLoader } from '../../../ui/hooks';
import { isAbout, pick, scenarioTime } from './exercise-parts';
import '../i18n';

type Inject = ExerciseInjectList['injects'][number];
type Observation = ExerciseObservationList['observations'][number];

/** Loads again on the exercise's live events (and after a reconnection). */
function useExerciseLoader<T>(exerciseId: string, fetcher: () => Promise<T>) {
  const loaded = useLoader<T>(fetcher);
  const { reload } = loaded;
  useLiveEvent('resync', () => void reload());
  useLiveEvent('exercise.changed', (data) => {
    if (isAbout(data, exerciseId)) void reload();
  });
  return loaded;
}

function deliveredLink(inject: Inject): string | null {
  if (inject.delivered === null) return null;
  if (inject.channel === 'call') return `/hotline/${encodeURIComponent(inject.delivered)}`;
  if (inject.channel === 'request') return `/requests/${encodeURIComponent(inject.delivered)}`;
  return null;
}

/** The MSEL as this node runs it: each inject's time, route, channel and state. */
export function Msel({
  exercise,
  actions,
}: {
  exercise: ExerciseView;
  /** The controller's actions on one inject (send now, skip), when the node offers them. */
  actions?: (inject: Inject, reload: () => void) => ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const { data, error, reload } = useExerciseLoader(
    exercise.id,
    useCallback(async () => (await api.listInjects(exercise.id)).injects, [exercise.id]),
  );
  const from = (inject: Inject) =>
    inject.from === 'control'
      ? t('exercises.msel.control')
      : t('exercises.sideName', { side: inject.from });
  return (
    <section className="exercise-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('exercises.msel.title')}</h2>
      <p className="muted">{t('exercises.msel.intro', { side: exercise.side })}</p>
      <AsyncTable
        rows={data}
        error={error}
        empty={<p>{t('exercises.msel.empty')}</p>}
        label={t('exercises.msel.title')}
        rowKey={(inject) => inject.id}
        rowTestId="inject-row"
        columns={[
          {
            header: t('exercises.msel.at'),
            className: 'nowrap',
            cell: (inject) => scenarioTime(inject.atMinutes),
          },
          {
            header: t('exercises.msel.inject'),
            rowHeader: true,
            cell: (inject) => (
              <>
                {pick(inject.title, i18n.language)}
                <span className="tag">{inject.id}</span>
              </>
            ),
          },
          {
            header: t('exercises.msel.route'),
            cell: (inject) =>
              t('exercises.msel.fromTo', {
                from: from(inject),
                to: t('exercises.sideName', { side: inject.toSide }),
              }),
          },
          {
            header: t('exercises.msel.channel'),
            cell: (inject) => t(`exercises.channels.${inject.channel}`),
          },
          {
            header: t('exercises.msel.state'),
            cell: (inject) => <InjectState inject={inject} />,
          },
          ...(actions &&
          exercise.clock.state !== 'ended' &&
          data?.some((inject) => inject.firedHere && inject.state === 'pending')
            ? [
                {
                  header: t('exercises.msel.actions'),
                  hiddenHeader: true,
                  cell: (inject: Inject) => actions(inject, () => void reload()),
                },
              ]
            : []),
        ]}
      />
    </section>
  );
}

function InjectState({ inject }: { inject: Inject }) {
  const { t } = useTranslation();
  const link = deliveredLink(inject);
  return (
    <>
      <span className={`badge inject-${inject.state}`} data-testid="inject-state">
        {t(`exercises.msel.states.${inject.state}`)}
      </span>
      {!inject.firedHere ? <span className="tag">{t('exercises.msel.byPeer')}</span> : null}
      {inject.firedAtMinutes !== null ? (
        <span className="muted small"> {scenarioTime(inject.firedAtMinutes)}</span>
      ) : null}
      {link ? (
        <span className="small">
          {' '}
          <Link to={link}>
            {t(`exercises.msel.open.${inject.channel === 'call' ? 'call' : 'request'}`)}
          </Link>
        </span>
      ) : null}
      {inject.problem ? (
        <span className="field-error small" role="note">
          {' '}
          {inject.problem}
        </span>
      ) : null}
    </>
  );
}

/** This side's expected actions and what the node observed (never shown to the peer). */
export function Observations({ exercise }: { exercise: ExerciseView }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const { data, error } = useExerciseLoader(
    exercise.id,
    useCallback(async () => (await api.listObservations(exercise.id)).observations, [exercise.id]),
  );
  return (
    <section className="exercise-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('exercises.observations.title')}</h2>
      <p className="muted">{t('exercises.observations.intro')}</p>
      <AsyncTable<Observation>
        rows={data}
        error={error}
        empty={<p>{t('exercises.observations.empty')}</p>}
        label={t('exercises.observations.title')}
        rowKey={(o) => o.expectedId}
        rowTestId="observation-row"
        columns={[
          {
            header: t('exercises.observations.expected'),
            rowHeader: true,
            cell: (o) => (
              <>
                {pick(o.text, i18n.language)}
                <span className="tag">{t(`exercises.actions.${o.action}`)}</span>
              </>
            ),
          },
          { header: t('exercises.observations.objective'), cell: (o) => o.objective },
          {
            header: t('exercises.observations.due'),
            className: 'nowrap',
            cell: (o) => scenarioTime(o.dueMinutes),
          },
          {
            header: t('exercises.observations.state'),
            cell: (o) => (
              <>
                <span className={`badge observation-${o.state}`} data-testid="observation-state">
                  {t(`exercises.observations.states.${o.state}`)}
                </span>
                {o.scenarioMinutes !== null ? (
                  <span className="muted small"> {scenarioTime(o.scenarioMinutes)}</span>
                ) : null}
                {!o.observed ? (
                  <span className="tag">{t('exercises.observations.byEvaluator')}</span>
                ) : null}
              </>
            ),
          },
        ]}
      />
    </section>
  );
}
