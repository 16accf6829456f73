import type { GroupCellDto } from '@gradlab/contracts';

export type CellColumn = 'bestValAccuracy' | 'testAccuracy' | `param:${string}`;
export interface CellSort {
  column: CellColumn;
  descending: boolean;
}

/** The grid's parameters, in the order the group was submitted with. */
export const gridParameters = (cells: readonly GroupCellDto[]) => [
  ...new Set(cells.flatMap((c) => Object.keys(c.cell))),
];

/**
 * Cells sorted by a column: accuracies by their mean over seeds (cells without one last, whichever the
 * direction), parameters by value.
 */
export function sortCells(cells: readonly GroupCellDto[], sort: CellSort): GroupCellDto[] {
  const value = (cell: GroupCellDto): number | string | null => {
    if (sort.column === 'bestValAccuracy' || sort.column === 'testAccuracy') return cell[sort.column].mean;
    const v = cell.cell[sort.column.slice('param:'.length)];
    return typeof v === 'boolean' ? String(v) : (v ?? null);
  };
  return [...cells].sort((a, b) => {
    const [x, y] = [value(a), value(b)];
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    const order = x < y ? -1 : x > y ? 1 : 0;
    return sort.descending ? -order : order;
  });
}
