import type { Role } from '@gradlab/contracts';

/** Who is calling: resolved once per request (or socket) from an API key or a session cookie. */
export interface Principal {
  userId: string;
  email: string;
  role: Role;
  teamId: string;
  teamName: string;
  /** The key used, when the caller came with one. */
  apiKeyId: string | null;
}
