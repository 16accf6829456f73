import { setVariables } from '@gradlab/contracts';
import { z } from 'zod';
import type { BrowserApiAddress } from './lib/api-address';

/**
 * The dashboard's own variables. PORT is not one of them: it is the dashboard server's own port (scripts/start.js
 * sets it from WEB_PORT), so the api is named by its URL alone.
 */
export const WebEnvSchema = z.object({
  API_URL: z.string().url().default('http://127.0.0.1:4000'),
  API_PUBLIC_URL: z.string().url().optional(),
});

export interface WebConfig {
  /** Where this server reaches the api (server-rendered pages). */
  apiUrl: string;
  /** Where browsers reach the api (REST and socket.io). */
  browserApi: BrowserApiAddress;
}

let cached: WebConfig | undefined;

/** Read once from the environment. */
export function webConfig(): WebConfig {
  if (cached) return cached;
  const parsed = WebEnvSchema.safeParse(setVariables(process.env));
  if (!parsed.success)
    throw new Error(
      `invalid web configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const env = parsed.data;
  const apiUrl = env.API_URL.replace(/\/$/, '');
  const api = new URL(apiUrl);
  const port = api.port || (api.protocol === 'https:' ? '443' : '80');
  cached = { apiUrl, browserApi: env.API_PUBLIC_URL ? { url: env.API_PUBLIC_URL.replace(/\/$/, '') } : { port } };
  return cached;
}
