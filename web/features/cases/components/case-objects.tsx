import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import * as api from '../api';
import {
  FEEDBACK_USES,
  tlpRank,
  type CaseView,
  type FeedbackUse,
  type ObjectVersion,
  type ObjectView,
  type TlpLevel,
} from '../../../app/types';
import type { ObjectPages } from './case-object-pages';
import {
  FeedbackList,
  RedRecipientsField,
  TlpBadge,
  TlpField,
  isVersioned,
  objectLabel,
  text,
  typeName,
} from './cases';
import { Answer } from './case-attribution';
import { ObjectFiltersForm, isFiltered, type ObjectFilters } from './case-filters';
import { SharedState } from './case-object-sharing';
import { AsyncList } from '../../../ui/async-table';
import { ErrorAlert, ProblemAlert, type Problem } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { useSubmit } from '../../../ui/submit';
import { formatDateTime } from '../../../ui/format';
import { useUserTimeZone } from '../../../app/session';
import '../i18n';

type Action = 'version' | 'revoke' | 'delete' | 'marking' | 'history' | 'feedback';

interface Permissions {
  /** This node's id (null while it loads). */
  self: string | null;
  mayWrite: boolean;
  mayDeclassify: boolean;
}

/** A line of what the object says beyond its name (the pattern, the confidence …). */
function detailOf(view: ObjectView): string {
  const object = view.object;
  switch (view.type) {
    case 'indicator':
      return text(object, 'pattern');
    case 'opinion':
      return text(object, 'explanation');
    case 'note':
      return text(object, 'content');
    default:
      return text(object, 'description');
  }
}

/**
 * The case's objects, a page at a time: filters (type, marking, words, shared), the order,
 * "showing N of M", "Load more"; each row with its marking, origin, where it was shared,
 * the opinions and notes about it, and its actions. `target`
 * (a search hit's `?object=`) is shown first: its row when it is loaded, else a card.
 */
