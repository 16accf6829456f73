#!/usr/bin/env python3
"""A one-step PyTorch parity fixture for a student's block, made from gradlab's own export of it.

`npm run parity:make-block` runs this (it writes the export first). The network is the course framework's
ConvolutionalNetwork with the exported processing and reduction blocks as its block types: the real class,
imported from `--framework DIR` (a checkout's pytorch_mlp_framework folder, holding model_architectures.py),
or, without it, NETWORK below, which builds the same way (entry block, a dummy forward pass that creates each
block in turn, global average pool, linear head). The folder it writes has the format of
shared/fixtures/pytorch-parity (README.md there), with the block's graph as `config.block`, and
`float32VsFloat64.relErrByParam` measured as float32_spread.py does (K summation orders).

The framework's build pass runs each batch norm once in training mode on zeros, which moves its running
statistics (running_var 0.9); gradlab starts them at 0 and 1, so they are reset here after building, and the
fixture compares one step from the same state (issue 36 measures what the build pass changes).

With `--trajectory EPOCHS STEPS_PER_EPOCH` it writes a trajectory fixture instead: the shared maker's own recipe
and format (shared/fixtures/pytorch-parity/make_trajectory.py, imported, its network swapped for this one), so
that a block is held to PyTorch over many Adam steps, its running statistics and eval mode, as the shared
trajectories hold the built-in blocks.

Usage: python3 make_block_fixture.py EXPORT_PY BLOCK_JSON OUT_DIR NAME FILTERS STAGES BLOCKS BATCH SEED
       [--framework DIR] [--orders K] [--trajectory EPOCHS STEPS_PER_EPOCH]
"""
import argparse, importlib.util, json, math, os, sys

import torch
import torch.nn as nn
import torch.nn.functional as F


class EntryConvolutionalBlock(nn.Module):
    """The framework's entry block: conv (no bias), BN, leaky_relu, built by a dummy forward pass."""

    def __init__(self, input_shape, num_filters, kernel_size, padding, bias, dilation):
        super().__init__()
        self.layer_dict = nn.ModuleDict()
        x = torch.zeros(input_shape)
        self.layer_dict['conv_0'] = nn.Conv2d(x.shape[1], num_filters, kernel_size, padding=padding, bias=bias,
                                              dilation=dilation)
        out = self.layer_dict['conv_0'].forward(x)
        self.layer_dict['bn_0'] = nn.BatchNorm2d(out.shape[1])
        F.leaky_relu(self.layer_dict['bn_0'].forward(out))

    def forward(self, x):
        return F.leaky_relu(self.layer_dict['bn_0'].forward(self.layer_dict['conv_0'].forward(x)))


class NETWORK(nn.Module):
    """ConvolutionalNetwork's constructor and build order, for when no framework checkout is given."""

    def __init__(self, input_shape, num_output_classes, num_filters, num_blocks_per_stage, num_stages,
                 use_bias=False, processing_block_type=None, dimensionality_reduction_block_type=None):
        super().__init__()
        self.num_stages, self.num_blocks_per_stage = num_stages, num_blocks_per_stage
        self.layer_dict = nn.ModuleDict()
        out = torch.zeros(input_shape)
        self.layer_dict['input_conv'] = EntryConvolutionalBlock(out.shape, num_filters, 3, 1, use_bias, 1)
        out = self.layer_dict['input_conv'].forward(out)
        for i in range(num_stages):
            for j in range(num_blocks_per_stage):
                block = processing_block_type(input_shape=out.shape, num_filters=num_filters, bias=use_bias,
                                              kernel_size=3, dilation=1, padding=1)
                self.layer_dict['block_{}_{}'.format(i, j)] = block
                out = block.forward(out)
            block = dimensionality_reduction_block_type(input_shape=out.shape, num_filters=num_filters, bias=True,
                                                        kernel_size=3, dilation=1, padding=1, reduction_factor=2)
            self.layer_dict['reduction_block_{}'.format(i)] = block
            out = block.forward(out)
        out = F.avg_pool2d(out, out.shape[-1]).view(out.shape[0], -1)
        self.logit_linear_layer = nn.Linear(out.shape[1], num_output_classes, bias=True)

    def forward(self, x):
        out = self.layer_dict['input_conv'].forward(x)
        for i in range(self.num_stages):
            for j in range(self.num_blocks_per_stage):
                out = self.layer_dict['block_{}_{}'.format(i, j)].forward(out)
            out = self.layer_dict['reduction_block_{}'.format(i)].forward(out)
        out = F.avg_pool2d(out, out.shape[-1]).view(out.shape[0], -1)
        return self.logit_linear_layer(out)


def load_module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def kind(name):
    if '.weight' in name and 'linear' in name:
        return 'linear_weight'
    if '.bias' in name and 'linear' in name:
        return 'linear_bias'
    return None


def rel(a, b):
    return abs(a - b) / max(abs(b), 1e-30)


