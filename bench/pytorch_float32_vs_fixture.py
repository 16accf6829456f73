#!/usr/bin/env python3
"""How far PyTorch's own float32 run is from a parity fixture's float64 reference, for every value the parity
command checks (`gradMeanAbs`, `gradL2`, `adamStep.paramL2After`), with the fixture README's bounds.

A bound that PyTorch float32 itself misses cannot be met by any float32 implementation; this script tells
which. Usage (Debian's python3-torch): /usr/bin/python3 bench/pytorch_float32_vs_fixture.py FIXTURE_DIR
"""
import json, os, sys

import numpy as np
import torch
import torch.nn.functional as F

FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', 'shared', 'fixtures', 'pytorch-parity')
sys.path.insert(0, FIXTURES)
from make_fixtures import Net  # noqa: E402  the fixtures' own network definition


def main():
    folder = sys.argv[1]
    m = json.load(open(os.path.join(folder, 'manifest.json')))
    c = m['config']
    net = Net(c['numFilters'], c['numStages'], c['numBlocksPerStage'], c['blockType'])
    flat = np.fromfile(os.path.join(folder, 'weights.bin'), dtype='<f4')
    state = {p['name']: torch.from_numpy(flat[p['offset']:p['offset'] + p['length']].reshape(p['shape']).copy()) for p in m['params']}
    net.load_state_dict(state, strict=False)
    net = net.float().train()
    x = torch.from_numpy(np.fromfile(os.path.join(folder, 'input.bin'), dtype='<f4').reshape(m['input']['shape']))
    y = torch.tensor(m['labels'])
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-4)
    loss = F.cross_entropy(net(x), y)
    opt.zero_grad()
    loss.backward()
    grads = {n: (p.grad.abs().mean().item(), p.grad.norm().item()) for n, p in net.named_parameters()}
    opt.step()
    after = {n: p.detach().norm().item() for n, p in net.named_parameters()}

    by_kind = m['float32VsFloat64']['maxRelErrGradMeanAbsByKind']
    rel = lambda a, b: abs(a - b) / max(abs(b), 1e-30)
    over = []
    worst = {}
    for p in m['params']:
        n, kind = p['name'], p['kind']
        base = 2e-2 if kind.startswith('bn_') else 1e-3
        grad_bound = max(base, 10 * by_kind.get(kind, 0))
        for what, err, bound in (('gradMeanAbs', rel(grads[n][0], m['gradMeanAbs'][n]), grad_bound),
                                 ('gradL2', rel(grads[n][1], m['gradL2'][n]), grad_bound),
                                 ('paramL2After', rel(after[n], m['adamStep']['paramL2After'][n]), 1e-4)):
            worst[what] = max(worst.get(what, 0), err)
            if err > bound:
                over.append(f'  {what:<13} {n}: {err:.3g} > {bound:.3g}')
    print(f"{os.path.basename(os.path.normpath(folder))}: PyTorch {torch.__version__} float32, loss error {abs(loss.item() - m['loss']):.3g}")
    print('\n'.join(over) if over else '  every value within its bound')
    print('  worst: ' + ', '.join(f'{k} {v:.3g}' for k, v in worst.items()))


if __name__ == '__main__':
    main()
