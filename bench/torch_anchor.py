#!/usr/bin/python3
# PyTorch anchor for bench/step-backends.ts: the same training step (forward + backward + SGD
# update, median of 10 after 3 warm-up) for LeNet-300-100 at batch 100 and cnn-small at batch 32,
# on 2 CPU threads. Needs torch (Debian: apt-get install python3-torch); resnet50 (224x224,
# batch 2) also runs when torchvision is installed. Usage: /usr/bin/python3 bench/torch_anchor.py
# [--threads N] (Debian's torch lives in the system python, not a pyenv one).
import argparse
import statistics
import time

import torch
from torch import nn


def lenet_300_100():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 100), nn.ReLU(), nn.Linear(100, 10))


def cnn_small():
    layers, channels = [], 3
    for _ in range(3):
        layers += [nn.Conv2d(channels, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
        channels = 32
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(4 * 4 * 32, 10))


def workloads():
    yield 'lenet-300-100', lenet_300_100(), 100, (1, 28, 28), 10
    yield 'cnn-small', cnn_small(), 32, (3, 32, 32), 10
    try:
        import torchvision
    except ImportError:
        return
    yield 'resnet50', torchvision.models.resnet50(), 2, (3, 224, 224), 1000


def time_steps(model, batch, shape, classes, steps=10, warmup=3):
    torch.manual_seed(0)
    x = torch.randn(batch, *shape)
    labels = torch.arange(batch) % classes
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    times = []
    for step in range(warmup + steps):
        started = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), labels)
        loss.backward()
        optimizer.step()
        loss.item()
        if step >= warmup:
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--threads', type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads')
    print('ms per training step (forward + backward + SGD update), median of 10 after 3 warm-up')
    for name, model, batch, shape, classes in workloads():
        print(f'{name + f" ({batch})":<22}{time_steps(model, batch, shape, classes):>10.1f}')


if __name__ == '__main__':
    main()
