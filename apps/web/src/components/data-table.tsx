import type { ReactNode } from 'react';

/**
 * The dashboard's lists: a table that scrolls sideways on a narrow screen, a header row, and the rows the
 * caller renders. `headers` are the column titles (a node for a sortable or empty one).
 */
export function DataTable({
  testId,
  headers,
  children,
}: {
  testId: string;
  headers: ReactNode[];
  children: ReactNode;
}) {
  return (
    <div className="table-scroll">
      <table data-testid={testId}>
        <thead>
          <tr>
            {headers.map((header, i) => (
              <th key={i}>{header}</th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
