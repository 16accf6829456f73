import type { Principal } from './principal';
import { PRINCIPAL_TTL_MS, PrincipalCache } from './principal-cache';

const principal = (apiKeyId: string | null): Principal => ({
  userId: 'u',
  email: 'u@example.org',
  role: 'student',
  teamId: 't',
  teamName: 'team',
  apiKeyId,
});

describe('PrincipalCache', () => {
  afterEach(() => jest.useRealTimers());

  it('trusts a principal for PRINCIPAL_TTL_MS, then asks again', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const cache = new PrincipalCache();
    cache.set('h', principal('k1'));
    expect(cache.get('h')?.apiKeyId).toBe('k1');
    jest.setSystemTime(1_000_000 + PRINCIPAL_TTL_MS - 1);
    expect(cache.get('h')).toBeDefined();
    jest.setSystemTime(1_000_000 + PRINCIPAL_TTL_MS);
    expect(cache.get('h')).toBeUndefined();
  });

  it("never past a session's end", () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const cache = new PrincipalCache();
    cache.set('s', principal(null), new Date(1_000_000 + 100));
    jest.setSystemTime(1_000_000 + 100);
    expect(cache.get('s')).toBeUndefined();
  });

  it('forgets a revoked key under every hash, and a signed-out session by its hash', () => {
    const cache = new PrincipalCache();
    cache.set('a', principal('k1'));
    cache.set('b', principal('k2'));
    cache.set('s', principal(null));
    cache.forgetKey('k1');
    cache.forgetHash('s');
    expect([cache.get('a'), cache.get('b')?.apiKeyId, cache.get('s')]).toEqual([undefined, 'k2', undefined]);
  });
});
