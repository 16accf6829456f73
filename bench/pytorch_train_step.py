#!/usr/bin/env python3
"""Times training steps of the coursework network in PyTorch (eager); prints the seconds and the device.

Usage: pytorch_train_step.py FILTERS BLOCKS BLOCK_TYPE BATCH STEPS WARMUP [THREADS (default 1)] [DEVICE] [LAYOUT]
DEVICE: cpu (default), or cuda-if-available (CUDA when torch sees a GPU, else the CPU).
LAYOUT: nchw (default: PyTorch's default, as the course framework runs) or channels-last (torch.channels_last,
which on the CPU runs oneDNN on NHWC data without reordering it).
The network is the one the parity fixtures were made from (make_fixtures.py, found beside this file in
../shared or ../../shared, or in $GRADLAB_FIXTURE_SCRIPTS).
"""
import importlib.util, os, sys, time

import torch
import torch.nn.functional as F

here = os.path.dirname(os.path.abspath(__file__))
candidates = [os.path.join(os.environ.get('GRADLAB_FIXTURE_SCRIPTS', here), 'make_fixtures.py'),
              os.path.join(here, '..', '..', 'shared', 'fixtures', 'pytorch-parity', 'make_fixtures.py'),
              os.path.join(here, '..', 'shared', 'fixtures', 'pytorch-parity', 'make_fixtures.py')]
source = next(p for p in candidates if os.path.exists(p))
spec = importlib.util.spec_from_file_location('make_fixtures', source)
fixtures = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fixtures)

filters, blocks, block_type, batch, steps, warmup = sys.argv[1:7]
filters, blocks, batch, steps, warmup = int(filters), int(blocks), int(batch), int(steps), int(warmup)
torch.set_num_threads(int(sys.argv[7]) if len(sys.argv) > 7 else 1)
wanted = sys.argv[8] if len(sys.argv) > 8 else 'cpu'
device = 'cuda' if wanted == 'cuda-if-available' and torch.cuda.is_available() else 'cpu'
torch.manual_seed(0)
layout = sys.argv[9] if len(sys.argv) > 9 else 'nchw'
if layout not in ('nchw', 'channels-last'):
    sys.exit(f'LAYOUT must be nchw or channels-last, got {layout}')
memory_format = torch.channels_last if layout == 'channels-last' else torch.contiguous_format
net = fixtures.Net(filters, 3, blocks, block_type).train().to(device, memory_format=memory_format)
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
x = torch.randn(batch, 3, 32, 32, device=device).contiguous(memory_format=memory_format)
y = (torch.arange(batch) % 100).to(device)


def step():
    opt.zero_grad()
    loss = F.cross_entropy(net(x), y)
    loss.backward()
    opt.step()


def sync():
    if device == 'cuda':
        torch.cuda.synchronize()


for _ in range(warmup):
    step()
sync()
start = time.perf_counter()
for _ in range(steps):
    step()
sync()
name = f'cuda {torch.cuda.get_device_name(0)}' if device == 'cuda' else 'cpu'
print(time.perf_counter() - start, name.replace(' ', '_'))
