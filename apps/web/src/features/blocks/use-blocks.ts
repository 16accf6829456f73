'use client';

import { answerOf } from '@gradlab/api-client';
import type { BlockCheckDto, CreateBlockRequest } from '@gradlab/contracts';
import { useMutation } from '@tanstack/react-query';
import { useApi } from '../../lib/api-context';
import { queryKeys } from '../../lib/query-keys';
import { useApiCache, useApiQuery } from '../../lib/use-api-query';
import { useDebounced } from '../../lib/use-debounced';

/** The editor's text is checked this long after the last keystroke. */
const CHECK_DEBOUNCE_MS = 300;

export function useBlocks() {
  return useApiQuery(queryKeys.blocks(), (api) => answerOf(api.GET('/api/blocks')));
}

/** The text as JSON, or why it is not. */
function parseBlockText(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: `not JSON: ${(error as Error).message}` };
  }
}

/** The api's check of the editor's text (never stored), asked once typing pauses. */
export function useBlockCheck(text: string) {
  const settled = useDebounced(text, CHECK_DEBOUNCE_MS);
  const parsed = parseBlockText(settled);
  const check = useApiQuery<BlockCheckDto>(parsed.ok ? queryKeys.blockCheck(settled) : null, (api) =>
    answerOf(api.POST('/api/blocks/check', { body: { block: parsed.ok ? parsed.value : null } })),
  );
  return { parsed, check: parsed.ok ? check.data : undefined, error: check.error };
}

export function useAddBlock() {
  const { api } = useApi();
  const cache = useApiCache();
  return useMutation({
    mutationFn: (body: CreateBlockRequest) => answerOf(api.POST('/api/blocks', { body })),
    onSuccess: () => cache.reload(queryKeys.blocks()),
  });
}

export function useDeleteBlock() {
  const { api } = useApi();
  const cache = useApiCache();
  return useMutation({
    mutationFn: (id: string) => answerOf(api.DELETE('/api/blocks/{id}', { params: { path: { id } } })),
    onSettled: () => cache.reload(queryKeys.blocks()),
  });
}

/** The block as the course framework's Python. */
export function useBlockExport(id: string) {
  return useApiQuery(queryKeys.blockExport(id), (api) =>
    answerOf(api.GET('/api/blocks/{id}/pytorch', { params: { path: { id } }, parseAs: 'text' })),
  );
}
