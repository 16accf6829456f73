import { ApiClient } from './api-client';
import { loadCliConfig } from './cli-config';

/** What commands share: the api, made on first use, so `config` and `--help` need no saved configuration. */
export interface CliContext {
  api(): ApiClient;
}

export function createCliContext(): CliContext {
  let api: ApiClient | undefined;
  return {
    api() {
      if (!api) {
        const config = loadCliConfig();
        api = new ApiClient(config.url, config.key);
      }
      return api;
    },
  };
}
