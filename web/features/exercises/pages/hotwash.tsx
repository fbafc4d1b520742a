import { useCallback, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import type { HotwashView } from '../../../../src/core/schemas/exercise-evaluation';
import * as api from '../api';
import { useLiveEvent } from '../../../app/live-events';
import { useUser, useUserTimeZone } from '../../../app/session';
import { ErrorAlert, ProblemAlert } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { formatDateTime } from '../../../ui/format';
import { useLoader, usePageTitle } from '../../../ui/hooks';
import { useSubmit } from '../../../ui/submit';
import { isAbout, pick } from '../components/exercise-parts';
import { ExerciseHead } from '../components/exercise-head';
import '../i18n';
import '../exercises.css';

/**
 * The hotwash: every participant's short feedback right after the end (strengths, areas for
 * improvement, a comment). Each writes their own; evaluators read everyone's.
 */
export function HotwashPage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const me = useUser();
  const loaded = useLoader(
    useCallback(async () => {
      const exercise = await api.getExercise(id);
      const { hotwash } =
        exercise.clock.state === 'ended' ? await api.listHotwash(id) : { hotwash: [] };
      return { exercise, hotwash };
    }, [id]),
  );
  const { data, error, reload } = loaded;
  useLiveEvent('resync', () => void reload());
  useLiveEvent('exercise.changed', (event) => {
    if (isAbout(event, id)) void reload();
  });
  const title = t('exercises.hotwash.title');
  usePageTitle(data ? `${title} · ${pick(data.exercise.title, i18n.language)}` : title);
  const mine = data?.hotwash.find((h) => h.userId === me.id) ?? null;
  const others = data?.hotwash.filter((h) => h.userId !== me.id) ?? [];

  return (
    <section className="page exercise-page">
      <ExerciseHead exercise={data?.exercise ?? null} title={title} current="hotwash" />
      {error ? <ErrorAlert error={error} /> : null}
      {data === null ? (
        error ? null : (
          <p role="status">{t('common.loading')}</p>
        )
      ) : data.exercise.clock.state !== 'ended' ? (
        <div className="notice" role="note">
          <p>{t('exercises.hotwash.notYet')}</p>
        </div>
      ) : (
        <>
          <p className="lead">{t('exercises.hotwash.intro')}</p>
          <HotwashForm
            key={mine?.updatedAt ?? 'new'}
            exerciseId={id}
            mine={mine}
            onSaved={() => void reload()}
          />
          {others.length > 0 ? <Everyone entries={others} /> : null}
        </>
      )}
    </section>
  );
}

function HotwashForm({
  exerciseId,
  mine,
  onSaved,
}: {
  exerciseId: string;
  mine: HotwashView | null;
  onSaved: () => void;
}) {
  const { t, i18n } = useTranslation();
  const zone = useUserTimeZone();
  const [strengths, setStrengths] = useState(mine?.strengths ?? '');
  const [improvements, setImprovements] = useState(mine?.improvements ?? '');
  const [text, setText] = useState(mine?.text ?? '');
  const save = useSubmit(api.writeHotwash, onSaved);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!strengths.trim() && !improvements.trim() && !text.trim()) {
      save.fail({ message: t('exercises.hotwash.empty') });
      return;
    }
    void save.submit(exerciseId, { strengths, improvements, text });
  };
  return (
    <form className="form card exercise-section" noValidate onSubmit={submit}>
      <h2>{t('exercises.hotwash.yours')}</h2>
      <Field label={t('exercises.hotwash.strengths')} hint={t('exercises.hotwash.strengthsHint')}>
        <textarea
          rows={4}
          maxLength={2000}
          value={strengths}
          onChange={(e) => setStrengths(e.target.value)}
        />
      </Field>
      <Field
        label={t('exercises.hotwash.improvements')}
        hint={t('exercises.hotwash.improvementsHint')}
      >
        <textarea
          rows={4}
          maxLength={2000}
          value={improvements}
          onChange={(e) => setImprovements(e.target.value)}
        />
      </Field>
      <Field label={t('exercises.hotwash.comment')}>
        <textarea
          rows={3}
          maxLength={4000}
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </Field>
      <ProblemAlert problem={save.problem} />
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={save.busy}>
          {t('exercises.hotwash.save')}
        </button>
        {mine ? (
          <span className="small muted" role="status">
            {t('exercises.hotwash.savedAt', {
              at: formatDateTime(mine.updatedAt, i18n.language, zone),
            })}
          </span>
        ) : null}
      </div>
    </form>
  );
}

function Everyone({ entries }: { entries: HotwashView[] }) {
  const { t, i18n } = useTranslation();
  const zone = useUserTimeZone();
  return (
    <section className="exercise-section" aria-labelledby="hotwash-all">
      <h2 id="hotwash-all">{t('exercises.hotwash.everyone')}</h2>
      <ol className="feed-list">
        {entries.map((h) => (
          <li key={h.userId} className="feed-item">
            <p className="small muted">
              {h.author} · {formatDateTime(h.updatedAt, i18n.language, zone)}
            </p>
            {h.strengths ? (
              <p>
                <strong>{t('exercises.hotwash.strengths')}:</strong> {h.strengths}
              </p>
            ) : null}
            {h.improvements ? (
              <p>
                <strong>{t('exercises.hotwash.improvements')}:</strong> {h.improvements}
              </p>
            ) : null}
            {h.text ? (
              <p>
                <strong>{t('exercises.hotwash.comment')}:</strong> {h.text}
              </p>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
