import { useCallback, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import type {
  AarView,
  CorrectiveActionBody,
} from '../../../../src/core/schemas/exercise-evaluation';
import * as api from '../api';
import { rolesAllow } from '../../../app/types';
import { useLiveEvent } from '../../../app/live-events';
import { useUser, useUserTimeZone } from '../../../app/session';
import { AsyncTable } from '../../../ui/async-table';
import { ErrorAlert, ProblemAlert } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { formatDateTime } from '../../../ui/format';
import { useLoader, usePageTitle } from '../../../ui/hooks';
import { PrintActions, PrintHeader } from '../../../ui/print';
import { useSubmit } from '../../../ui/submit';
import { isAbout, pick, scenarioTime } from '../components/exercise-parts';
import { ExerciseHead } from '../components/exercise-head';
import '../i18n';
import '../exercises.css';

type Side = 'A' | 'B';
type Outcome = AarView['expected']['ours'][number];

/**
 * The after-action report and improvement plan, HSEEP's layout: overview, objectives with
 * both sides' ratings side by side (where they diverge), the merged timeline, expected vs
 * actual, strengths, areas for improvement and corrective actions. Prints as it shows; the
 * node also exports it as a Word document in either language.
 */
export function AarPage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const user = useUser();
  const manages = rolesAllow(user.roles, 'exercises.manage');
  const loaded = useLoader(
    useCallback(async () => {
      const [exercise, aar] = await Promise.all([api.getExercise(id), api.getAar(id)]);
      return { exercise, aar };
    }, [id]),
  );
  const { data, error, reload } = loaded;
  useLiveEvent('resync', () => void reload());
  useLiveEvent('exercise.changed', (event) => {
    if (isAbout(event, id)) void reload();
  });
  const title = t('exercises.aar.title');
  const language = i18n.language;
  usePageTitle(data ? `${title} · ${pick(data.aar.overview.title, language)}` : title);

  return (
    <section className="page printable aar exercise-page">
      <PrintHeader />
      <ExerciseHead exercise={data?.exercise ?? null} title={title} current="aar" />
      {error ? <ErrorAlert error={error} /> : null}
      {data === null ? (
        error ? null : (
          <p role="status">{t('common.loading')}</p>
        )
      ) : (
        <>
          <div className="section-head">
            <p className="lead">{pick(data.aar.overview.title, language)}</p>
            <PrintActions>
              <a className="button-link" href={api.aarDocxUrl(id, language)} download>
                {t('exercises.aar.docx')}
              </a>
            </PrintActions>
          </div>
          <Overview aar={data.aar} />
          {manages ? <Share aar={data.aar} onShared={() => void reload()} /> : null}
          <Objectives aar={data.aar} />
          <Timeline aar={data.aar} />
          <Expected title={t('exercises.aar.expectedOurs')} rows={data.aar.expected.ours} />
          <Expected
            title={t('exercises.aar.expectedTheirs', { peer: data.aar.overview.peer })}
            rows={data.aar.expected.theirs}
            empty={t('exercises.aar.notShared')}
          />
          <Findings aar={data.aar} />
          <Plan aar={data.aar} manages={manages} onChanged={() => void reload()} />
        </>
      )}
    </section>
  );
}

