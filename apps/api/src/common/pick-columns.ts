/** The columns a DTO carries exactly as they are stored, by name: no other column of the row leaks out. */
export function pickColumns<Row, Column extends keyof Row>(row: Row, columns: readonly Column[]): Pick<Row, Column> {
  const picked = {} as Pick<Row, Column>;
  for (const column of columns) picked[column] = row[column];
  return picked;
}

/** A timestamp column as the api's DTOs write it. */
export const isoOrNull = (date: Date | null): string | null => date?.toISOString() ?? null;
