import type { ReactNode } from 'react';
import './ui.css';

/**
 * A table of figures by two keys: a row for each of `rows` (named in its row header), a
 * column for each of `columns`, and `cell(row, column)` where they cross (a count, the
 * minutes a rung has …). `corner` heads the column of row names.
 */
export function GridTable<R extends string, C extends string>({
  caption,
  corner,
  rows,
  columns,
  rowLabel,
  columnLabel,
  cell,
  numeric = false,
}: {
  caption: ReactNode;
  corner: string;
  rows: readonly R[];
  columns: readonly C[];
  rowLabel: (row: R) => string;
  columnLabel: (column: C) => string;
  cell: (row: R, column: C) => ReactNode;
  /** The cells are numbers (aligned right). */
  numeric?: boolean;
}) {
  return (
    <div className="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{corner}</th>
            {columns.map((column) => (
              <th key={column} scope="col">
                {columnLabel(column)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row}>
              <th scope="row">{rowLabel(row)}</th>
              {columns.map((column) => (
                <td key={column} className={numeric ? 'num' : undefined}>
                  {cell(row, column)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
