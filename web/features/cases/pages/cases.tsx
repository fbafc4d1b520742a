import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import * as api from '../api';
import {
  CASE_KINDS,
  rolesAllow,
  type CaseKind,
  type CasePriority,
  type CaseSearchResult,
  type CaseStatus,
  type CaseView,
} from '../../../app/types';
import { CasePriorityBadge, CaseStatusBadge, TlpBadge, typeName } from '../components/cases';
import { ChoiceField } from '../../../ui/choice-field';
import { CaseListFilters, PriorityFields } from '../components/case-filters';
import { AsyncList, AsyncTable } from '../../../ui/async-table';
import { ProblemAlert, problemFields } from '../../../ui/errors';
import { Field } from '../../../ui/field';
import { useSubmit } from '../../../ui/submit';
import { formatDateTime } from '../../../ui/format';
import { useCoalesced, usePageTitle } from '../../../ui/hooks';
import { useLiveEvent } from '../../../app/live-events';
import { useSession, useUser, useUserTimeZone } from '../../../app/session';
import '../i18n';
import { ExerciseBadge } from '../../exercises/components/exercise-badge';

/** Cases asked for per page; "Load more" asks for the next. */
export const CASES_PAGE = 100;

type CaseFilters = { status?: CaseStatus; priorityCase?: boolean };

/**
 * The cases, page by page, most recently changed first: the first page when the filters
 * change, the next with `loadMore`; `refresh` reads the first page again and keeps the
 * pages loaded after it (a live event does not read every loaded page again).
 */
