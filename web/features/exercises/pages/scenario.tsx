import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import type { ScenarioView } from '../../../../src/core/schemas/exercises';
import * as api from '../api';
import { ApiError } from '../../../app/client';
import { rolesAllow } from '../../../app/types';
import { useUser } from '../../../app/session';
import { ErrorAlert, ProblemAlert } from '../../../ui/errors';
import { useLoader, usePageTitle } from '../../../ui/hooks';
import { useSubmit } from '../../../ui/submit';
import { pick, scenarioTime } from '../components/exercise-parts';
import '../i18n';
import '../exercises.css';

type Inject = ScenarioView['injects'][number];

/** A scenario: its sides, objectives and MSEL; the expected actions for controllers only. */
export function ScenarioPage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const user = useUser();
  const manages = rolesAllow(user.roles, 'exercises.manage');
  const { data: scenario, error } = useLoader(useCallback(() => api.getScenario(id), [id]));
  const language = i18n.language;
  const title = scenario ? pick(scenario.title, language) : t('exercises.scenarios.one');
  usePageTitle(title);

  return (
    <section className="page exercise-page">
      <p className="small no-print">
        <Link to="/exercises">{t('exercises.title')}</Link>
      </p>
      <div className="section-head">
        <h1>{title}</h1>
        {manages && scenario ? (
          <Link className="button-link" to={`/exercises/scenarios/${encodeURIComponent(id)}/edit`}>
            {t('exercises.scenarios.edit')}
          </Link>
        ) : null}
      </div>
      {error ? <ErrorAlert error={error} /> : null}
      {scenario === null ? (
        error ? null : (
          <p role="status">{t('common.loading')}</p>
        )
      ) : (
        <>
          <p className="lead">{pick(scenario.summary, language)}</p>
          <dl className="facts">
            <div>
              <dt>{t('exercises.scenarios.id')}</dt>
              <dd>
                <code>{scenario.id}</code>{' '}
                <span className="tag">{t('exercises.version', { version: scenario.version })}</span>
              </dd>
            </div>
            <div>
              <dt>{t('exercises.scenarios.duration')}</dt>
              <dd>{scenarioTime(scenario.durationMinutes).slice(2)}</dd>
            </div>
            <div>
              <dt>{t('exercises.scenarios.origin')}</dt>
              <dd>{t(`exercises.scenarios.origins.${scenario.origin}`)}</dd>
            </div>
            {(['A', 'B'] as const).map((side) => (
              <div key={side}>
                <dt>{t('exercises.sideName', { side })}</dt>
                <dd>{pick(scenario.sides[side].description, language)}</dd>
              </div>
            ))}
          </dl>
          <h2>{t('exercises.scenarios.objectives')}</h2>
          <ul>
            {scenario.objectives.map((objective) => (
              <li key={objective.id}>
                {pick(objective.text, language)} <span className="tag">{objective.id}</span>
                {objective.capabilities.map((c) => (
                  <span key={c} className="badge">
                    {c}
                  </span>
                ))}
              </li>
            ))}
          </ul>
          <h2>{t('exercises.msel.title')}</h2>
          {!scenario.withExpectations ? (
            <p className="muted">{t('exercises.scenarios.noExpectations')}</p>
          ) : null}
          <ol className="feed-list">
            {scenario.injects.map((inject) => (
              <ScenarioInject key={inject.id} inject={inject} />
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

function ScenarioInject({ inject }: { inject: Inject }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const from =
    inject.from === 'control'
      ? t('exercises.msel.control')
      : t('exercises.sideName', { side: inject.from });
  return (
    <li className="feed-item">
      <p className="small">
        <strong>{scenarioTime(inject.atMinutes)}</strong> ·{' '}
        {t('exercises.msel.fromTo', {
          from,
          to: t('exercises.sideName', { side: inject.to.side }),
        })}{' '}
        ({t(`exercises.roles.${inject.to.role}`)}) ·{' '}
        <span className="badge">{t(`exercises.channels.${inject.channel}`)}</span>
        <span className="tag">{inject.id}</span>
      </p>
      <h3>{pick(inject.title, language)}</h3>
      <p>{pick(inject.body, language)}</p>
      {inject.expect.length > 0 ? (
        <>
          <p className="small">
            <strong>{t('exercises.scenarios.expected')}</strong>
          </p>
          <ul className="small">
            {inject.expect.map((e) => (
              <li key={e.id}>
                {t('exercises.sideName', { side: e.side })}: {pick(e.text, language)} (
                {t(`exercises.actions.${e.action}`)},{' '}
                {t('exercises.scenarios.within', { time: scenarioTime(e.withinMinutes).slice(2) })})
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </li>
  );
}

/** One mistake the node found in a scenario's YAML (400 invalid_scenario). */
interface ScenarioProblem {
  line: number;
  column: number;
  field: string;
  message: string;
}

function problemsOf(error: unknown): ScenarioProblem[] {
  if (!(error instanceof ApiError) || error.code !== 'invalid_scenario') return [];
  const problems = error.details['problems'];
  return Array.isArray(problems) ? (problems as ScenarioProblem[]) : [];
}

const TEMPLATE = `format: liaison-scenario/1
id: my-scenario
version: 1
title:
  en: ''
  zh-CN: ''
summary:
  en: ''
  zh-CN: ''
sides:
  A:
    description: { en: '', zh-CN: '' }
  B:
    description: { en: '', zh-CN: '' }
duration: '02:00'
objectives: []
injects: []
`;

/**
 * A scenario's YAML, to import (no id) or edit: the node reads it and names each mistake
 * by line, column and field, listed beside the text (a click puts the cursor on the line).
 */
export function ScenarioEditPage() {
  const { t } = useTranslation();
  const { id } = useParams();
  const navigate = useNavigate();
  const formId = useId();
  const text = useRef<HTMLTextAreaElement>(null);
  const [source, setSource] = useState<string | null>(id ? null : TEMPLATE);
  const [loadError, setLoadError] = useState<unknown>(null);
  const title = id ? t('exercises.scenarios.editTitle', { id }) : t('exercises.scenarios.import');
  usePageTitle(title);

  useEffect(() => {
    if (!id) return;
    let live = true;
    api.getScenarioSource(id).then(
      (loaded) => {
        if (live) setSource(loaded.source);
      },
      (failure: unknown) => {
        if (live) setLoadError(failure);
      },
    );
    return () => {
      live = false;
    };
  }, [id]);

  const save = useSubmit(
    (yaml: string) => (id ? api.updateScenario(id, yaml) : api.createScenario(yaml)),
    (scenario) => void navigate(`/exercises/scenarios/${encodeURIComponent(scenario.id)}`),
  );
  const problems = problemsOf(save.problem?.error);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (source !== null) void save.submit(source);
  };

  const goToLine = (line: number) => {
    const area = text.current;
    if (!area || source === null) return;
    const lines = source.split('\n');
    const start = lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0);
    area.focus();
    area.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
    // Scroll the line into view: about one line-height per line.
    const lineHeight = parseFloat(getComputedStyle(area).lineHeight) || 18;
    area.scrollTop = Math.max(0, (line - 4) * lineHeight);
  };

  return (
    <section className="page exercise-page">
      <p className="small no-print">
        <Link to={id ? `/exercises/scenarios/${encodeURIComponent(id)}` : '/exercises'}>
          {id ? t('exercises.scenarios.back') : t('exercises.title')}
        </Link>
      </p>
      <h1>{title}</h1>
      <p className="lead">{t('exercises.scenarios.editIntro')}</p>
      {loadError ? <ErrorAlert error={loadError} /> : null}
      {source === null ? (
        loadError ? null : (
          <p role="status">{t('common.loading')}</p>
        )
      ) : (
        <form className="scenario-editor" noValidate onSubmit={submit}>
          <div className="field">
            <label htmlFor={`${formId}-source`}>{t('exercises.scenarios.source')}</label>
            <textarea
              ref={text}
              id={`${formId}-source`}
              className="scenario-source"
              value={source}
              spellCheck={false}
              autoCapitalize="off"
              autoCorrect="off"
              wrap="off"
              aria-invalid={problems.length > 0 ? true : undefined}
              aria-describedby={problems.length > 0 ? `${formId}-problems` : undefined}
              onChange={(e) => setSource(e.target.value)}
            />
            <div className="form-actions">
              <button type="submit" className="button-primary" disabled={save.busy}>
                {id ? t('exercises.scenarios.save') : t('exercises.scenarios.add')}
              </button>
            </div>
          </div>
          <div>
            {problems.length > 0 ? (
              <div
                className="alert alert-error"
                role="alert"
                id={`${formId}-problems`}
                data-testid="scenario-problems"
              >
                <p>{t('exercises.scenarios.problems', { count: problems.length })}</p>
                <ol className="scenario-problems">
                  {problems.map((p, index) => (
                    <li key={index}>
                      <button
                        type="button"
                        className="button-quiet"
                        onClick={() => goToLine(p.line)}
                      >
                        {t('exercises.scenarios.lineColumn', { line: p.line, column: p.column })}
                      </button>
                      {p.field ? (
                        <>
                          {' '}
                          <code>{p.field}</code>
                        </>
                      ) : null}
                      : {p.message}
                    </li>
                  ))}
                </ol>
              </div>
            ) : (
              <ProblemAlert problem={save.problem} />
            )}
          </div>
        </form>
      )}
    </section>
  );
}
