import { Command } from 'commander';
import { saveCliConfig } from '../cli-config';

export function configCommand(): Command {
  return new Command('config')
    .description('save the api address (and key); GRADLAB_URL and GRADLAB_KEY override what is saved')
    .requiredOption('--url <URL>', 'the api, e.g. http://127.0.0.1:4000')
    .option('--key <KEY>', 'an API key (glk_...)')
    .action((options: { url: string; key?: string }) => {
      console.log(`saved to ${saveCliConfig({ url: options.url.replace(/\/$/, ''), key: options.key })}`);
    });
}
