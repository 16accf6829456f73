import { Injectable } from '@nestjs/common';
import type { Principal } from './principal';

/**
 * How long a key's or a session's principal is trusted without asking Postgres again. Every request used to
 * look its key up (bench:load: about a third of a run page's queries); a dashboard asks several times a
 * second. A revoked key is forgotten at once on every instance (LiveConnections' Redis message); a signed-out
 * session at once on its own instance and within this long on the others.
 */
export const PRINCIPAL_TTL_MS = 5_000;
/** Beyond this many callers at once the cache starts afresh, rather than grow. */
const MAX_ENTRIES = 10_000;

interface Entry {
  principal: Principal;
  until: number;
}

/** Principals by the hash of the secret that proved them (an API key's or a session's), for a few seconds. */
@Injectable()
export class PrincipalCache {
  private readonly byHash = new Map<string, Entry>();

  get(hash: string): Principal | undefined {
    const entry = this.byHash.get(hash);
    if (!entry) return undefined;
    if (entry.until > Date.now()) return entry.principal;
    this.byHash.delete(hash);
    return undefined;
  }

  /** Trusted until `expiresAt` (a session's end) or for PRINCIPAL_TTL_MS, whichever comes first. */
  set(hash: string, principal: Principal, expiresAt?: Date): void {
    if (this.byHash.size >= MAX_ENTRIES) this.byHash.clear();
    const until = Math.min(Date.now() + PRINCIPAL_TTL_MS, expiresAt?.getTime() ?? Infinity);
    this.byHash.set(hash, { principal, until });
  }

  forgetHash(hash: string): void {
    this.byHash.delete(hash);
  }

  forgetKey(apiKeyId: string): void {
    for (const [hash, entry] of this.byHash) if (entry.principal.apiKeyId === apiKeyId) this.byHash.delete(hash);
  }
}
