/**
 * Every api read's cache key, in one place. A live event or a mutation that changes what a page shows names
 * it by these, never by a string written again where it is used.
 */
export const queryKeys = {
  runs: (query: Record<string, unknown>) => ['runs', query] as const,
  runCandidates: (search: string) => ['runs', 'candidates', search] as const,
  run: (id: string) => ['run', id] as const,
  runToClone: (id: string) => ['run', id, 'clone'] as const,
  diagnosis: (runId: string) => ['run', runId, 'diagnosis'] as const,
  queuePosition: (runId: string) => ['run', runId, 'queue'] as const,
  estimate: (request: string) => ['estimate', request] as const,
  compare: (runIds: readonly string[]) => ['compare', ...runIds] as const,
  groups: () => ['groups'] as const,
  group: (id: string) => ['group', id] as const,
  groupAggregate: (id: string, cell: string) => ['group', id, 'aggregate', cell] as const,
  compareGroups: (groupIds: readonly string[]) => ['compare-groups', ...groupIds] as const,
  cohort: () => ['cohort'] as const,
  quota: () => ['quota'] as const,
  teamsQuota: () => ['teams-quota'] as const,
  workers: () => ['workers'] as const,
  keys: () => ['keys'] as const,
  blocks: () => ['blocks'] as const,
  blockCheck: (text: string) => ['blocks', 'check', text] as const,
  blockExport: (id: string) => ['blocks', id, 'pytorch'] as const,
  runEpochs: (id: string) => ['run', id, 'epochs'] as const,
  runGradientFlow: (id: string) => ['run', id, 'gradient-flow'] as const,
  users: () => ['users'] as const,
  teams: () => ['teams'] as const,
};

export type ApiQueryKey = readonly unknown[];
