import { CliApi } from './cli-api';
import { loadCliConfig } from './cli-config';

/** What commands share: the api, made on first use, so `config` and `--help` need no saved configuration. */
export interface CliContext {
  api(): CliApi;
}

export function createCliContext(): CliContext {
  let api: CliApi | undefined;
  return {
    api() {
      if (!api) {
        const config = loadCliConfig();
        api = new CliApi(config.url, config.key);
      }
      return api;
    },
  };
}
