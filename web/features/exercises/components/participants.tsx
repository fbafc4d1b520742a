import { useCallback, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ParticipantView } from '../../../../src/core/schemas/exercise-evaluation';
import * as api from '../api';
import { useLiveEvent } from '../../../app/live-events';
import { AsyncTable } from '../../../ui/async-table';
import { ProblemAlert } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { useLoader } from '../../../ui/hooks';
import { useSubmit } from '../../../ui/submit';
import { isAbout } from './exercise-parts';
import '../i18n';

const PARTS = ['player', 'evaluator', 'controller'] as const;
type Part = (typeof PARTS)[number];

/** This node's people in the exercise, and their part (never sent to the peer). */
export function Participants({ exerciseId }: { exerciseId: string }) {
  const { t } = useTranslation();
  const id = useId();
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<Part>('player');
  const { data, error, reload } = useLoader(
    useCallback(async () => (await api.listParticipants(exerciseId)).participants, [exerciseId]),
  );
  useLiveEvent('exercise.changed', (event) => {
    if (isAbout(event, exerciseId)) void reload();
  });
  const assign = useSubmit(api.assignParticipant, () => {
    setUsername('');
    void reload();
  });
  const remove = useSubmit(api.removeParticipant, () => void reload());
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (username.trim() === '') {
      assign.fail({ message: t('exercises.participants.chooseUser'), field: 'username' });
      return;
    }
    void assign.submit(exerciseId, { username: username.trim(), role });
  };
  return (
    <section className="exercise-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('exercises.participants.title')}</h2>
      <p className="muted">{t('exercises.participants.intro')}</p>
      <ProblemAlert problem={remove.problem} />
      <AsyncTable<ParticipantView>
        rows={data}
        error={error}
        empty={<p>{t('exercises.participants.empty')}</p>}
        label={t('exercises.participants.title')}
        rowKey={(p) => p.userId}
        rowTestId="participant-row"
        columns={[
          {
            header: t('exercises.participants.person'),
            rowHeader: true,
            cell: (p) => (
              <>
                {p.displayName} <span className="tag">{p.username}</span>
              </>
            ),
          },
          {
            header: t('exercises.participants.part'),
            cell: (p) => t(`exercises.participants.parts.${p.role}`),
          },
          {
            header: t('exercises.list.actions'),
            hiddenHeader: true,
            cell: (p) => (
              <button
                type="button"
                className="button-quiet"
                disabled={remove.busy}
                aria-label={t('exercises.participants.removeOne', { name: p.displayName })}
                onClick={() => void remove.submit(exerciseId, p.userId)}
              >
                {t('exercises.evaluate.remove')}
              </button>
            ),
          },
        ]}
      />
      <form className="clock-controls" noValidate onSubmit={submit}>
        <Field
          label={t('exercises.participants.username')}
          invalid={assign.problem?.field === 'username'}
        >
          <input
            value={username}
            autoComplete="off"
            maxLength={64}
            onChange={(e) => setUsername(e.target.value)}
          />
        </Field>
        <Field label={t('exercises.participants.part')}>
          <select value={role} onChange={(e) => setRole(e.target.value as Part)}>
            {PARTS.map((p) => (
              <option key={p} value={p}>
                {t(`exercises.participants.parts.${p}`)}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit" disabled={assign.busy}>
          {t('exercises.participants.assign')}
        </button>
      </form>
      <ProblemAlert problem={assign.problem} />
    </section>
  );
}
