import type { Key, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from './errors';
import './ui.css';

/** Which of its states a loaded list is in (pure, so it is tested without a DOM). */
export function asyncState<T>(
  rows: readonly T[] | null | undefined,
  error: unknown,
): 'error' | 'loading' | 'empty' | 'rows' {
  if (rows === null || rows === undefined) return error ? 'error' : 'loading';
  return rows.length === 0 ? 'empty' : 'rows';
}

/**
 * A list that loads: the error (kept above the rows when a reload fails), "Loading…" until
 * the first answer, `empty` when there is nothing, else `children(rows)`.
 */
export function AsyncList<T>({
  rows,
  error,
  empty,
  onRetry,
  children,
}: {
  rows: readonly T[] | null | undefined;
  error?: unknown;
  empty: ReactNode;
  onRetry?: () => void;
  children: (rows: readonly T[]) => ReactNode;
}) {
  const { t } = useTranslation();
  const state = asyncState(rows, error);
  return (
    <>
      {error ? (
        <>
          <ErrorAlert error={error} />
          {onRetry && state === 'error' ? (
            <button type="button" onClick={onRetry}>
              {t('app.retry')}
            </button>
          ) : null}
        </>
      ) : null}
      {state === 'loading' ? <p role="status">{t('common.loading')}</p> : null}
      {state === 'empty' ? <div className="empty">{empty}</div> : null}
      {state === 'rows' && rows ? children(rows) : null}
    </>
  );
}

/** A column of an AsyncTable: its header, and the cell of a row. */
export interface Column<T> {
  /** Header text; also each cell's label when rows become cards on a narrow screen. */
  header: string;
  cell: (row: T) => ReactNode;
  /** The row's name (a <th scope="row">). */
  rowHeader?: boolean;
  /** The header is read by screen readers only (an actions column, say). */
  hiddenHeader?: boolean;
  className?: string;
}

/**
 * A table that loads (see AsyncList). On a narrow screen (≤ 640 px) each row becomes a card
 * and each cell is labelled with its column's header (data-label, ui.css).
 */
export function AsyncTable<T>({
  rows,
  error,
  empty,
  onRetry,
  columns,
  rowKey,
  label,
  caption,
  rowClassName,
  rowTestId,
  className,
}: {
  rows: readonly T[] | null | undefined;
  error?: unknown;
  empty: ReactNode;
  onRetry?: () => void;
  columns: readonly Column<T>[];
  rowKey: (row: T) => Key;
  /**
   * What the table holds: the name of its scrollable region (focusable, so a keyboard can
   * scroll a wide table) and, without a `caption`, its caption for screen readers.
   */
  label: string;
  caption?: ReactNode;
  rowClassName?: (row: T) => string | undefined;
  /** Each row's data-testid (what browser tests find rows by). */
  rowTestId?: string;
  className?: string;
}) {
  return (
    <AsyncList rows={rows} error={error} empty={empty} {...(onRetry ? { onRetry } : {})}>
      {(list) => (
        <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
          <table className={className ? `async-table ${className}` : 'async-table'}>
            <caption>{caption ?? <span className="visually-hidden">{label}</span>}</caption>
            <thead>
              <tr>
                {columns.map((column, index) => (
                  <th key={index} scope="col" className={column.className}>
                    {column.hiddenHeader ? (
                      <span className="visually-hidden">{column.header}</span>
                    ) : (
                      column.header
                    )}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {list.map((row) => (
                <tr key={rowKey(row)} className={rowClassName?.(row)} data-testid={rowTestId}>
                  {columns.map((column, index) =>
                    column.rowHeader ? (
                      <th
                        key={index}
                        scope="row"
                        data-label={column.header}
                        className={column.className}
                      >
                        <div className="cell-value">{column.cell(row)}</div>
                      </th>
                    ) : (
                      <td key={index} data-label={column.header} className={column.className}>
                        <div className="cell-value">{column.cell(row)}</div>
                      </td>
                    ),
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </AsyncList>
  );
}
