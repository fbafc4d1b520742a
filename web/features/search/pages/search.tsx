import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import * as api from '../api';
import type { SearchHit, SearchKind, SearchResults } from '../../../app/types';
import { TlpBadge } from '../../cases/components/cases';
import { AsyncTable } from '../../../ui/async-table';
import { ErrorAlert, ProblemAlert } from '../../../ui/errors';
import { useSubmit } from '../../../ui/submit';
import { useCoalesced, usePageTitle, useLoader } from '../../../ui/hooks';
import { useLiveEvent } from '../../../app/live-events';
import '../i18n';

/** Hits asked for per page; "Show more" asks for the next. */
export const SEARCH_LIMIT = 50;

/**
 * What the search box in the header found: requests, notes, calls, cases and objects, each
 * a link to the item itself, grouped by kind in the order their best hit came.
 */
export function SearchPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const q = (params.get('q') ?? '').trim();
  usePageTitle(q ? t('search.resultsFor', { q }) : t('search.title'));
  const {
    data: first,
    error,
    reload,
  } = useLoader<SearchResults>(
    useCallback(
      () =>
        q === ''
          ? Promise.resolve({ q, hits: [], next: null })
          : api.searchEverything(q, SEARCH_LIMIT),
      [q],
    ),
  );
  // Pages fetched with "Show more", after the first; a new first page starts them over.
  const [more, setMore] = useState<{ after: SearchResults; pages: SearchResults[] } | null>(null);
  const pages = first ? [first, ...(more?.after === first ? more.pages : [])] : [];
  const next = pages[pages.length - 1]?.next ?? null;
  const showMore = useSubmit(
    (after: SearchResults, cursor: string) => api.searchEverything(q, SEARCH_LIMIT, cursor),
    (page, after) => setMore({ after, pages: [...pages.slice(1), page] }),
  );
  // Something searchable changed: the answer may have too.
  const refresh = useCoalesced(reload);
  useLiveEvent(
    ['resync', 'case.changed', 'case.object', 'request.changed', 'note.created', 'hotline.changed'],
    refresh,
  );
  const hits = pages.flatMap((page) => page.hits);

  return (
    <section className="page search-page">
      <h1>{t('search.title')}</h1>
      {q === '' ? (
        <p className="lead">{t('search.intro')}</p>
      ) : (
        <>
          <p className="lead">{t('search.resultsFor', { q })}</p>
          {error ? <ErrorAlert error={error} /> : null}
          {first === null ? (
            error ? null : (
              <p role="status">{t('common.loading')}</p>
            )
          ) : hits.length === 0 && next === null ? (
            <div className="empty" role="status">
              <p>{t('search.none', { q })}</p>
            </div>
          ) : (
            <>
              <p role="status">{t('search.summary', { count: hits.length })}</p>
              {groupByKind(hits).map(([kind, group]) => (
                <SearchGroupView key={kind} kind={kind} hits={group} />
              ))}
              <ProblemAlert problem={showMore.problem} />
              {next && first ? (
                <button
                  type="button"
                  disabled={showMore.busy}
                  onClick={() => void showMore.submit(first, next)}
                >
                  {t('search.more')}
                </button>
              ) : null}
            </>
          )}
        </>
      )}
    </section>
  );
}

/** The hits by kind, the kinds in the order of their first hit (exact matches come first). */
function groupByKind(hits: readonly SearchHit[]): [SearchKind, SearchHit[]][] {
  const groups = new Map<SearchKind, SearchHit[]>();
  for (const hit of hits) {
    const group = groups.get(hit.kind) ?? [];
    group.push(hit);
    groups.set(hit.kind, group);
  }
  return [...groups.entries()];
}

function SearchGroupView({ kind, hits }: { kind: SearchKind; hits: SearchHit[] }) {
  const { t } = useTranslation();
  const headingId = `search-kind-${kind}`;
  const title = t(`search.kinds.${kind}`, { count: hits.length });
  return (
    <section className="card search-group" aria-labelledby={headingId} data-testid="search-group">
      <div className="section-head">
        <h2 id={headingId}>{title}</h2>
      </div>
      <AsyncTable
        rows={hits}
        empty={null}
        label={title}
        rowKey={(hit) => hit.id}
        rowTestId="search-hit"
        columns={[
          {
            header: t('search.columns.item'),
            className: 'search-label',
            cell: (hit) => (
              <>
                <Link to={hit.link}>{hit.title || hit.id}</Link>
                {hit.tlp ? (
                  <>
                    {' '}
                    <TlpBadge level={hit.tlp} />
                  </>
                ) : null}
                {hit.snippet && hit.snippet !== hit.title ? (
                  <p className="muted small">{hit.snippet}</p>
                ) : null}
              </>
            ),
          },
          {
            header: t('search.columns.match'),
            // "关键词匹配" is one word: never broken over two lines.
            className: 'nowrap',
            cell: (hit) =>
              hit.match === 'exact' ? (
                <span className="badge badge-exact">{t('search.exact')}</span>
              ) : (
                <span className="muted small">{t(`search.match.${hit.match}`)}</span>
              ),
          },
        ]}
      />
    </section>
  );
}
