// `node -r @swc-node/register libs/training/src/test-support/select-backend-run.ts [backend]`: selects a
// backend as a worker does (the best that loads, or the one given) and prints each line of its log, then
// `selected <backend>`: for select-backend.slow-spec.ts, one process per case, as backends are chosen once per
// process.
import { selectBackend, type BackendName } from '../backend/select-backend';

selectBackend((process.argv[2] as BackendName | undefined) || undefined, (line) => console.log(line)).then(
  (backend) => {
    console.log(`selected ${backend}`);
    process.exit(0);
  },
  (error: Error) => {
    console.log(`failed: ${error.message}`);
    process.exit(1);
  },
);
