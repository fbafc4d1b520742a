import { useCallback, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MeetingView, RecordContent } from '../../../../src/core/schemas/dialogues';
import * as api from '../api';
import * as exercisesApi from '../../exercises/api';
import { ErrorAlert, ProblemAlert } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { useLoader } from '../../../ui/hooks';
import { useSubmit } from '../../../ui/submit';
import { formatDay, pick } from './parts';

/**
 * An item of an exercise's improvement plan (a corrective action of its after-action report)
 * becomes a commitment of the saved draft, hanging from one of its outcome paragraphs.
 */
export function FromImprovementPlan({
  dialogueId,
  meetingId,
  peer,
  draft,
  onAdded,
}: {
  dialogueId: string;
  meetingId: string;
  peer: string;
  draft: RecordContent | null;
  onAdded: (meeting: MeetingView) => void;
}) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const [exerciseId, setExerciseId] = useState('');
  const [actionId, setActionId] = useState('');
  const [paragraph, setParagraph] = useState('');
  const exercises = useLoader(useCallback(() => exercisesApi.listExercises(), []));
  const actions = useLoader(
    useCallback(
      () => (exerciseId ? exercisesApi.listCorrectiveActions(exerciseId) : Promise.resolve(null)),
      [exerciseId],
    ),
  );
  const add = useSubmit(
    (body: { exerciseId: string; actionId: string; paragraph: number }) =>
      api.draftFromCorrective(dialogueId, meetingId, body),
    (meeting) => {
      setActionId('');
      onAdded(meeting);
    },
  );
  const outcomes = draft?.outcomes ?? [];
  const withPeer = (exercises.data?.exercises ?? []).filter((e) => e.peer === peer);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const chosen = paragraph || String(outcomes[0]?.paragraph ?? '');
    if (!exerciseId || !actionId || !chosen) {
      add.fail({ message: t('dialogues.corrective.chooseAll') });
      return;
    }
    void add.submit({ exerciseId, actionId, paragraph: Number(chosen) });
  };
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t('dialogues.corrective.title')}</h3>
      <p className="muted small">{t('dialogues.corrective.intro')}</p>
      {exercises.error ? <ErrorAlert error={exercises.error} /> : null}
      {actions.error ? <ErrorAlert error={actions.error} /> : null}
      <ProblemAlert problem={add.problem} />
      {outcomes.length === 0 ? (
        <p className="muted">{t('dialogues.corrective.saveFirst')}</p>
      ) : (
        <form className="form" noValidate onSubmit={submit} aria-labelledby={`${id}-title`}>
          <div className="field-row">
            <Field label={t('dialogues.corrective.exercise')}>
              <select
                value={exerciseId}
                onChange={(e) => {
                  setExerciseId(e.target.value);
                  setActionId('');
                }}
              >
                <option value="">{t('dialogues.corrective.pickExercise')}</option>
                {withPeer.map((e) => (
                  <option key={e.id} value={e.id}>
                    {pick(e.title, i18n.language)}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={t('dialogues.corrective.action')}>
              <select value={actionId} onChange={(e) => setActionId(e.target.value)}>
                <option value="">{t('dialogues.corrective.pickAction')}</option>
                {(actions.data?.actions ?? []).map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.title} ({a.owner}, {formatDay(a.dueDate, i18n.language)})
                  </option>
                ))}
              </select>
            </Field>
            <Field label={t('dialogues.record.fromParagraph')}>
              <select value={paragraph} onChange={(e) => setParagraph(e.target.value)}>
                {outcomes.map((o) => (
                  <option key={o.paragraph} value={o.paragraph}>
                    {t('dialogues.record.paragraphN', { paragraph: o.paragraph })}
                  </option>
                ))}
              </select>
            </Field>
          </div>
          <div className="form-actions">
            <button type="submit" disabled={add.busy}>
              {t('dialogues.corrective.add')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
