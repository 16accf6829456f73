import type { ExperimentConfig } from '@gradlab/contracts';

export function ConfigTable({ config }: { config: ExperimentConfig }) {
  const rows = Object.entries(config).flatMap(([group, values]) =>
    Object.entries(values as Record<string, unknown>).map(([key, value]) => [`${group}.${key}`, String(value ?? '–')]),
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
