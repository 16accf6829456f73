// `npm run api:types`: generates the api client's types from the OpenAPI document (generate-api-types.ts).
// Also run on install and before every type check and build, so they never trail the contracts.
const path = require('node:path');

try {
  require.resolve('openapi-typescript', { paths: [path.resolve(__dirname, '..')] });
} catch {
  // A production install (npm ci --omit=dev) has no generator, a dev dependency, and needs no types: they are
  // erased from the JavaScript the build ships.
  console.log('api-types: openapi-typescript is not installed (npm ci --omit=dev); the api types are not generated');
  process.exit(0);
}
require('@swc-node/register');
require('./generate-api-types.ts')
  .writeApiTypes()
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
