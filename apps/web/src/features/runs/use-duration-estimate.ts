'use client';

import { answerOf } from '@gradlab/api-client';
import type { DurationEstimateDto } from '@gradlab/contracts';
import { queryKeys } from '../../lib/query-keys';
import { useApiQuery } from '../../lib/use-api-query';
import { useDebounced } from '../../lib/use-debounced';

/** The estimate is asked again this long after the last keystroke. */
const ESTIMATE_DEBOUNCE_MS = 400;

/**
 * How long the config a form holds would train, from the throughput workers have measured: a query keyed on
 * the config (its estimate request as JSON; null: the form holds no valid config) once typing pauses. An
 * estimate is given only while it is of the config the form holds now, never of one typed before.
 */
export function useDurationEstimate(request: string | null): DurationEstimateDto | null {
  const settled = useDebounced(request, ESTIMATE_DEBOUNCE_MS);
  const estimate = useApiQuery(settled === null ? null : queryKeys.estimate(settled), async (api) => ({
    request: settled,
    value: await answerOf(api.POST('/api/runs/estimate', { body: JSON.parse(settled ?? 'null') })),
  }));
  return estimate.data && estimate.data.request === request ? estimate.data.value : null;
}