function useCasePages(filters: CaseFilters) {
  const [cases, setCases] = useState<CaseView[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const generation = useRef(0);
  const loaded = useRef<{ cases: CaseView[] | null; next: string | null }>({
    cases: null,
    next: null,
  });
  const { status, priorityCase } = filters;
  const query = useCallback(
    (cursor?: string) =>
      api.listCases({
        ...(status ? { status } : {}),
        ...(priorityCase !== undefined ? { priorityCase } : {}),
        limit: CASES_PAGE,
        ...(cursor ? { cursor } : {}),
      }),
    [status, priorityCase],
  );
  const show = useCallback((list: CaseView[] | null, cursor: string | null) => {
    loaded.current = { cases: list, next: cursor };
    setCases(list);
    setNext(cursor);
  }, []);
  useEffect(() => {
    const mine = ++generation.current;
    show(null, null);
    setError(null);
    query().then(
      (page) => {
        if (generation.current === mine) show(page.cases, page.next);
      },
      (failure: unknown) => {
        if (generation.current === mine) setError(failure);
      },
    );
  }, [query, show]);
  const loadMore = async () => {
    const { cases: before, next: cursor } = loaded.current;
    if (before === null || cursor === null) return;
    const mine = generation.current;
    setLoadingMore(true);
    try {
      const page = await query(cursor);
      if (generation.current !== mine) return;
      const ids = new Set(before.map((c) => c.id));
      show([...before, ...page.cases.filter((c) => !ids.has(c.id))], page.next);
      setError(null);
    } catch (failure) {
      if (generation.current === mine) setError(failure);
    } finally {
      setLoadingMore(false);
    }
  };
  const refresh = useCallback(async () => {
    const mine = generation.current;
    try {
      const page = await query();
      if (generation.current !== mine) return;
      const { cases: before, next: cursor } = loaded.current;
      if (before === null || before.length <= CASES_PAGE) return show(page.cases, page.next);
      const ids = new Set(page.cases.map((c) => c.id));
      show([...page.cases, ...before.filter((c) => !ids.has(c.id))], cursor);
      setError(null);
    } catch (failure) {
      if (generation.current === mine) setError(failure);
    }
  }, [query, show]);
  return { cases, next, error, loadingMore, loadMore, refresh };
}

/** The links between the cases' pages. */
export function CasesTabs() {
  const { t } = useTranslation();
  return (
    <p className="page-links small">
      <Link to="/cases">{t('cases.links.list')}</Link>
      <Link to="/cases/report">{t('cases.links.report')}</Link>
    </p>
  );
}

/** The cases this node holds (its own and those peers shared), and "Open a case". */
export function CasesPage() {
  const { t } = useTranslation();
  const user = useUser();
  const mayWrite = rolesAllow(user.roles, 'cases.write');
  usePageTitle(t('cases.title'));
  const [status, setStatus] = useState<CaseStatus | ''>('');
  const [priorityOnly, setPriorityOnly] = useState(false);
  const { cases, next, error, loadingMore, loadMore, refresh } = useCasePages({
    ...(status ? { status } : {}),
    ...(priorityOnly ? { priorityCase: true } : {}),
  });
  // A case shared with this node, or changed; its objects arriving change its count.
  useLiveEvent(['resync', 'case.changed', 'case.object'], useCoalesced(refresh));
  const [composing, setComposing] = useState(false);

  return (
    <section className="page">
      <div className="section-head">
        <h1>{t('cases.title')}</h1>
        {mayWrite && !composing ? (
          <button type="button" className="button-primary" onClick={() => setComposing(true)}>
            {t('cases.open')}
          </button>
        ) : null}
      </div>
      <p className="lead">{t('cases.intro')}</p>
      <CasesTabs />
      {composing ? <OpenCaseForm onCancel={() => setComposing(false)} /> : null}
      <CaseListFilters
        status={status}
        onStatus={setStatus}
        priorityOnly={priorityOnly}
        onPriorityOnly={setPriorityOnly}
      />
      <AsyncList
        rows={cases}
        error={error}
        empty={<p>{status || priorityOnly ? t('cases.emptyFiltered') : t('cases.empty')}</p>}
      >
        {(list) => (
          <>
            <CaseTable cases={list} />
            <div className="list-foot">
              <p className="muted small" role="status" data-testid="cases-shown">
                {next
                  ? t('cases.shownMore', { count: list.length })
                  : t('cases.shownAll', { count: list.length })}
              </p>
              {next ? (
                <button type="button" disabled={loadingMore} onClick={() => void loadMore()}>
                  {loadingMore ? t('common.loading') : t('cases.loadMore')}
                </button>
              ) : null}
            </div>
          </>
        )}
      </AsyncList>
      <CaseSearch />
    </section>
  );
}

/** The cases loaded, a row each. */
function CaseTable({ cases }: { cases: readonly CaseView[] }) {
  const { t, i18n } = useTranslation();
  const zone = useUserTimeZone();
  const self = useSession().node.node?.nodeId;
  return (
    <AsyncTable
      rows={cases}
      empty={null}
      label={t('cases.title')}
      rowKey={(c) => c.id}
      rowTestId="case-row"
      columns={[
        {
          header: t('cases.columns.title'),
          cell: (c) => (
            <>
              <Link to={`/cases/${c.id}`}>{c.title}</Link>
              <ExerciseBadge exerciseId={c.exerciseId} />
              {c.priorityCase ? (
                <span className="badge priority-case">{t('cases.priorityCase')}</span>
              ) : null}
            </>
          ),
        },
        { header: t('cases.columns.kind'), cell: (c) => t(`cases.kinds.${c.kind}`) },
        {
          header: t('cases.columns.priority'),
          cell: (c) => <CasePriorityBadge priority={c.priority} />,
        },
        { header: t('cases.columns.status'), cell: (c) => <CaseStatusBadge status={c.status} /> },
        {
          header: t('cases.columns.owner'),
          cell: (c) => (c.owner === self ? t('cases.thisNode', { node: c.owner }) : c.owner),
        },
        {
          header: t('cases.columns.participants'),
          cell: (c) => (c.participants.length > 0 ? c.participants.join(', ') : '—'),
        },
        { header: t('cases.columns.objects'), cell: (c) => c.objectCount, className: 'num' },
        {
          header: t('cases.columns.updated'),
          cell: (c) => (
            <time dateTime={c.updatedAt}>{formatDateTime(c.updatedAt, i18n.language, zone)}</time>
          ),
          className: 'nowrap',
        },
      ]}
    />
  );
}

function OpenCaseForm({ onCancel }: { onCancel: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const navigate = useNavigate();
  const [title, setTitle] = useState('');
  const [summary, setSummary] = useState('');
  const [kind, setKind] = useState<CaseKind>('hacking');
  const [priority, setPriority] = useState<CasePriority>('medium');
  const [priorityCase, setPriorityCase] = useState(false);
  const open = useSubmit(api.createCase, (created) => void navigate(`/cases/${created.id}`));
  const busy = open.busy;
  const invalid = problemFields(open.problem);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (title.trim() === '') {
      open.fail({ message: t('cases.form.titleRequired'), field: 'title' });
      return;
    }
    void open.submit({
      title: title.trim(),
      summary: summary.trim(),
      kind,
      priority,
      priorityCase,
    });
  };

  return (
    <section className="card case-form" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('cases.form.heading')}</h2>
      <form className="form" noValidate onSubmit={submit}>
        <ProblemAlert problem={open.problem} />
        <Field id={`${id}-name`} label={t('cases.form.title')} invalid={invalid.has('title')}>
          <input value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} />
        </Field>
        <Field id={`${id}-summary`} label={t('cases.form.summary')}>
          <textarea
            rows={3}
            maxLength={20_000}
            value={summary}
            onChange={(e) => setSummary(e.target.value)}
          />
        </Field>
        <div className="field-row">
          <ChoiceField
            id={`${id}-kind`}
            label={t('cases.form.kind')}
            value={kind}
            options={CASE_KINDS}
            labelOf={(k) => t(`cases.kinds.${k}`)}
            onChange={setKind}
          />
          <PriorityFields
            id={id}
            priority={priority}
            onPriority={setPriority}
            priorityCase={priorityCase}
            onPriorityCase={setPriorityCase}
            checkLabel={t('cases.form.priorityCase')}
            hintId={`${id}-priority-case-hint`}
          />
        </div>
        <p className="field-hint" id={`${id}-priority-case-hint`}>
          {t('cases.form.priorityCaseHint')}
        </p>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {t('cases.form.submit')}
          </button>
          <button type="button" disabled={busy} onClick={onCancel}>
            {t('cases.form.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}

/** Search the objects of every case, as far as this user may see them. */
function CaseSearch() {
  const { t } = useTranslation();
  const id = useId();
  const [q, setQ] = useState('');
  const [results, setResults] = useState<CaseSearchResult[] | null>(null);
  const [searched, setSearched] = useState('');
  const search = useSubmit(api.searchCases, (found, query) => {
    setResults(found);
    setSearched(query);
  });
  const busy = search.busy;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const query = q.trim();
    if (query !== '') void search.submit(query);
  };

  return (
    <section className="case-search" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('cases.search.title')}</h2>
      <form className="inline-form" role="search" onSubmit={submit}>
        <label htmlFor={`${id}-q`}>{t('cases.search.label')}</label>
        <input
          id={`${id}-q`}
          type="search"
          value={q}
          maxLength={200}
          onChange={(e) => setQ(e.target.value)}
        />
        <button type="submit" disabled={busy}>
          {t('cases.search.submit')}
        </button>
      </form>
      <ProblemAlert problem={search.problem} />
      {results === null ? null : (
        <AsyncTable
          rows={results}
          empty={<p>{t('cases.search.none', { q: searched })}</p>}
          label={t('cases.search.results', { q: searched })}
          rowKey={(r) => `${r.caseId}-${r.object.id}`}
          columns={[
            { header: t('cases.search.columns.object'), cell: (r) => r.object.label },
            { header: t('cases.search.columns.type'), cell: (r) => typeName(t, r.object.type) },
            {
              header: t('cases.search.columns.tlp'),
              cell: (r) => <TlpBadge level={r.object.tlp} />,
            },
            {
              header: t('cases.search.columns.case'),
              cell: (r) => <Link to={`/cases/${r.caseId}`}>{r.caseTitle}</Link>,
            },
          ]}
        />
      )}
    </section>
  );
}
