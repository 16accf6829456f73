import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

export interface CliConfig {
  url: string;
  /** An API key, sent as a bearer token (and as the socket's auth token). */
  key?: string;
}

const DEFAULT_URL = 'http://127.0.0.1:4000';

function configFile(): string {
  return process.env.GRADLAB_CONFIG ?? path.join(homedir(), '.config', 'gradlab', 'config.json');
}

/** Saved configuration, overridden by GRADLAB_URL and GRADLAB_KEY. */
export function loadCliConfig(): CliConfig {
  let saved: Partial<CliConfig> = {};
  try {
    saved = JSON.parse(readFileSync(configFile(), 'utf8'));
  } catch {
    // nothing saved yet
  }
  return { url: process.env.GRADLAB_URL ?? saved.url ?? DEFAULT_URL, key: process.env.GRADLAB_KEY ?? saved.key };
}

export function saveCliConfig(config: CliConfig): string {
  const file = configFile();
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
  return file;
}
