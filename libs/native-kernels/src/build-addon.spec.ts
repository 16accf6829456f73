import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

// The install step on a machine without oneDNN's headers: one line, success, and nothing built or removed.
const SCRIPT = path.join(__dirname, '../scripts/build-addon.js');
const ADDON = path.join(__dirname, '../build/Release/gradlab_onednn.node');

describe('the install step of @gradlab/native-kernels', () => {
  it('without oneDNN, says how to get it in one line and succeeds, leaving the install as it was', () => {
    const before = existsSync(ADDON) ? statSync(ADDON).mtimeMs : null;
    const stdout = execFileSync(process.execPath, [SCRIPT], {
      env: { PATH: process.env.PATH, DNNL_INCLUDE_DIRS: '/nonexistent/include' },
      encoding: 'utf8',
    });
    expect(stdout.trim().split('\n')).toEqual([
      '[native-kernels] oneDNN not found, skipping the wasm+onednn kernels (training uses wasm); for 2-4x faster CPU training: apt-get install libdnnl-dev && npm rebuild @gradlab/native-kernels',
    ]);
    expect(existsSync(ADDON) ? statSync(ADDON).mtimeMs : null).toBe(before);
  });

  it('with GRADLAB_ONEDNN=off, builds nothing and says so', () => {
    const stdout = execFileSync(process.execPath, [SCRIPT], {
      env: { PATH: process.env.PATH, GRADLAB_ONEDNN: 'off' },
      encoding: 'utf8',
    });
    expect(stdout.trim()).toBe(
      '[native-kernels] GRADLAB_ONEDNN=off: not building the oneDNN kernels (training uses wasm)',
    );
  });
});
