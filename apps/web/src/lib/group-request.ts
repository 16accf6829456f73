import { parseGridAxis, parseSeeds, type FieldError } from '@gradlab/contracts';

/**
 * The New run form's "Seeds" and "Grid" fields as a group request's `seeds` and `grid`: seeds as `0..4` or
 * `0,1,2`; one grid axis a line (or separated by spaces), `lr=1e-3,3e-4`. Both empty: a single run.
 */
export function groupFields(
  seedsText: string,
  gridText: string,
):
  | { group: false }
  | { group: true; seeds?: number[]; grid?: Record<string, (string | number | boolean)[]>; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (!seedsText.trim() && !gridText.trim()) return { group: false };
  let seeds: number[] | undefined;
  if (seedsText.trim()) {
    const parsed = parseSeeds(seedsText);
    if (typeof parsed === 'string') errors.push({ field: 'seeds', message: parsed });
    else seeds = parsed;
  }
  let grid: Record<string, (string | number | boolean)[]> | undefined;
  for (const word of gridText.split(/\s+/).filter(Boolean)) {
    const axis = parseGridAxis(word);
    if (typeof axis === 'string') errors.push({ field: 'grid', message: axis });
    else (grid ??= {})[axis[0]] = axis[1];
  }
  return { group: true, seeds, grid, errors };
}
