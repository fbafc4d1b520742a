import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import type { ExerciseView } from '../../../../src/core/schemas/exercises';
import '../i18n';

export type ExercisePart = 'run';

/** The parts of one exercise, as links: the run (console or players' view). */
export function ExerciseLinks({ exercise }: { exercise: ExerciseView; current: ExercisePart }) {
  const { t } = useTranslation();
  const base = `/exercises/${encodeURIComponent(exercise.id)}`;
  return (
    <nav aria-label={t('exercises.parts.label')}>
      <ul className="exercise-links">
        <li>
          <NavLink to={base} end>
            {t('exercises.parts.run')}
          </NavLink>
        </li>
      </ul>
    </nav>
  );
}