export function CaseObjects({
  detail,
  pages,
  filters,
  onFilters,
  byId,
  answers,
  permissions,
  target,
  onChanged,
}: {
  detail: CaseView;
  pages: ObjectPages;
  filters: ObjectFilters;
  onFilters: (filters: ObjectFilters) => void;
  byId: ReadonlyMap<string, ObjectView>;
  /** The opinions and notes about each object, by its id. */
  answers: ReadonlyMap<string, ObjectView[]>;
  permissions: Permissions;
  target: string | null;
  onChanged: (objectId?: string) => void;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<{ id: string; action: Action } | null>(null);
  const { objects, next, error, loadingMore, loadMore } = pages;
  // The linked object's row, once: scrolled to, marked, its history opened.
  const shown = useRef<string | null>(null);
  const targetLoaded = target !== null && (objects ?? []).some((o) => o.id === target);
  useEffect(() => {
    if (!target || !targetLoaded || shown.current === target) return;
    shown.current = target;
    setOpen({ id: target, action: 'history' });
    const row = document.querySelector(`tr[data-object-id="${CSS.escape(target)}"]`);
    if (row instanceof HTMLElement) {
      row.scrollIntoView({ block: 'center' });
      row.focus({ preventScroll: true });
    }
  }, [target, targetLoaded]);
  const filtered = isFiltered(filters);
  return (
    <>
      {target && objects !== null && !targetLoaded ? (
        <LinkedObject caseId={detail.id} objectId={target} />
      ) : null}
      <ObjectFiltersForm filters={filters} onFilters={onFilters} />
      {error ? <ErrorAlert error={error} /> : null}
      {objects === null ? (
        error ? null : (
          <p role="status">{t('common.loading')}</p>
        )
      ) : objects.length === 0 ? (
        <div className="empty" role="status">
          <p>{filtered ? t('cases.objects.noneMatch') : t('cases.objects.empty')}</p>
        </div>
      ) : (
        <>
          <ObjectTable
            objects={objects}
            detail={detail}
            byId={byId}
            answers={answers}
            permissions={permissions}
            target={target}
            open={open}
            setOpen={setOpen}
            onChanged={onChanged}
          />
          <div className="list-foot">
            <p className="muted small" role="status" data-testid="objects-shown">
              {filtered
                ? next
                  ? t('cases.objects.shownMatchingMore', {
                      count: objects.length,
                      total: detail.objectCount,
                    })
                  : t('cases.objects.shownMatching', {
                      count: objects.length,
                      total: detail.objectCount,
                    })
                : t('cases.objects.shown', {
                    count: objects.length,
                    total: Math.max(detail.objectCount, objects.length),
                  })}
            </p>
            {next ? (
              <button type="button" disabled={loadingMore} onClick={() => void loadMore()}>
                {loadingMore ? t('common.loading') : t('cases.objects.loadMore')}
              </button>
            ) : null}
          </div>
        </>
      )}
    </>
  );
}

/** The object a link named (`?object=`) when it is not among the loaded rows: its versions. */
function LinkedObject({ caseId, objectId }: { caseId: string; objectId: string }) {
  const { t } = useTranslation();
  const id = useId();
  const history = useObjectHistory(caseId, objectId);
  const last = history.versions?.[history.versions.length - 1];
  const type = objectId.split('--')[0] ?? '';
  const name = last ? versionLabel(last.object) || objectId : objectId;
  return (
    <section
      className="card linked-object"
      aria-labelledby={`${id}-title`}
      data-testid="linked-object"
    >
      <h3 id={`${id}-title`}>
        {t('cases.objects.linked', { type: typeName(t, type), name })}{' '}
        {last ? <TlpBadge level={last.tlp} /> : null}
      </h3>
      <p className="muted small">{t('cases.objects.linkedHint')}</p>
      <HistoryBody {...history} />
    </section>
  );
}

/**
 * An object's versions, read when the object (or its newest version, `modified`) changes;
 * an answer to an earlier object is dropped.
 */
function useObjectHistory(
  caseId: string,
  objectId: string,
  modified?: string | null,
): { versions: ObjectVersion[] | null; error: unknown } {
  const [versions, setVersions] = useState<ObjectVersion[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  // Another object: nothing of the last one's is shown while its versions are read.
  useEffect(() => setVersions(null), [caseId, objectId]);
  useEffect(() => {
    let live = true;
    setError(null);
    api.getObjectHistory(caseId, objectId).then(
      (list) => {
        if (live) setVersions(list);
      },
      (failure: unknown) => {
        if (live) setError(failure);
      },
    );
    return () => {
      live = false;
    };
  }, [caseId, objectId, modified]);
  return { versions, error };
}

/** The versions read, or what went wrong, or that they are being read. */
function HistoryBody({ versions, error }: { versions: ObjectVersion[] | null; error: unknown }) {
  const { t } = useTranslation();
  return (
    <>
      <AsyncList
        rows={versions}
        error={error}
        empty={<p className="muted">{t('cases.history.none')}</p>}
      >
        {(list) => <VersionList versions={list} />}
      </AsyncList>
    </>
  );
}

/** What a version is called: its name, value, explanation or content. */
function versionLabel(object: Record<string, unknown>): string {
  return (
    text(object, 'name') ||
    text(object, 'value') ||
    text(object, 'explanation') ||
    text(object, 'content')
  );
}

function ObjectTable({
  objects,
  detail,
  byId,
  answers,
  permissions,
  target,
  open,
  setOpen,
  onChanged,
}: {
  objects: ObjectView[];
  detail: CaseView;
  byId: ReadonlyMap<string, ObjectView>;
  answers: ReadonlyMap<string, ObjectView[]>;
  permissions: Permissions;
  target: string | null;
  open: { id: string; action: Action } | null;
  setOpen: (open: { id: string; action: Action } | null) => void;
  onChanged: (objectId?: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const zone = useUserTimeZone();
  const id = useId();
  return (
    <section className="case-objects" aria-label={t('cases.objects.tableLabel')}>
      <div className="table-wrap">
        <table data-testid="objects">
          <caption className="visually-hidden">{t('cases.objects.tableLabel')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('cases.objects.columns.name')}</th>
              <th scope="col">{t('cases.objects.columns.tlp')}</th>
              <th scope="col">{t('cases.objects.columns.origin')}</th>
              <th scope="col">{t('cases.objects.columns.state')}</th>
              <th scope="col">{t('cases.objects.columns.feedback')}</th>
              <th scope="col">{t('cases.objects.columns.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {objects.map((view) => {
              const own = permissions.self !== null && view.origin === permissions.self;
              const peer = permissions.self !== null && view.origin !== permissions.self;
              const action = open?.id === view.id ? open.action : null;
              const toggle = (next: Action) =>
                setOpen(action === next ? null : { id: view.id, action: next });
              const button = (next: Action, label: string, danger = false) => (
                <button
                  type="button"
                  className={danger ? 'button-quiet-danger' : 'button-quiet'}
                  aria-expanded={action === next}
                  aria-describedby={`${id}-${view.id}`}
                  onClick={() => toggle(next)}
                >
                  {label}
                </button>
              );
              const detailLine = detailOf(view);
              const classes = [
                view.revoked ? 'row-revoked' : '',
                view.id === target ? 'row-target' : '',
              ].filter(Boolean);
              return [
                <tr
                  key={view.id}
                  data-testid="object-row"
                  data-object-id={view.id}
                  tabIndex={view.id === target ? -1 : undefined}
                  aria-current={view.id === target ? 'true' : undefined}
                  className={classes.length > 0 ? classes.join(' ') : undefined}
                >
                  <td data-label={t('cases.objects.columns.name')}>
                    <span className="object-type small">{typeName(t, view.type)}</span>
                    <br />
                    <span id={`${id}-${view.id}`} className="object-name">
                      {objectLabel(t, view, byId)}
                    </span>
                    {view.type === 'relationship' &&
                    typeof view.object['confidence'] === 'number' ? (
                      <span className="tag">
                        {t('cases.attribution.confidence', {
                          confidence: view.object['confidence'],
                        })}
                      </span>
                    ) : null}
                    {detailLine ? (
                      <>
                        <br />
                        <span className="muted small object-detail">{detailLine}</span>
                      </>
                    ) : null}
                    <ObjectAnswers answers={answers.get(view.id) ?? []} self={permissions.self} />
                  </td>
                  <td data-label={t('cases.objects.columns.tlp')}>
                    <TlpBadge level={view.tlp} />
                    {view.tlp === 'red' && view.redRecipients.length > 0 ? (
                      <span className="muted small">
                        {' '}
                        {t('cases.objects.redTo', { nodes: view.redRecipients.join(', ') })}
                      </span>
                    ) : null}
                  </td>
                  <td data-label={t('cases.objects.columns.origin')}>
                    {own ? t('cases.thisNode', { node: view.origin }) : view.origin}
                  </td>
                  <td data-label={t('cases.objects.columns.state')}>
                    {view.revoked ? (
                      <span className="badge badge-off">{t('cases.objects.revoked')}</span>
                    ) : null}
                    {view.modified ? (
                      <span className="muted small nowrap">
                        {t('cases.objects.modified')}{' '}
                        <time dateTime={view.modified}>
                          {formatDateTime(view.modified, i18n.language, zone)}
                        </time>
                      </span>
                    ) : null}
                    {own && permissions.self !== null ? (
                      <SharedState
                        view={view}
                        detail={detail}
                        self={permissions.self}
                        mayWrite={permissions.mayWrite}
                        onShared={onChanged}
                      />
                    ) : null}
                  </td>
                  <td data-label={t('cases.objects.columns.feedback')}>
                    <FeedbackList feedback={view.feedback} />
                  </td>
                  <td
                    className="actions object-actions"
                    data-label={t('cases.objects.columns.actions')}
                  >
                    {own && permissions.mayWrite && isVersioned(view.type) && !view.revoked
                      ? button('version', t('cases.objects.newVersion'))
                      : null}
                    {own && permissions.mayWrite && isVersioned(view.type) && !view.revoked
                      ? button('revoke', t('cases.objects.revoke'), true)
                      : null}
                    {own && permissions.mayWrite
                      ? button('delete', t('cases.objects.delete'), true)
                      : null}
                    {own && permissions.mayWrite && isVersioned(view.type)
                      ? button('marking', t('cases.objects.marking'))
                      : null}
                    {button('history', t('cases.objects.history'))}
                    {peer && permissions.mayWrite
                      ? button('feedback', t('cases.objects.feedback'))
                      : null}
                  </td>
                </tr>,
                action ? (
                  <tr key={`${view.id}-panel`} className="object-panel">
                    <td colSpan={6}>
                      <ActionPanel
                        action={action}
                        view={view}
                        detail={detail}
                        byId={byId}
                        permissions={permissions}
                        onDone={() => {
                          setOpen(null);
                          onChanged(view.id);
                        }}
                        onCancel={() => setOpen(null)}
                      />
                    </td>
                  </tr>
                ) : null,
              ];
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function ActionPanel(props: {
  action: Action;
  view: ObjectView;
  detail: CaseView;
  byId: ReadonlyMap<string, ObjectView>;
  permissions: Permissions;
  onDone: () => void;
  onCancel: () => void;
}) {
  switch (props.action) {
    case 'version':
      return <VersionForm {...props} />;
    case 'revoke':
      return <ConfirmPanel {...props} kind="revoke" />;
    case 'delete':
      return <ConfirmPanel {...props} kind="delete" />;
    case 'marking':
      return <MarkingForm {...props} />;
    case 'history':
      return <History {...props} />;
    case 'feedback':
      return <FeedbackForm {...props} />;
  }
}

/** Runs a panel's action (useSubmit over the work given), then `onDone`. */
function useAction(onDone: () => void) {
  const action = useSubmit((work: () => Promise<unknown>) => work(), onDone);
  return {
    busy: action.busy,
    problem: action.problem,
    setProblem: action.fail,
    run: action.submit,
  };
}

/** What every action panel of an object row is given. */
interface PanelProps {
  view: ObjectView;
  detail: CaseView;
  onDone: () => void;
  onCancel: () => void;
}

/**
 * An action panel's form: its title, the problem, the fields, then one row of actions (the
 * submit button, `danger` for an irreversible one, and Cancel), all disabled while busy.
 */
function PanelForm({
  title,
  problem,
  busy,
  submitLabel,
  danger = false,
  refused = false,
  onSubmit,
  onCancel,
  children,
}: {
  title: string;
  problem: Problem | null;
  busy: boolean;
  submitLabel: string;
  danger?: boolean;
  /** The submit button is disabled (the user may not do this). */
  refused?: boolean;
  onSubmit: () => void;
  onCancel: () => void;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <form
      className="form object-form"
      noValidate
      aria-labelledby={`${id}-title`}
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <h4 id={`${id}-title`}>{title}</h4>
      <ProblemAlert problem={problem} />
      {children}
      <div className="form-actions">
        <button
          type="submit"
          className={danger ? 'button-danger' : 'button-primary'}
          disabled={busy || refused}
        >
          {submitLabel}
        </button>
        <button type="button" disabled={busy} onClick={onCancel}>
          {t('cases.objects.cancel')}
        </button>
      </div>
    </form>
  );
}

/** The properties a new version may change, by type. */
function editableOf(view: ObjectView): string[] {
  switch (view.type) {
    case 'opinion':
      return ['explanation'];
    case 'note':
      return ['abstract', 'content'];
    case 'relationship':
    case 'sighting':
      return ['description'];
    default:
      return ['name', 'description'];
  }
}

function VersionForm({ view, detail, onDone, onCancel }: PanelProps) {
  const { t } = useTranslation();
  const id = useId();
  const keys = editableOf(view);
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(keys.map((key) => [key, text(view.object, key)])),
  );
  const { busy, problem, setProblem, run } = useAction(onDone);
  const submit = () => {
    const changes = Object.fromEntries(
      keys
        .filter((key) => (values[key] ?? '') !== text(view.object, key))
        .map((key) => [key, (values[key] ?? '').trim()]),
    );
    if (Object.keys(changes).length === 0) {
      return setProblem({ message: t('cases.objects.nothingChanged') });
    }
    void run(() => api.updateCaseObject(detail.id, view.id, changes));
  };
  return (
    <PanelForm
      title={t('cases.objects.versionTitle')}
      problem={problem}
      busy={busy}
      submitLabel={t('cases.objects.saveVersion')}
      onSubmit={submit}
      onCancel={onCancel}
    >
      <p className="field-hint">{t('cases.objects.versionHint')}</p>
      {keys.map((key) => (
        <Field
          key={key}
          id={`${id}-${key}`}
          label={t(`cases.add.fields.${key as 'name' | 'description'}`)}
        >
          {key === 'name' || key === 'abstract' ? (
            <input
              value={values[key] ?? ''}
              maxLength={300}
              onChange={(e) => setValues((current) => ({ ...current, [key]: e.target.value }))}
            />
          ) : (
            <textarea
              rows={3}
              maxLength={20_000}
              value={values[key] ?? ''}
              onChange={(e) => setValues((current) => ({ ...current, [key]: e.target.value }))}
            />
          )}
        </Field>
      ))}
    </PanelForm>
  );
}

function ConfirmPanel({
  kind,
  view,
  detail,
  byId,
  onDone,
  onCancel,
}: PanelProps & { kind: 'revoke' | 'delete'; byId: ReadonlyMap<string, ObjectView> }) {
  const { t } = useTranslation();
  const { busy, problem, run } = useAction(onDone);
  const label = objectLabel(t, view, byId);
  const submit = () =>
    void run(() =>
      kind === 'revoke'
        ? api.revokeCaseObject(detail.id, view.id)
        : api.deleteCaseObject(detail.id, view.id),
    );
  return (
    <PanelForm
      title={t(kind === 'revoke' ? 'cases.objects.revokeTitle' : 'cases.objects.deleteTitle', {
        label,
      })}
      problem={problem}
      busy={busy}
      submitLabel={t(
        kind === 'revoke' ? 'cases.objects.confirmRevoke' : 'cases.objects.confirmDelete',
      )}
      danger
      onSubmit={submit}
      onCancel={onCancel}
    >
      <p>
        {t(kind === 'revoke' ? 'cases.objects.revokeExplain' : 'cases.objects.deleteExplain', {
          nodes: view.sharedWith.length > 0 ? view.sharedWith.join(', ') : '—',
        })}
      </p>
    </PanelForm>
  );
}

function MarkingForm({
  view,
  detail,
  permissions,
  onDone,
  onCancel,
}: PanelProps & { permissions: Permissions }) {
  const { t } = useTranslation();
  const id = useId();
  const [tlp, setTlp] = useState<TlpLevel>(view.tlp);
  const [reason, setReason] = useState('');
  const [red, setRed] = useState<string[]>(view.redRecipients);
  const { busy, problem, setProblem, run } = useAction(onDone);
  const lowering = tlpRank(tlp) < tlpRank(view.tlp);
  const refused = lowering && !permissions.mayDeclassify;
  const others = [detail.owner, ...detail.participants].filter((n) => n !== permissions.self);
  const submit = () => {
    if (tlp === view.tlp && tlp !== 'red') {
      return setProblem({ message: t('cases.objects.nothingChanged') });
    }
    if (lowering && reason.trim() === '') {
      return setProblem({ message: t('cases.marking.reasonRequired'), field: 'reason' });
    }
    void run(() =>
      api.setObjectMarking(detail.id, view.id, {
        tlp,
        reason: reason.trim(),
        ...(tlp === 'red' ? { redRecipients: red } : {}),
      }),
    );
  };
  return (
    <PanelForm
      title={t('cases.marking.title')}
      problem={problem}
      busy={busy}
      submitLabel={t('cases.marking.submit')}
      refused={refused}
      onSubmit={submit}
      onCancel={onCancel}
    >
      <p className="small">
        {t('cases.marking.current')} <TlpBadge level={view.tlp} />
      </p>
      <TlpField id={id} value={tlp} onChange={setTlp} label={t('cases.marking.new')} />
      <div className={lowering ? 'notice' : 'field-hint'} role={lowering ? 'note' : undefined}>
        <p>{t('cases.marking.lowerRule')}</p>
        {refused ? <p>{t('cases.marking.adminOnly')}</p> : null}
      </div>
      {tlp === 'red' ? <RedRecipientsField nodes={others} value={red} onChange={setRed} /> : null}
      <Field
        id={`${id}-reason`}
        label={lowering ? t('cases.marking.reasonRequiredLabel') : t('cases.marking.reason')}
        invalid={problem?.field === 'reason'}
      >
        <textarea
          rows={2}
          maxLength={2000}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </Field>
    </PanelForm>
  );
}

function History({ view, detail }: { view: ObjectView; detail: CaseView }) {
  const { t } = useTranslation();
  const id = useId();
  // A new version (view.modified) reads the history again.
  const history = useObjectHistory(detail.id, view.id, view.modified);
  return (
    <section className="object-history" aria-labelledby={`${id}-title`}>
      <h4 id={`${id}-title`}>{t('cases.history.title')}</h4>
      <HistoryBody {...history} />
    </section>
  );
}

/** An object's versions, oldest first, each with its date, marking and STIX JSON. */
function VersionList({ versions }: { versions: readonly ObjectVersion[] }) {
  const { t, i18n } = useTranslation();
  const zone = useUserTimeZone();
  if (versions.length === 0) return <p className="muted">{t('cases.history.none')}</p>;
  return (
    <ol className="history-list" aria-label={t('cases.history.title')}>
      {versions.map((version, index) => (
        <li key={`${version.modified ?? 'none'}-${index}`}>
          <strong>{t('cases.history.version', { n: index + 1 })}</strong>{' '}
          {version.modified ? (
            <time dateTime={version.modified}>
              {formatDateTime(version.modified, i18n.language, zone)}
            </time>
          ) : null}{' '}
          <TlpBadge level={version.tlp} />
          {version.object['revoked'] === true ? (
            <span className="badge badge-off">{t('cases.objects.revoked')}</span>
          ) : null}
          <span className="muted small"> {versionLabel(version.object)}</span>
          <details>
            <summary>{t('cases.history.json')}</summary>
            <pre className="stix-json">{JSON.stringify(version.object, null, 2)}</pre>
          </details>
        </li>
      ))}
    </ol>
  );
}

function FeedbackForm({ view, detail, onDone, onCancel }: PanelProps) {
  const { t } = useTranslation();
  const id = useId();
  const [use, setUse] = useState<FeedbackUse>('used_in_investigation');
  const [note, setNote] = useState('');
  const { busy, problem, run } = useAction(onDone);
  return (
    <PanelForm
      title={t('cases.feedback.title', { node: view.origin })}
      problem={problem}
      busy={busy}
      submitLabel={t('cases.feedback.submit')}
      onSubmit={() => void run(() => api.giveFeedback(detail.id, view.id, { use, note }))}
      onCancel={onCancel}
    >
      <p className="field-hint">{t('cases.feedback.hint', { node: view.origin })}</p>
      <Field id={`${id}-use`} label={t('cases.feedback.use')}>
        <select value={use} onChange={(e) => setUse(e.target.value as FeedbackUse)}>
          {FEEDBACK_USES.map((u) => (
            <option key={u} value={u}>
              {t(`cases.feedback.uses.${u}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field id={`${id}-note`} label={t('cases.feedback.note')}>
        <textarea
          rows={2}
          maxLength={2000}
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
      </Field>
    </PanelForm>
  );
}

/** The opinions and notes that name the object (their object_refs), under its name. */
function ObjectAnswers({ answers, self }: { answers: readonly ObjectView[]; self: string | null }) {
  const { t } = useTranslation();
  const id = useId();
  if (answers.length === 0) return null;
  return (
    <section
      className="object-answers"
      aria-labelledby={`${id}-title`}
      data-testid="object-answers"
    >
      <h4 id={`${id}-title`}>{t('cases.attribution.answersCount', { count: answers.length })}</h4>
      <ul className="plain">
        {answers.map((answer) => (
          <li key={answer.id}>
            <Answer answer={answer} self={self} />
          </li>
        ))}
      </ul>
    </section>
  );
}
