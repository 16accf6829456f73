import type { ExperimentConfig } from '@gradlab/contracts';

export function ConfigTable({ config }: { config: ExperimentConfig }) {
  const rows = Object.entries(config).flatMap(([group, values]) =>
    Object.entries(values as Record<string, unknown>).map(([key, value]) => [`${group}.${key}`, shown(value)]),
  );
  return (
    <table data-testid="run-config">
      <tbody>
        {rows.map(([key, value]) => (
          <tr key={key}>
            <th>{key}</th>
            <td>{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A value as the table shows it: a team's block by its name and id (the run page draws its graph). */
function shown(value: unknown): string {
  if (value !== null && typeof value === 'object' && 'name' in value && 'id' in value)
    return `${value.name} (${value.id})`;
  return String(value ?? '–');
}
