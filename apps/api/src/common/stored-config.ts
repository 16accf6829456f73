import type { ExperimentConfig } from '@gradlab/contracts';

/**
 * A run's or a group's stored config. Only a parsed ExperimentConfig is ever written there (newRunData, the
 * groups' and imports' own), so the one cast of the column's JSON is here.
 */
export function storedConfig(row: { config: unknown }): ExperimentConfig {
  return row.config as ExperimentConfig;
}
