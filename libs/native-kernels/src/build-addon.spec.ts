import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
      '[native-kernels] oneDNN not found, skipping the wasm+onednn kernels (training uses wasm); for 3.5-5x faster CPU training: apt-get install libdnnl-dev && npm rebuild @gradlab/native-kernels',
    ]);
    expect(existsSync(ADDON) ? statSync(ADDON).mtimeMs : null).toBe(before);
  });

  it('reports in one line, for npm install to show, whether the addon is there', () => {
    // A copy of the script in a package folder of its own, with and without a built addon.
    const dir = mkdtempSync(path.join(tmpdir(), 'native-kernels-'));
    mkdirSync(path.join(dir, 'scripts'));
    copyFileSync(SCRIPT, path.join(dir, 'scripts/build-addon.js'));
    const report = (env: Record<string, string>) =>
      execFileSync(process.execPath, [path.join(dir, 'scripts/build-addon.js'), '--report'], {
        env: { PATH: process.env.PATH, ...env },
        encoding: 'utf8',
      }).trim();
    try {
      expect(report({ DNNL_INCLUDE_DIRS: '/nonexistent/include' })).toMatch(
        /^\[native-kernels\] oneDNN not found, skipping/,
      );
      const headers = path.join(dir, 'include/oneapi/dnnl');
      mkdirSync(headers, { recursive: true });
      writeFileSync(path.join(headers, 'dnnl.hpp'), '');
      expect(report({ DNNL_INCLUDE_DIRS: path.join(dir, 'include') })).toBe(
        '[native-kernels] building the oneDNN addon failed (training uses wasm); to see why: npm rebuild @gradlab/native-kernels --foreground-scripts',
      );
      mkdirSync(path.join(dir, 'build/Release'), { recursive: true });
      writeFileSync(path.join(dir, 'build/Release/gradlab_onednn.node'), '');
      expect(report({})).toBe('[native-kernels] oneDNN kernels built: workers train on wasm+onednn');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
