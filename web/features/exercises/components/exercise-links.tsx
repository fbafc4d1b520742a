import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import type { ExerciseView } from '../../../../src/core/schemas/exercises';
import * as api from '../api';
import { rolesAllow } from '../../../app/types';
import { useUser } from '../../../app/session';
import { useLoader } from '../../../ui/hooks';
import '../i18n';

export type ExercisePart = 'run' | 'evaluate' | 'hotwash' | 'aar';

/** Whether this user evaluates the exercise: a manager, or assigned evaluator or controller. */
export function useEvaluates(exerciseId: string): boolean {
  const user = useUser();
  const manages = rolesAllow(user.roles, 'exercises.manage');
  const { data } = useLoader(
    useCallback(
      async () => (manages ? [] : (await api.listParticipants(exerciseId)).participants),
      [exerciseId, manages],
    ),
  );
  if (manages) return true;
  const mine = data?.find((p) => p.userId === user.id);
  return mine?.role === 'evaluator' || mine?.role === 'controller';
}

/**
 * The parts of one exercise, as links: the run, the evaluation (its evaluators), the
 * hotwash, the AAR (its evaluators; everyone once this side has shared it).
 */
export function ExerciseLinks({ exercise }: { exercise: ExerciseView; current: ExercisePart }) {
  const { t } = useTranslation();
  const evaluates = useEvaluates(exercise.id);
  const base = `/exercises/${encodeURIComponent(exercise.id)}`;
  if (exercise.status !== 'accepted') return null;
  return (
    <nav aria-label={t('exercises.parts.label')} className="no-print">
      <ul className="exercise-links">
        <li>
          <NavLink to={base} end>
            {t('exercises.parts.run')}
          </NavLink>
        </li>
        {evaluates ? (
          <li>
            <NavLink to={`${base}/evaluate`}>{t('exercises.parts.evaluate')}</NavLink>
          </li>
        ) : null}
        <li>
          <NavLink to={`${base}/hotwash`}>{t('exercises.parts.hotwash')}</NavLink>
        </li>
        <li>
          <NavLink to={`${base}/aar`}>{t('exercises.parts.aar')}</NavLink>
        </li>
      </ul>
    </nav>
  );
}
