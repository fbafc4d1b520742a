import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  AddInjectBody,
  ExerciseInjectList,
  ExerciseView,
} from '../../../../src/core/schemas/exercises';
import { PRIORITIES, type Priority } from '../../../../src/core/hotline';
import {
  REQUEST_TYPES,
  URGENCIES,
  type RequestType,
  type Urgency,
} from '../../../../src/core/requests';
import * as api from '../api';
import { ApiError } from '../../../app/client';
import { ProblemAlert } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { useSubmit } from '../../../ui/submit';
import { parseScenarioTime } from './exercise-parts';
import '../../hotline/i18n';
import '../../requests/i18n';
import '../i18n';

type Inject = ExerciseInjectList['injects'][number];
type Channel = AddInjectBody['channel'];
const SIDE_CHANNELS = ['call', 'request', 'case_object', 'note', 'ping'] as const;
type Marking = NonNullable<AddInjectBody['marking']>;
const MARKINGS: readonly Marking[] = ['clear', 'green', 'amber', 'amber+strict', 'red'];

/** Send now and skip, for a pending inject this node fires. */
export function InjectActions({
  exercise,
  inject,
  onDone,
}: {
  exercise: ExerciseView;
  inject: Inject;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const act = useSubmit(
    (verb: 'send' | 'skip') =>
      verb === 'send'
        ? api.sendInjectNow(exercise.id, inject.id)
        : api.skipInject(exercise.id, inject.id),
    onDone,
  );
  if (!inject.firedHere || inject.state !== 'pending' || exercise.clock.state === 'ended') {
    return null;
  }
  return (
    <>
      <span className="inject-actions">
        <button
          type="button"
          disabled={act.busy}
          aria-label={t('exercises.console.sendOne', { inject: inject.id })}
          onClick={() => void act.submit('send')}
        >
          {t('exercises.console.send')}
        </button>
        <button
          type="button"
          className="button-quiet"
          disabled={act.busy}
          aria-label={t('exercises.console.skipOne', { inject: inject.id })}
          onClick={() => void act.submit('skip')}
        >
          {t('exercises.console.skip')}
        </button>
      </span>
      <ProblemAlert problem={act.problem} />
    </>
  );
}

/** One mistake the node found in an ad-hoc inject (400 invalid_inject). */
interface InjectProblem {
  field: string;
  message: string;
}

function problemsOf(error: unknown): InjectProblem[] {
  if (!(error instanceof ApiError) || error.code !== 'invalid_inject') return [];
  const problems = error.details['problems'];
  return Array.isArray(problems) ? (problems as InjectProblem[]) : [];
}

/**
 * An inject the controller adds during the run: from this node's side to the other through
 * a real channel, or a narrative (from control) to this node's players; now, or at a time.
 */
export function AddInject({ exercise, onAdded }: { exercise: ExerciseView; onAdded: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const ours = exercise.side;
  const theirs = ours === 'A' ? 'B' : 'A';
  const [slug, setSlug] = useState('');
  const [at, setAt] = useState('');
  const [channel, setChannel] = useState<Channel>('narrative');
  const [titleEn, setTitleEn] = useState('');
  const [titleZh, setTitleZh] = useState('');
  const [bodyEn, setBodyEn] = useState('');
  const [bodyZh, setBodyZh] = useState('');
  const [priority, setPriority] = useState<Priority>('urgent');
  const [requestType, setRequestType] = useState<RequestType>('preservation');
  const [urgency, setUrgency] = useState<Urgency>('urgent');
  const [pattern, setPattern] = useState('');
  const [marking, setMarking] = useState<Marking>('amber');
  const [added, setAdded] = useState<string | null>(null);
  const add = useSubmit(
    (body: AddInjectBody) => api.addInject(exercise.id, body),
    (_list, body) => {
      setAdded(t('exercises.console.added', { inject: body.id }));
      setSlug('');
      setTitleEn('');
      setTitleZh('');
      setBodyEn('');
      setBodyZh('');
      onAdded();
    },
  );
  const problems = problemsOf(add.problem?.error);
  const narrative = channel === 'narrative';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAdded(null);
    const atMinutes = at.trim() === '' ? undefined : parseScenarioTime(at);
    if (atMinutes === null) {
      add.fail({ message: t('exercises.clock.jumpInvalid'), field: 'at' });
      return;
    }
    void add.submit({
      id: slug.trim(),
      ...(atMinutes === undefined ? {} : { atMinutes }),
      from: narrative ? 'control' : ours,
      to: { side: narrative ? ours : theirs, role: 'officer' },
      channel,
      title: { en: titleEn.trim(), 'zh-CN': titleZh.trim() },
      body: { en: bodyEn.trim(), 'zh-CN': bodyZh.trim() },
      ...(channel === 'call' ? { priority } : {}),
      ...(channel === 'request' ? { requestType, urgency } : {}),
      ...(channel === 'case_object' ? { pattern: pattern.trim(), marking } : {}),
      expect: [],
    });
  };

  return (
    <form
      className="form card exercise-section"
      noValidate
      onSubmit={submit}
      aria-labelledby={`${id}-title`}
    >
      <h3 id={`${id}-title`}>{t('exercises.console.addTitle')}</h3>
      <p className="muted small">{t('exercises.console.addIntro', { ours, theirs })}</p>
      <Field label={t('exercises.console.channel')}>
        <select value={channel} onChange={(e) => setChannel(e.target.value as Channel)}>
          <option value="narrative">{t('exercises.console.narrativeTo', { side: ours })}</option>
          {SIDE_CHANNELS.map((c) => (
            <option key={c} value={c}>
              {t('exercises.console.channelTo', {
                channel: t(`exercises.channels.${c}`),
                side: theirs,
              })}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('exercises.console.id')} hint={t('exercises.console.idHint')}>
        <input
          value={slug}
          maxLength={63}
          autoComplete="off"
          onChange={(e) => setSlug(e.target.value)}
        />
      </Field>
      <Field
        label={t('exercises.console.at')}
        hint={t('exercises.console.atHint')}
        invalid={add.problem?.field === 'at'}
      >
        <input
          value={at}
          inputMode="numeric"
          placeholder="01:30"
          onChange={(e) => setAt(e.target.value)}
        />
      </Field>
      <Field label={t('exercises.console.titleEn')}>
        <input
          lang="en"
          value={titleEn}
          maxLength={300}
          onChange={(e) => setTitleEn(e.target.value)}
        />
      </Field>
      <Field label={t('exercises.console.titleZh')}>
        <input
          lang="zh-CN"
          value={titleZh}
          maxLength={300}
          onChange={(e) => setTitleZh(e.target.value)}
        />
      </Field>
      <Field label={t('exercises.console.bodyEn')}>
        <textarea lang="en" rows={3} value={bodyEn} onChange={(e) => setBodyEn(e.target.value)} />
      </Field>
      <Field label={t('exercises.console.bodyZh')}>
        <textarea
          lang="zh-CN"
          rows={3}
          value={bodyZh}
          onChange={(e) => setBodyZh(e.target.value)}
        />
      </Field>
      {channel === 'call' ? (
        <Field label={t('exercises.console.priority')}>
          <select value={priority} onChange={(e) => setPriority(e.target.value as Priority)}>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {t(`hotline.priorities.${p}`)}
              </option>
            ))}
          </select>
        </Field>
      ) : null}
      {channel === 'request' ? (
        <>
          <Field label={t('exercises.console.requestType')}>
            <select
              value={requestType}
              onChange={(e) => setRequestType(e.target.value as RequestType)}
            >
              {REQUEST_TYPES.map((r) => (
                <option key={r} value={r}>
                  {t(`requests.types.${r}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('exercises.console.urgency')}>
            <select value={urgency} onChange={(e) => setUrgency(e.target.value as Urgency)}>
              {URGENCIES.map((u) => (
                <option key={u} value={u}>
                  {t(`requests.urgencies.${u}`)}
                </option>
              ))}
            </select>
          </Field>
        </>
      ) : null}
      {channel === 'case_object' ? (
        <>
          <Field label={t('exercises.console.pattern')} hint={t('exercises.console.patternHint')}>
            <input
              value={pattern}
              spellCheck={false}
              onChange={(e) => setPattern(e.target.value)}
            />
          </Field>
          <Field label={t('exercises.console.marking')}>
            <select value={marking} onChange={(e) => setMarking(e.target.value as Marking)}>
              {MARKINGS.map((m) => (
                <option key={m} value={m}>
                  TLP:{m.toUpperCase()}
                </option>
              ))}
            </select>
          </Field>
        </>
      ) : null}
      {problems.length > 0 ? (
        <div className="alert alert-error" role="alert" data-testid="inject-problems">
          <p>{t('exercises.console.problems', { count: problems.length })}</p>
          <ul className="scenario-problems">
            {problems.map((p, index) => (
              <li key={index}>
                {p.field ? <code>{p.field}</code> : null} {p.message}
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <ProblemAlert
          problem={add.problem}
          fields={{
            id: t('exercises.console.id'),
            atMinutes: t('exercises.console.at'),
            'title.en': t('exercises.console.titleEn'),
            'title.zh-CN': t('exercises.console.titleZh'),
            'body.en': t('exercises.console.bodyEn'),
            'body.zh-CN': t('exercises.console.bodyZh'),
            pattern: t('exercises.console.pattern'),
          }}
        />
      )}
      {added ? (
        <div className="alert alert-ok" role="status">
          <p>{added}</p>
        </div>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={add.busy}>
          {t('exercises.console.add')}
        </button>
      </div>
    </form>
  );
}
