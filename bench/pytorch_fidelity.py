#!/usr/bin/env python3
"""The course framework's training recipe in PyTorch, on the very images gradlab trains on.

Reads train/val/test files in CIFAR-100's binary format (1 coarse label, 1 fine label, 3072 bytes of R, G and
B planes per record), trains the coursework's ConvolutionalNetwork (the class the parity fixtures were made
with, ../shared/fixtures/pytorch-parity/make_fixtures.py) with the framework's recipe, and prints one JSON
line per epoch and a last one with the test metrics of the best-validation weights.

Recipe (pytorch_mlp_framework's experiment_builder): Adam(lr, weight_decay) stepped every batch; cosine
annealing per epoch (CosineAnnealingLR, T_max = epochs, eta_min); RandomCrop(32, padding=4) and
RandomHorizontalFlip on the training images, Normalize with the CIFAR mean and std everywhere; batches of
`batch` shuffled every epoch; the model with the best validation accuracy is tested.

Usage: python3 pytorch_fidelity.py DATA_DIR FILTERS STAGES BLOCKS BLOCK_TYPE EPOCHS BATCH LR WEIGHT_DECAY SEED
(DATA_DIR holds train.bin, val.bin and test.bin; Debian's python3-torch)
INIT_WEIGHTS=FILE.json starts from other initial weights instead of PyTorch's own draw: a JSON list of
[name, shape, values] in PyTorch's layout (bench/fidelity-init-swap.ts writes gradlab's draw so).
BLOCK_EXPORT=FILE.py BLOCK_NAME=NAME trains the network built from gradlab's export of a block instead of BLOCK_TYPE
(scripts/parity/make_block_fixture.py's builder; FRAMEWORK=DIR builds it in the course's own ConvolutionalNetwork
from a checkout's pytorch_mlp_framework folder).
BUILD_PASS=1 does what the course's ConvolutionalNetwork does when it builds its layers: one forward pass of a
batch of zeros in training mode, which leaves each batch norm's running_var at 0.9 and its running_mean at 0.1 x
what comes in (its conv's bias, where that is constant) before the first step (bench/fidelity-build-pass.ts).
"""
import contextlib, copy, json, os, sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../shared/fixtures/pytorch-parity'))
from make_fixtures import Net  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '../scripts/parity'))
from make_block_fixture import network_builder  # noqa: E402

MEAN = torch.tensor([0.4914, 0.4822, 0.4465]).view(1, 3, 1, 1)
STD = torch.tensor([0.2023, 0.1994, 0.2010]).view(1, 3, 1, 1)


def read(path):
    raw = np.fromfile(path, dtype=np.uint8).reshape(-1, 3074)
    images = torch.from_numpy(raw[:, 2:].reshape(-1, 3, 32, 32).astype(np.float32) / 255.0)
    return (images - MEAN) / STD, torch.from_numpy(raw[:, 1].astype(np.int64))


def augment(x, g):
    """RandomCrop(32, padding=4) with zero padding in pixel space, then RandomHorizontalFlip, per image."""
    padded = F.pad(x * STD + MEAN, (4, 4, 4, 4))  # pad the 0..1 image, as torchvision pads the PIL image
    out = torch.empty_like(x)
    offsets = torch.randint(0, 9, (x.shape[0], 2), generator=g)
    flips = torch.rand(x.shape[0], generator=g) < 0.5
    for i in range(x.shape[0]):
        dy, dx = offsets[i].tolist()
        crop = padded[i, :, dy:dy + 32, dx:dx + 32]
        out[i] = torch.flip(crop, dims=[2]) if flips[i] else crop
    return (out - MEAN) / STD


def evaluate(model, x, y, batch):
    """Mean over batches of batch loss and batch accuracy, as the framework's experiment_builder averages
    (np.mean of its per-batch values), and gradlab too: a partial last batch counts as much as a full one."""
    model.eval()
    losses, accuracies = [], []
    with torch.no_grad():
        for i in range(0, x.shape[0], batch):
            logits = model(x[i:i + batch])
            losses.append(F.cross_entropy(logits, y[i:i + batch]).item())
            accuracies.append((logits.argmax(1) == y[i:i + batch]).double().mean().item())
    return sum(losses) / len(losses), sum(accuracies) / len(accuracies)


def main():
    data, filters, stages, blocks, block_type, epochs, batch, lr, wd, seed = sys.argv[1:11]
    filters, stages, blocks, epochs, batch, seed = map(int, (filters, stages, blocks, epochs, batch, seed))
    lr, wd = float(lr), float(wd)
    torch.set_num_threads(int(os.environ.get('THREADS', '1')))
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed + 1)
    xtr, ytr = read(os.path.join(data, 'train.bin'))
    xva, yva = read(os.path.join(data, 'val.bin'))
    xte, yte = read(os.path.join(data, 'test.bin'))
    if os.environ.get('BLOCK_EXPORT'):
        with contextlib.redirect_stdout(sys.stderr):  # the framework prints shapes as it builds; stdout is JSON
            model = network_builder(os.environ['BLOCK_EXPORT'], os.environ['BLOCK_NAME'], filters, stages, blocks,
                                    batch, os.environ.get('FRAMEWORK'))()
    else:
        model = Net(filters, stages, blocks, block_type)
    if os.environ.get('INIT_WEIGHTS'):
        with open(os.environ['INIT_WEIGHTS']) as f:
            given = {name: torch.tensor(values, dtype=torch.float32).reshape(shape) for name, shape, values in json.load(f)}
        missing = set(dict(model.named_parameters())) - set(given)
        if missing:
            sys.exit(f'INIT_WEIGHTS lacks {sorted(missing)[:3]}')
        model.load_state_dict(given, strict=False)
    if os.environ.get('BUILD_PASS') == '1':
        model.train()
        with torch.no_grad():
            model(torch.zeros(batch, 3, 32, 32))
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=wd)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs, eta_min=2e-5)
    best = (-1.0, None, -1)
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(xtr.shape[0], generator=g)
        loss_sum, acc_sum, batches = 0.0, 0.0, 0
        for i in range(0, xtr.shape[0], batch):
            idx = order[i:i + batch]
            x, y = augment(xtr[idx], g), ytr[idx]
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            loss_sum += loss.item()
            acc_sum += (logits.argmax(1) == y).double().mean().item()
            batches += 1
        schedule.step()
        val_loss, val_acc = evaluate(model, xva, yva, batch)
        if val_acc > best[0]:
            best = (val_acc, copy.deepcopy(model.state_dict()), epoch)
        print(json.dumps({'epoch': epoch, 'trainLoss': loss_sum / batches, 'trainAccuracy': acc_sum / batches, 'valLoss': val_loss, 'valAccuracy': val_acc}), flush=True)
    model.load_state_dict(best[1])
    test_loss, test_acc = evaluate(model, xte, yte, batch)
    print(json.dumps({'bestEpoch': best[2], 'testLoss': test_loss, 'testAccuracy': test_acc}), flush=True)


if __name__ == '__main__':
    main()
