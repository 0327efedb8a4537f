#!/usr/bin/env python3
# PyTorch side of bench/gpu: torchvision ResNet-50 training steps (forward, backward, SGD with
# Nesterov momentum) in fp32 at the same batch and image size as the tfjs/WebGPU measurement;
# prints one JSON line per batch: images/s (median step over the timed steps) and peak memory.
# Usage: python3 torch_resnet50.py --batches 32,64,128 [--image-size 224] [--steps 10]
#        [--warmup 3] [--device cuda|cpu]
import argparse
import json
import statistics
import time

import torch
import torchvision


def sync(device):
    if device.type == 'cuda':
        torch.cuda.synchronize()


def measure(batch, image_size, steps, warmup, device):
    torch.manual_seed(0)
    model = torchvision.models.resnet50().to(device)
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4)
    loss_fn = torch.nn.CrossEntropyLoss()
    # Like the tfjs side, each step uploads its batch from the host.
    x_host = torch.randn(batch, 3, image_size, image_size)
    y_host = torch.arange(batch) % 1000
    if device.type == 'cuda':
        torch.cuda.reset_peak_memory_stats(device)
    times = []
    for i in range(warmup + steps):
        sync(device)
        start = time.perf_counter()
        x, y = x_host.to(device), y_host.to(device)
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        sync(device)
        if i >= warmup:
            times.append(time.perf_counter() - start)
    step = statistics.median(times)
    peak = torch.cuda.max_memory_allocated(device) if device.type == 'cuda' else None
    return {'engine': 'pytorch', 'torch': torch.__version__, 'device': str(device), 'batch': batch, 'imageSize': image_size,
            'stepSeconds': step, 'imagesPerSec': batch / step, 'peakMemoryBytes': peak, 'loss': float(loss)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--batches', default='32,64,128')
    parser.add_argument('--image-size', type=int, default=224)
    parser.add_argument('--steps', type=int, default=10)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    args = parser.parse_args()
    device = torch.device(args.device)
    for batch in (int(b) for b in args.batches.split(',')):
        print(json.dumps(measure(batch, args.image_size, args.steps, args.warmup, device)), flush=True)
        if device.type == 'cuda':
            torch.cuda.empty_cache()


if __name__ == '__main__':
    main()