function Overview({ aar }: { aar: AarView }) {
  const { t, i18n } = useTranslation();
  const zone = useUserTimeZone();
  const language = i18n.language;
  const o = aar.overview;
  const when = (iso: string | null) =>
    iso ? formatDateTime(iso, language, zone) : t('exercises.aar.none');
  const people = (p: AarView['overview']['participants']['ours'] | null) =>
    p
      ? t('exercises.aar.people', {
          controllers: p.controllers,
          evaluators: p.evaluators,
          players: p.players,
        })
      : t('exercises.aar.notShared');
  const theirSide: Side = o.side === 'A' ? 'B' : 'A';
  return (
    <section className="exercise-section aar-section" aria-labelledby="aar-overview">
      <h2 id="aar-overview">{t('exercises.aar.overview')}</h2>
      <p>{pick(o.summary, language)}</p>
      <dl className="facts">
        <div>
          <dt>{t('exercises.fields.scenario')}</dt>
          <dd>
            {o.scenarioId} ({t('exercises.version', { version: o.scenarioVersion })})
          </dd>
        </div>
        <div>
          <dt>{t('exercises.aar.sides')}</dt>
          <dd>
            {t('exercises.aar.us', { side: o.side })}: {pick(o.sides[o.side], language)}
            <br />
            {t('exercises.aar.them', { side: theirSide, peer: o.peer })}:{' '}
            {pick(o.sides[theirSide], language)}
          </dd>
        </div>
        <div>
          <dt>{t('exercises.aar.started')}</dt>
          <dd>{when(o.startedAt)}</dd>
        </div>
        <div>
          <dt>{t('exercises.aar.ended')}</dt>
          <dd>{when(o.endedAt)}</dd>
        </div>
        <div>
          <dt>{t('exercises.scenarios.duration')}</dt>
          <dd>{scenarioTime(o.durationMinutes).slice(2)}</dd>
        </div>
        <div>
          <dt>{t('exercises.aar.participants')}</dt>
          <dd>
            {t('exercises.aar.us', { side: o.side })}: {people(o.participants.ours)}
            <br />
            {t('exercises.aar.them', { side: theirSide, peer: o.peer })}:{' '}
            {people(o.participants.theirs)}
          </dd>
        </div>
        <div>
          <dt>{t('exercises.aar.shared')}</dt>
          <dd data-testid="aar-shared">
            {t('exercises.aar.us', { side: o.side })}: {when(aar.sharedAt.ours)}
            <br />
            {t('exercises.aar.them', { side: theirSide, peer: o.peer })}:{' '}
            {when(aar.sharedAt.theirs)}
          </dd>
        </div>
      </dl>
    </section>
  );
}

function Share({ aar, onShared }: { aar: AarView; onShared: () => void }) {
  const { t } = useTranslation();
  const share = useSubmit(api.shareAar, onShared);
  return (
    <div className="card no-print exercise-section">
      <p>{t(aar.sharedAt.ours ? 'exercises.aar.shareAgain' : 'exercises.aar.shareIntro')}</p>
      <ProblemAlert problem={share.problem} />
      <button
        type="button"
        className="button-primary"
        disabled={share.busy}
        onClick={() => void share.submit(aar.exerciseId)}
      >
        {t('exercises.aar.share', { peer: aar.overview.peer })}
      </button>
    </div>
  );
}

function RatingCell({ rating, note }: { rating: string | null; note: string }) {
  const { t } = useTranslation();
  if (rating === null) return <span className="muted">—</span>;
  return (
    <>
      <span className={`badge rating-${rating}`} title={t(`exercises.ratings.${rating as 'P'}`)}>
        {rating}
      </span>
      <span className="small">{t(`exercises.ratings.${rating as 'P'}`)}</span>
      {note ? <div className="small muted">{note}</div> : null}
    </>
  );
}

function Objectives({ aar }: { aar: AarView }) {
  const { t, i18n } = useTranslation();
  const rows = aar.objectives.flatMap((objective) =>
    objective.ratings.map((pair) => ({ objective, pair })),
  );
  return (
    <section className="exercise-section aar-section" aria-labelledby="aar-objectives">
      <h2 id="aar-objectives">{t('exercises.aar.objectives')}</h2>
      <AsyncTable
        rows={rows}
        empty={<p className="muted">{t('exercises.aar.nothing')}</p>}
        label={t('exercises.aar.objectives')}
        rowKey={(row) => `${row.objective.id}|${row.pair.capability ?? ''}`}
        rowClassName={(row) => (row.pair.diverge ? 'row-alert' : undefined)}
        rowTestId="aar-rating"
        columns={[
          {
            header: t('exercises.aar.objectiveCapability'),
            rowHeader: true,
            cell: ({ objective, pair }) => (
              <>
                {pair.capability === null ? (
                  pick(objective.text, i18n.language)
                ) : (
                  <span className="small">
                    {t('exercises.evaluate.capability', { capability: pair.capability })}
                  </span>
                )}
                {pair.diverge ? <span className="tag">{t('exercises.aar.diverge')}</span> : null}
              </>
            ),
          },
          {
            header: t('exercises.aar.ours'),
            cell: ({ pair }) => <RatingCell rating={pair.ours} note={pair.oursNote} />,
          },
          {
            header: t('exercises.aar.theirs', { peer: aar.overview.peer }),
            cell: ({ pair }) => <RatingCell rating={pair.theirs} note={pair.theirsNote} />,
          },
        ]}
      />
    </section>
  );
}

