import { createApiClient } from '@gradlab/api-client';
import type { RunDto } from '@gradlab/contracts';
import { headers } from 'next/headers';
import { webConfig } from '../web-config';

export type ServerRunLookup =
  { kind: 'found'; run: RunDto } | { kind: 'not-found' } | { kind: 'signed-out' } | { kind: 'unavailable' };

/**
 * Looks a run up while the page is served, so that an unknown run answers a real 404. When the api is down
 * the page is served anyway and the browser keeps retrying.
 */
export async function lookUpRun(id: string): Promise<ServerRunLookup> {
  try {
    // As the reader: their session cookie goes along, so another team's run is a 404 here too.
    const cookie = (await headers()).get('cookie') ?? '';
    const api = createApiClient({ baseUrl: webConfig().apiUrl, headers: { cookie } });
    const { data, response } = await api.GET('/api/runs/{id}', { params: { path: { id } } });
    if (response.status === 404) return { kind: 'not-found' };
    if (response.status === 401) return { kind: 'signed-out' };
    if (!data) return { kind: 'unavailable' };
    return { kind: 'found', run: data };
  } catch {
    return { kind: 'unavailable' };
  }
}
