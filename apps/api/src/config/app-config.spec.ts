import { AppConfig } from './app-config';

describe('AppConfig', () => {
  it('takes an empty variable as unset (an env file line `GRADLAB_ADMIN_EMAIL=`), so its default applies', () => {
    const config = new AppConfig({ GRADLAB_ADMIN_EMAIL: '', GRADLAB_ADMIN_PASSWORD: '', PORT: '', WORKER_TOKEN: '' });
    expect(config.adminEmail).toBeUndefined();
    expect(config.adminPassword).toBeUndefined();
    expect(config.workerToken).toBeUndefined();
    expect(config.port).toBe(4000);
  });

  it('still refuses a set variable that is wrong, naming it', () => {
    expect(() => new AppConfig({ GRADLAB_ADMIN_EMAIL: 'not an email' })).toThrow(/GRADLAB_ADMIN_EMAIL/);
    expect(() => new AppConfig({ WORKER_TOKEN: 'short' })).toThrow(/WORKER_TOKEN/);
  });
});
