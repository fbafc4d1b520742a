import { useTranslation } from 'react-i18next';
import '../i18n';
import '../exercises.css';

/**
 * The EXERCISE marker on anything an exercise created (a call, a request, an inject), so a
 * duty officer never takes it for a real one. Shown wherever a view has an `exerciseId`.
 */
export function ExerciseBadge({ exerciseId }: { exerciseId?: string | null }) {
  const { t } = useTranslation();
  if (exerciseId === null) return null;
  return (
    <span className="badge badge-exercise" data-testid="exercise-badge">
      {t('exerciseMarker.badge')}
    </span>
  );
}
