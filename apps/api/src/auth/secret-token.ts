import { createHash, randomBytes } from 'node:crypto';
import { API_KEY_PREFIX } from '@gradlab/contracts';

/**
 * API keys and session tokens are 256 random bits, so a fast hash is enough to store them: nobody can
 * guess one (passwords, which people choose, get scrypt instead).
 */
export function sha256(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What a key list shows: enough to tell keys apart, useless to an attacker. */
export function keyPrefix(key: string): string {
  return key.slice(0, API_KEY_PREFIX.length + 6);
}
