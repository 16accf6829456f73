// `npm run parity:make-block -- BLOCK_FILE OUT_DIR NAME [--filters 16] [--stages 3] [--blocks 5] [--batch 8]
//  [--seed 0] [--framework DIR] [--orders 8] [--trajectory EPOCHSxSTEPS]`
// A one-step PyTorch parity fixture for a block, made from gradlab's own export of it: the block is checked,
// exported (OUT_DIR/NAME/block.py, kept beside the fixture), and scripts/parity/make_block_fixture.py builds the
// course framework's ConvolutionalNetwork from that code (the real one with --framework: a checkout's
// pytorch_mlp_framework folder; --orders: how many summation orders measure PyTorch's own float32 spread;
// --trajectory 2x50: a trajectory fixture of 2 epochs of 50 steps instead, in the shared trajectories' recipe).
// Needs Debian's python3-torch (or PYTHON naming a python with torch). Then `npm run parity -- OUT_DIR/NAME`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readBlockFile } from '@gradlab/contracts';
import { checkBlock, exportBlockToPytorch } from '@gradlab/models';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    filters: { type: 'string', default: '16' },
    stages: { type: 'string', default: '3' },
    blocks: { type: 'string', default: '5' },
    batch: { type: 'string', default: '8' },
    seed: { type: 'string', default: '0' },
    framework: { type: 'string' },
    orders: { type: 'string', default: '8' },
    trajectory: { type: 'string' },
  },
});
const trajectory = values.trajectory ? /^(\d+)x(\d+)$/.exec(values.trajectory) : undefined;
if (trajectory === null) {
  console.error('--trajectory must be EPOCHSxSTEPS, e.g. 2x50');
  process.exit(2);
}
if (positionals.length !== 3) {
  console.error('usage: npm run parity:make-block -- BLOCK_FILE OUT_DIR NAME [--filters N] [--framework DIR] ...');
  process.exit(2);
}
const [file, outDir, name] = positionals;
const { name: blockName, block } = readBlockFile(readFileSync(file, 'utf8'), file, path.basename(file, '.json'));
const check = checkBlock(block);
if (!check.ok) {
  for (const issue of check.issues) console.error(`${file}: ${issue.graph ?? 'block'}: ${issue.message}`);
  process.exit(1);
}
const dir = path.join(outDir, name);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, 'block.py'), exportBlockToPytorch(blockName, check.block));
writeFileSync(path.join(dir, 'block.json'), `${JSON.stringify({ name: blockName, block: check.block }, null, 1)}\n`);
// Debian's python3-torch installs for the system Python, which a pyenv or venv python3 on PATH would hide.
const python = process.env.PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
execFileSync(
  python,
  [
    path.join(__dirname, 'parity/make_block_fixture.py'),
    path.join(dir, 'block.py'),
    path.join(dir, 'block.json'),
    outDir,
    name,
    ...['filters', 'stages', 'blocks', 'batch', 'seed'].map((key) => values[key as keyof typeof values] as string),
    ...(values.framework ? ['--framework', values.framework] : []),
    ...['--orders', values.orders as string],
    ...(trajectory ? ['--trajectory', trajectory[1], trajectory[2]] : []),
  ],
  { stdio: 'inherit' },
);
