import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ExerciseView } from '../../../../src/core/schemas/exercises';
import { ExerciseBadge } from './exercise-badge';
import { ExerciseLinks, type ExercisePart } from './exercise-links';
import '../i18n';

/** The head every page of one exercise shares: back link, title, EXERCISE, its parts. */
export function ExerciseHead({
  exercise,
  title,
  current,
}: {
  exercise: ExerciseView | null;
  title: string;
  current: ExercisePart;
}) {
  const { t } = useTranslation();
  return (
    <>
      <p className="small no-print">
        <Link to="/exercises">{t('exercises.title')}</Link>
      </p>
      <h1>
        {title} <ExerciseBadge />
      </h1>
      {exercise ? <ExerciseLinks exercise={exercise} current={current} /> : null}
    </>
  );
}