def param_kind(net, name):
    """conv_weight, bn_bias, linear_weight...: a batch norm told by its module's class, not by its name."""
    is_bn = isinstance(net.get_submodule(name.rsplit('.', 1)[0]), nn.BatchNorm2d)
    return kind(name) or (('bn_' if is_bn else 'conv_') + ('weight' if name.endswith('weight') else 'bias'))


def network_builder(export, block_name, filters, stages, blocks, batch, framework=None, run_export_test=False):
    """What builds the course's network from an exported block: ConvolutionalNetwork from `framework` (a
    checkout's pytorch_mlp_framework folder) or NETWORK, with the export's processing and reduction blocks.
    bench/pytorch_fidelity.py builds its block networks here too."""
    exported = load_module(export, 'exported_block')
    processing, reduction = exported.block_types(block_name)
    if run_export_test:  # the export's own test, as a student runs it
        snake = ''.join(c if c.isalnum() or c == '_' else '_' for c in block_name)
        getattr(exported, 'test_{}_blocks_fprop'.format(snake))()
    if framework:
        sys.path.insert(0, framework)
        network_class = load_module(os.path.join(framework, 'model_architectures.py'),
                                    'model_architectures').ConvolutionalNetwork
    else:
        network_class = NETWORK

    def build():
        net = network_class(input_shape=(batch, 3, 32, 32), num_output_classes=100, num_filters=filters,
                            num_blocks_per_stage=blocks, num_stages=stages, use_bias=False,
                            processing_block_type=processing, dimensionality_reduction_block_type=reduction)
        # the build pass ran every BN once in training mode; gradlab starts from fresh running statistics
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.reset_running_stats()
        return net

    return build


SHARED_PARITY = os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../../shared/fixtures/pytorch-parity')


def write_trajectory(a, build, config, network):
    """make_trajectory.py's main, on the network `build` makes: its Net and its kind() are swapped for this
    network's, and its manifest's config names the block instead of a block type."""
    sys.path.insert(0, SHARED_PARITY)
    import make_trajectory
    reference = build()
    make_trajectory.Net = lambda *_: build()
    make_trajectory.kind = lambda name: param_kind(reference, name)
    epochs, steps = a.trajectory
    sys.argv = ['make_trajectory.py', a.out_dir, a.name] + [str(v) for v in (
        a.filters, a.stages, a.blocks, 'custom', a.batch, epochs, steps, a.seed)]
    make_trajectory.main()
    path = os.path.join(a.out_dir, a.name, 'manifest.json')
    with open(path) as f:
        manifest = json.load(f)
    del manifest['config']['blockType']
    manifest['config'].update(config)
    manifest['network'] = network
    with open(path, 'w') as f:
        json.dump(manifest, f, indent=1)


