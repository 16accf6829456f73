import type { GroupCellDto } from '@gradlab/contracts';
import { groupFields } from './group-request';
import { gridParameters, sortCells } from './grid-table';

const cell = (lr: number, batch: number, val: number | null, test: number | null): GroupCellDto => ({
  key: `lr=${lr} batch=${batch}`,
  cell: { lr, batch },
  runIds: [],
  bestValAccuracy: { mean: val, std: null, n: val === null ? 0 : 1 },
  testAccuracy: { mean: test, std: null, n: test === null ? 0 : 1 },
  best: false,
});

describe('the grid table', () => {
  const cells = [
    cell(1e-3, 64, 0.4, 0.38),
    cell(3e-4, 64, 0.45, 0.41),
    cell(1e-3, 128, null, null),
    cell(3e-4, 128, 0.3, 0.33),
  ];
  it('sorts by mean accuracy either way, cells not yet measured last', () => {
    expect(
      sortCells(cells, { column: 'bestValAccuracy', descending: true }).map((c) => c.bestValAccuracy.mean),
    ).toEqual([0.45, 0.4, 0.3, null]);
    expect(sortCells(cells, { column: 'testAccuracy', descending: false }).map((c) => c.testAccuracy.mean)).toEqual([
      0.33,
      0.38,
      0.41,
      null,
    ]);
  });
  it('sorts by a parameter, and lists the parameters in the grid’s order', () => {
    expect(sortCells(cells, { column: 'param:lr', descending: false }).map((c) => c.cell.lr)).toEqual([
      3e-4, 3e-4, 1e-3, 1e-3,
    ]);
    expect(gridParameters(cells)).toEqual(['lr', 'batch']);
  });
});

describe("the New run form's seeds and grid", () => {
  it('is a single run when both are empty', () => {
    expect(groupFields('', '  ')).toEqual({ group: false });
  });
  it('reads seed ranges and one grid axis a line', () => {
    expect(groupFields('0..2, 7', 'lr=1e-3,3e-4\nbatch=64,128')).toEqual({
      group: true,
      seeds: [0, 1, 2, 7],
      grid: { lr: [1e-3, 3e-4], batch: [64, 128] },
      errors: [],
    });
  });
  it('names the field with the problem', () => {
    const fields = groupFields('4..1', 'lr');
    expect(fields.group && fields.errors).toEqual([
      { field: 'seeds', message: '4..1: the range ends before it starts' },
      { field: 'grid', message: 'lr: expected name=value,value (for example lr=1e-3,3e-4)' },
    ]);
  });
});
