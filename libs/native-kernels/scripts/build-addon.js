// The package's install step: builds the oneDNN addon (build/Release/gradlab_onednn.node) with node-gyp when
// oneDNN's headers are there, and otherwise says so in one line and leaves the install as it was: the addon
// is optional, and without it training runs on the plain wasm backend.
// `npm rebuild @gradlab/native-kernels` runs it again (after `apt-get install libdnnl-dev`, say).
// npm hides a dependency's install output, so the root package's postinstall runs this with `--report`: one
// line saying whether the addon is there, which `npm install` shows.
const { existsSync } = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const packageDir = path.resolve(__dirname, '..');
// Where oneDNN's headers are looked for: DNNL_INCLUDE_DIRS (colon-separated) in place of the usual places.
const HEADER_DIRS = process.env.DNNL_INCLUDE_DIRS
  ? process.env.DNNL_INCLUDE_DIRS.split(':')
  : ['/usr/include', '/usr/local/include'];

function nodeGyp() {
  // npm says where its own node-gyp is while it runs scripts; outside npm, the one npm bundles.
  if (process.env.npm_config_node_gyp) return process.env.npm_config_node_gyp;
  return path.join(path.dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js');
}

/**
 * node-gyp's headers: npm passes its `nodedir` setting; run by hand, the headers installed with this Node (a
 * distribution's nodejs package has them), so node-gyp does not try to download them.
 */
function nodeDirArgs() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  return existsSync(path.join(prefix, 'include/node/node.h')) ? [`--nodedir=${prefix}`] : [];
}

const ADDON = path.join(packageDir, 'build/Release/gradlab_onednn.node');
const OFF = '[native-kernels] GRADLAB_ONEDNN=off: not building the oneDNN kernels (training uses wasm)';
const NOT_FOUND =
  '[native-kernels] oneDNN not found, skipping the wasm+onednn kernels (training uses wasm); for 3.5-5x faster CPU training: apt-get install libdnnl-dev && npm rebuild @gradlab/native-kernels';
const haveHeaders = () => HEADER_DIRS.some((dir) => existsSync(path.join(dir, 'oneapi/dnnl/dnnl.hpp')));

function report() {
  if (existsSync(ADDON)) console.log('[native-kernels] oneDNN kernels built: workers train on wasm+onednn');
  else if (process.env.GRADLAB_ONEDNN === 'off') console.log(OFF);
  else if (!haveHeaders()) console.log(NOT_FOUND);
  else
    console.log(
      '[native-kernels] building the oneDNN addon failed (training uses wasm); to see why: npm rebuild @gradlab/native-kernels --foreground-scripts',
    );
}

function main() {
  if (process.argv.includes('--report')) return report();
  if (process.env.GRADLAB_ONEDNN === 'off') return console.log(OFF);
  if (!haveHeaders()) return console.log(NOT_FOUND);
  const built = spawnSync(process.execPath, [nodeGyp(), 'rebuild', ...nodeDirArgs()], {
    cwd: packageDir,
    stdio: 'inherit',
  });
  if (built.status !== 0)
    console.log(
      `[native-kernels] building the oneDNN addon failed (node-gyp exit ${built.status}): training uses wasm; see the output above`,
    );
  else console.log('[native-kernels] built the oneDNN kernels: workers train on wasm+onednn');
}

main();
