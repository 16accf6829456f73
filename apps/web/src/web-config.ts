import { z } from 'zod';

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(4000),
  API_URL: z.string().url().optional(),
  API_PUBLIC_URL: z.string().url().optional(),
});

export interface WebConfig {
  /** Where this server reaches the api (server-rendered pages). */
  apiUrl: string;
  /** Where browsers reach the api (REST and socket.io). */
  apiPublicUrl: string;
}

let cached: WebConfig | undefined;

/** Read once from the environment; PORT is the api's port, as in `npm start`. */
export function webConfig(): WebConfig {
  if (cached) return cached;
  const parsed = EnvSchema.safeParse(process.env);
  if (!parsed.success) throw new Error(`invalid web configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const env = parsed.data;
  const apiUrl = (env.API_URL ?? `http://127.0.0.1:${env.PORT}`).replace(/\/$/, '');
  cached = { apiUrl, apiPublicUrl: (env.API_PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, '') };
  return cached;
}
