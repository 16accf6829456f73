import { resolveBrowserApiUrl } from './api-address';

describe('where browsers reach the api', () => {
  it('is the fixed API_PUBLIC_URL when there is one', () => {
    expect(
      resolveBrowserApiUrl({ url: 'https://api.gradlab.uni.example' }, { protocol: 'http:', hostname: 'localhost' }),
    ).toBe('https://api.gradlab.uni.example');
  });

  it("is otherwise the dashboard's own host at the api's port, whatever name the browser used", () => {
    expect(resolveBrowserApiUrl({ port: '4000' }, { protocol: 'http:', hostname: 'localhost' })).toBe(
      'http://localhost:4000',
    );
    expect(resolveBrowserApiUrl({ port: '4000' }, { protocol: 'https:', hostname: 'gradlab.uni.example' })).toBe(
      'https://gradlab.uni.example:4000',
    );
  });

  it('puts an IPv6 literal back in brackets', () => {
    expect(resolveBrowserApiUrl({ port: '4000' }, { protocol: 'http:', hostname: '::1' })).toBe('http://[::1]:4000');
    expect(resolveBrowserApiUrl({ port: '4000' }, { protocol: 'http:', hostname: '[::1]' })).toBe('http://[::1]:4000');
  });
});
