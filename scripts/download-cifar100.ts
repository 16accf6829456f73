// `npm run data:download -- [--format python|binary] [--dir DATA_DIR] [--url URL --md5 MD5]`
// Fetches CIFAR-100 from its official address (or a mirror) into the workers' data directory.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CIFAR100_SOURCES, downloadCifar100, type Cifar100Format } from '@gradlab/training';

const { values } = parseArgs({
  options: {
    format: { type: 'string', default: 'python' },
    dir: { type: 'string', default: process.env.DATA_DIR ?? path.resolve(__dirname, '../data') },
    url: { type: 'string' },
    md5: { type: 'string' },
  },
});
if (!(values.format in CIFAR100_SOURCES)) {
  console.error(`--format must be one of ${Object.keys(CIFAR100_SOURCES).join(', ')}`);
  process.exit(2);
}
downloadCifar100({
  dataDir: path.resolve(values.dir as string),
  format: values.format as Cifar100Format,
  url: values.url,
  md5: values.md5,
  log: console.log,
}).catch((error: Error) => {
  console.error(`data:download failed: ${error.message}`);
  process.exit(1);
});