function Timeline({ aar }: { aar: AarView }) {
  const { t, i18n } = useTranslation();
  const zone = useUserTimeZone();
  return (
    <section className="exercise-section aar-section" aria-labelledby="aar-timeline">
      <h2 id="aar-timeline">{t('exercises.aar.timeline')}</h2>
      <AsyncTable
        rows={aar.timeline}
        empty={<p className="muted">{t('exercises.aar.nothing')}</p>}
        label={t('exercises.aar.timeline')}
        rowKey={(entry) => entry.key}
        rowTestId="aar-timeline"
        columns={[
          {
            header: t('exercises.msel.at'),
            className: 'nowrap',
            cell: (entry) => (
              <>
                {scenarioTime(entry.scenarioMinutes)}
                <div className="small muted">{formatDateTime(entry.at, i18n.language, zone)}</div>
              </>
            ),
          },
          {
            header: t('exercises.aar.side'),
            className: 'nowrap',
            cell: (entry) => t('exercises.sideName', { side: entry.side }),
          },
          {
            header: t('exercises.aar.what'),
            cell: (entry) => (
              <>
                <span className="tag">{t(`exercises.aar.kinds.${entry.kind}`)}</span>{' '}
                {pick(entry.title, i18n.language)}
              </>
            ),
          },
          { header: t('exercises.aar.detail'), cell: (entry) => entry.detail },
        ]}
      />
    </section>
  );
}

function Expected({ title, rows, empty }: { title: string; rows: Outcome[]; empty?: string }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  return (
    <section className="exercise-section aar-section" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <AsyncTable
        rows={rows}
        empty={<p className="muted">{empty ?? t('exercises.aar.nothing')}</p>}
        label={title}
        rowKey={(o) => o.expectedId}
        columns={[
          {
            header: t('exercises.observations.expected'),
            rowHeader: true,
            cell: (o) => pick(o.text, i18n.language),
          },
          { header: t('exercises.observations.objective'), cell: (o) => o.objective },
          {
            header: t('exercises.observations.due'),
            className: 'nowrap',
            cell: (o) => scenarioTime(o.dueMinutes),
          },
          {
            header: t('exercises.aar.actual'),
            cell: (o) => (
              <>
                <span className={`badge observation-${o.state}`}>
                  {t(`exercises.observations.states.${o.state}`)}
                </span>
                {o.scenarioMinutes !== null ? (
                  <span className="small muted"> {scenarioTime(o.scenarioMinutes)}</span>
                ) : null}
              </>
            ),
          },
        ]}
      />
    </section>
  );
}

function Findings({ aar }: { aar: AarView }) {
  const { t } = useTranslation();
  const list = (items: { side: Side; text: string }[]) =>
    items.length === 0 ? (
      <p className="muted">{t('exercises.aar.nothing')}</p>
    ) : (
      <ul>
        {items.map((item, index) => (
          <li key={index}>
            <span className="tag">{t('exercises.sideName', { side: item.side })}</span> {item.text}
          </li>
        ))}
      </ul>
    );
  return (
    <>
      <section className="exercise-section aar-section" aria-labelledby="aar-strengths">
        <h2 id="aar-strengths">{t('exercises.aar.strengths')}</h2>
        {list(aar.strengths)}
      </section>
      <section className="exercise-section aar-section" aria-labelledby="aar-improvements">
        <h2 id="aar-improvements">{t('exercises.aar.improvements')}</h2>
        {list(aar.improvements)}
      </section>
    </>
  );
}