def main():
    ap = argparse.ArgumentParser()
    for positional in ['export', 'block', 'out_dir', 'name']:
        ap.add_argument(positional)
    for positional in ['filters', 'stages', 'blocks', 'batch', 'seed']:
        ap.add_argument(positional, type=int)
    ap.add_argument('--framework')
    ap.add_argument('--orders', type=int, default=8)
    ap.add_argument('--trajectory', type=int, nargs=2, metavar=('EPOCHS', 'STEPS_PER_EPOCH'))
    a = ap.parse_args()
    torch.set_num_threads(int(os.environ.get('THREADS', '1')))

    block_name = json.load(open(a.block))['name']
    document = json.load(open(a.block))['block']
    build = network_builder(a.export, block_name, a.filters, a.stages, a.blocks, a.batch, a.framework,
                            run_export_test=True)
    network = ('the course framework\'s ConvolutionalNetwork (model_architectures.py from --framework)' if a.framework
               else 'make_block_fixture.py NETWORK (the framework\'s build order)')
    if a.trajectory:
        write_trajectory(a, build, {'block': document, 'blockName': block_name}, network)
        return

    torch.manual_seed(a.seed)
    net = build()  # PyTorch's default initialisation
    d = os.path.join(a.out_dir, a.name)
    os.makedirs(d, exist_ok=True)

    params, offset, flat = [], 0, []
    for n, p in net.named_parameters():
        k = param_kind(net, n)
        fan_in = p.shape[1] * p.shape[2] * p.shape[3] if p.dim() == 4 else (p.shape[1] if p.dim() == 2 else None)
        params.append({'name': n, 'shape': list(p.shape), 'offset': offset, 'length': p.numel(), 'kind': k,
                       'fanIn': fan_in})
        offset += p.numel()
        flat.append(p.detach().reshape(-1))
    torch.cat(flat).float().numpy().astype('<f4').tofile(os.path.join(d, 'weights.bin'))

    g = torch.Generator().manual_seed(a.seed + 1)
    x = torch.randn(a.batch, 3, 32, 32, generator=g)
    y = torch.randint(0, 100, (a.batch,), generator=g)
    x.numpy().astype('<f4').tofile(os.path.join(d, 'input.bin'))

    def step(dtype, perm=None, channels_last=False):
        m = build()
        m.load_state_dict(net.state_dict())
        m = m.to(dtype).train()
        perm = torch.arange(a.batch) if perm is None else perm
        xx = x[perm].to(dtype)
        if channels_last:
            m = m.to(memory_format=torch.channels_last)
            xx = xx.contiguous(memory_format=torch.channels_last)
        opt = torch.optim.Adam(m.parameters(), lr=1e-3, weight_decay=1e-4)
        logits = m(xx)
        loss = F.cross_entropy(logits, y[perm])
        opt.zero_grad()
        loss.backward()
        gm = {n: p.grad.double().abs().mean().item() for n, p in m.named_parameters()}
        gl2 = {n: p.grad.double().norm().item() for n, p in m.named_parameters()}
        opt.step()
        up = {n: p.detach().double().norm().item() for n, p in m.named_parameters()}
        running = {n: b.detach().double().norm().item() for n, b in m.named_buffers() if 'running' in n}
        return logits.detach(), loss.item(), gm, gl2, up, running

    l64, loss64, gm64, gl64, up64, run64 = step(torch.float64)
    l32, loss32, gm32, _, _, _ = step(torch.float32)
    l64.float().numpy().astype('<f4').tofile(os.path.join(d, 'logits.bin'))

    by_kind = {}
    for p in params:
        by_kind[p['kind']] = max(by_kind.get(p['kind'], 0.0), rel(gm32[p['name']], gm64[p['name']]))
    gperm = torch.Generator().manual_seed(1234)
    by_param = {p['name']: {'gradMeanAbs': 0.0, 'gradL2': 0.0, 'paramL2After': 0.0} for p in params}
    for i in range(a.orders):
        perm = torch.arange(a.batch) if i == 0 else torch.randperm(a.batch, generator=gperm)
        _, _, gm, gl2, up, _ = step(torch.float32, perm, channels_last=(i % 2 == 1))
        for n, e in by_param.items():
            e['gradMeanAbs'] = max(e['gradMeanAbs'], rel(gm[n], gm64[n]))
            e['gradL2'] = max(e['gradL2'], rel(gl2[n], gl64[n]))
            e['paramL2After'] = max(e['paramL2After'], rel(up[n], up64[n]))

    lr0, eta_min, t_max = 1e-3, 2e-5, 100
    manifest = {
        'about': 'PyTorch reference for the course framework\'s ConvolutionalNetwork built from gradlab\'s export '
                 'of a block (%s); computed in float64 from the float32 weights in weights.bin. Tensors are '
                 'little-endian float32 in PyTorch layout: conv weights [out, in, kh, kw], linear weights '
                 '[out, in], input NCHW.' % block_name,
        'torch': torch.__version__,
        'network': network,
        'config': {'numFilters': a.filters, 'numStages': a.stages, 'numBlocksPerStage': a.blocks,
                   'block': document, 'blockName': block_name, 'numClasses': 100, 'imageShape': [3, 32, 32],
                   'leakyReluSlope': 0.01, 'batchNormEps': 1e-5, 'batchNormMomentum': 0.1,
                   'mode': 'train (batch norm uses batch statistics)'},
        'counts': {'parameters': offset,
                   'convLayers': sum(1 for p in params if p['kind'] == 'conv_weight'),
                   'linearLayers': sum(1 for p in params if p['kind'] == 'linear_weight')},
        'params': params,
        'input': {'file': 'input.bin', 'shape': [a.batch, 3, 32, 32], 'layout': 'NCHW'},
        'labels': y.tolist(),
        'logits': {'file': 'logits.bin', 'shape': [a.batch, 100]},
        'loss': loss64,
        'gradMeanAbs': gm64,
        'gradL2': gl64,
        'adamStep': {'lr': 1e-3, 'weightDecay': 1e-4, 'betas': [0.9, 0.999], 'eps': 1e-8,
                     'weightDecayStyle': 'coupled L2 (torch.optim.Adam): grad += weightDecay * param',
                     'paramL2After': up64},
        'batchNormRunningL2After': run64,
        'float32VsFloat64': {'maxRelErrGradMeanAbs': max(by_kind.values()), 'maxRelErrGradMeanAbsByKind': by_kind,
                             'lossAbsErr': abs(loss32 - loss64),
                             'maxAbsErrLogits': (l32.double() - l64).abs().max().item(),
                             'orders': a.orders, 'relErrByParam': by_param},
        'cosineSchedule': {'lr0': lr0, 'etaMin': eta_min, 'tMax': t_max,
                           'lrPerEpoch': [eta_min + (lr0 - eta_min) * (1 + math.cos(math.pi * e / t_max)) / 2
                                          for e in range(t_max)]},
    }
    with open(os.path.join(d, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=1)
    print(a.name, offset, 'params', manifest['counts'], 'loss', round(loss64, 5))


if __name__ == '__main__':
    main()
