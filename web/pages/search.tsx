import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import * as api from '../api/endpoints';
import type { GlobalSearchResults, SearchGroup } from '../api/types';
import { TlpBadge, typeName } from '../components/cases';
import { ErrorAlert } from '../components/errors';
import { useCoalesced, usePageTitle, useLoader } from '../components/hooks';
import { useLiveEvent } from '../components/live-events';

/** As many objects as the node sends at most for one search. */
export const SEARCH_LIMIT = 50;

/** What the search box in the header found: cases and objects, grouped by case. */
export function SearchPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const q = (params.get('q') ?? '').trim();
  usePageTitle(q ? t('search.resultsFor', { q }) : t('search.title'));
  const {
    data: results,
    error,
    reload,
  } = useLoader<GlobalSearchResults>(
    useCallback(
      () => (q === '' ? Promise.resolve({ q, groups: [] }) : api.searchEverything(q, SEARCH_LIMIT)),
      [q],
    ),
  );
  // An import ended, an object arrived: the answer may have changed.
  const refresh = useCoalesced(reload);
  useLiveEvent(['resync', 'case.changed', 'case.object'], refresh);
  const objects = results?.groups.reduce((sum, g) => sum + g.objects.length, 0) ?? 0;

  return (
    <section className="page search-page">
      <h1>{t('search.title')}</h1>
      {q === '' ? (
        <p className="lead">{t('search.intro')}</p>
      ) : (
        <>
          <p className="lead">{t('search.resultsFor', { q })}</p>
          {error ? <ErrorAlert error={error} /> : null}
          {results === null ? (
            error ? null : (
              <p role="status">{t('common.loading')}</p>
            )
          ) : results.groups.length === 0 ? (
            <div className="empty" role="status">
              <p>{t('search.none', { q })}</p>
            </div>
          ) : (
            <>
              <p role="status">
                {t('search.summary', {
                  count: objects,
                  cases: t('search.cases', { count: results.groups.length }),
                })}
              </p>
              {objects >= SEARCH_LIMIT ? (
                <p className="muted small">{t('search.limited', { limit: SEARCH_LIMIT })}</p>
              ) : null}
              {results.groups.map((group) => (
                <SearchGroupView key={group.caseId} group={group} />
              ))}
            </>
          )}
        </>
      )}
    </section>
  );
}

function SearchGroupView({ group }: { group: SearchGroup }) {
  const { t } = useTranslation();
  const headingId = `search-case-${group.caseId}`;
  return (
    <section className="card search-group" aria-labelledby={headingId} data-testid="search-group">
      <div className="section-head">
        <h2 id={headingId}>
          <Link to={`/cases/${group.caseId}`}>{group.caseTitle || t('search.untitled')}</Link>
        </h2>
        {group.caseMatches ? <span className="badge">{t('search.caseMatches')}</span> : null}
      </div>
      {group.objects.length === 0 ? (
        <p className="muted small">{t('search.noObjects')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">
              {t('search.objectsOf', { title: group.caseTitle })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('search.columns.object')}</th>
                <th scope="col">{t('search.columns.type')}</th>
                <th scope="col">{t('search.columns.tlp')}</th>
                <th scope="col">{t('search.columns.match')}</th>
              </tr>
            </thead>
            <tbody>
              {group.objects.map((hit) => (
                <tr key={hit.id} data-testid="search-hit">
                  <td className="search-label">{hit.label || hit.id}</td>
                  <td>{typeName(t, hit.type)}</td>
                  <td>
                    <TlpBadge level={hit.tlp} />
                  </td>
                  <td>
                    {hit.exact ? (
                      <span className="badge badge-exact">{t('search.exact')}</span>
                    ) : (
                      <span className="muted small">{t('search.words')}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