function Plan({
  aar,
  manages,
  onChanged,
}: {
  aar: AarView;
  manages: boolean;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const remove = useSubmit(api.removeCorrectiveAction, onChanged);
  const ourSide = aar.overview.side;
  return (
    <section className="exercise-section aar-section" aria-labelledby="aar-plan">
      <h2 id="aar-plan">{t('exercises.aar.plan')}</h2>
      <ProblemAlert problem={remove.problem} />
      <AsyncTable
        rows={aar.correctiveActions}
        empty={<p className="muted">{t('exercises.aar.noActions')}</p>}
        label={t('exercises.aar.plan')}
        rowKey={(a) => `${a.side}-${a.id}`}
        rowTestId="corrective-action"
        columns={[
          { header: t('exercises.aar.action'), rowHeader: true, cell: (a) => a.title },
          { header: t('exercises.aar.capability'), cell: (a) => a.capability },
          {
            header: t('exercises.aar.owner'),
            cell: (a) => (
              <>
                {a.owner}
                <div className="small muted">{t('exercises.sideName', { side: a.ownerSide })}</div>
              </>
            ),
          },
          {
            header: t('exercises.aar.dates'),
            className: 'nowrap',
            cell: (a) => `${a.startDate} – ${a.dueDate}`,
          },
          {
            header: t('exercises.fields.status'),
            cell: (a) => t(`exercises.aar.statuses.${a.status}`),
          },
          ...(manages
            ? [
                {
                  header: t('exercises.list.actions'),
                  hiddenHeader: true,
                  className: 'no-print',
                  cell: (a: AarView['correctiveActions'][number]) =>
                    a.side === ourSide ? (
                      <button
                        type="button"
                        className="button-quiet"
                        disabled={remove.busy}
                        onClick={() => void remove.submit(aar.exerciseId, a.id)}
                      >
                        {t('exercises.evaluate.remove')}
                      </button>
                    ) : null,
                },
              ]
            : []),
        ]}
      />
      {manages ? <AddAction aar={aar} onAdded={onChanged} /> : null}
    </section>
  );
}

function AddAction({ aar, onAdded }: { aar: AarView; onAdded: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const today = new Date().toISOString().slice(0, 10);
  const capabilities = [...new Set(aar.objectives.flatMap((o) => o.capabilities))];
  const empty = (): CorrectiveActionBody => ({
    title: '',
    capability: capabilities[0] ?? '',
    ownerSide: aar.overview.side,
    owner: '',
    startDate: today,
    dueDate: today,
    status: 'open',
  });
  const [form, setForm] = useState<CorrectiveActionBody>(empty);
  const set = (change: Partial<CorrectiveActionBody>) =>
    setForm((current) => ({ ...current, ...change }));
  const add = useSubmit(api.addCorrectiveAction, () => {
    setForm(empty());
    onAdded();
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void add.submit(aar.exerciseId, {
      ...form,
      title: form.title.trim(),
      owner: form.owner.trim(),
    });
  };
  const labels = {
    title: t('exercises.aar.action'),
    capability: t('exercises.aar.capability'),
    owner: t('exercises.aar.owner'),
    startDate: t('exercises.aar.start'),
    dueDate: t('exercises.aar.due'),
  };
  return (
    <form className="form card no-print exercise-section" noValidate onSubmit={submit}>
      <h3>{t('exercises.aar.addAction')}</h3>
      <ProblemAlert problem={add.problem} fields={labels} />
      <Field label={labels.title}>
        <input
          value={form.title}
          maxLength={300}
          onChange={(e) => set({ title: e.target.value })}
        />
      </Field>
      <Field label={labels.capability}>
        <select value={form.capability} onChange={(e) => set({ capability: e.target.value })}>
          {capabilities.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </Field>
      <fieldset className="checkboxes">
        <legend>{t('exercises.aar.ownerSide')}</legend>
        {(['A', 'B'] as const).map((s) => (
          <div key={s} className="checkbox">
            <input
              type="radio"
              id={`${id}-side-${s}`}
              name={`${id}-side`}
              checked={form.ownerSide === s}
              onChange={() => set({ ownerSide: s })}
            />
            <label htmlFor={`${id}-side-${s}`}>{t('exercises.sideName', { side: s })}</label>
          </div>
        ))}
      </fieldset>
      <Field label={labels.owner}>
        <input
          value={form.owner}
          maxLength={200}
          onChange={(e) => set({ owner: e.target.value })}
        />
      </Field>
      <Field label={labels.startDate}>
        <input
          type="date"
          value={form.startDate}
          onChange={(e) => set({ startDate: e.target.value })}
        />
      </Field>
      <Field label={labels.dueDate}>
        <input
          type="date"
          value={form.dueDate}
          onChange={(e) => set({ dueDate: e.target.value })}
        />
      </Field>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={add.busy}>
          {t('exercises.aar.addAction')}
        </button>
      </div>
    </form>
  );
}
