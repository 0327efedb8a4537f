# The datasets of server/data/ for the PyTorch engine: MNIST/Fashion-MNIST from IDX files,
# CIFAR-10 binary, synthetic class templates plus noise, and ImageNet folders via torchvision.
from __future__ import annotations

import gzip
import os
import struct
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import torch

from .seeds import mix_seed

NORMALIZATION = {
    "mnist": ((0.1307,), (0.3081,)),
    "fashion-mnist": ((0.286,), (0.353,)),
    "cifar10": ((0.4914, 0.4822, 0.4465), (0.247, 0.2435, 0.2616)),
    "imagenet": ((0.485, 0.456, 0.406), (0.229, 0.224, 0.225)),
}
PLAN_FILE_KEYS = {"train_images": "trainImages", "train_labels": "trainLabels", "test_images": "testImages", "test_labels": "testLabels"}
IDX_FILES = {"train_images": "train-images-idx3-ubyte", "train_labels": "train-labels-idx1-ubyte", "test_images": "t10k-images-idx3-ubyte", "test_labels": "t10k-labels-idx1-ubyte"}
DEFAULT_FASHION_MNIST_PATH = "/usr/share/datasets/fashion-mnist"
CIFAR_TRAIN_FILES = [f"data_batch_{i}.bin" for i in range(1, 6)]
CIFAR_TEST_FILE = "test_batch.bin"
# Examples of the evaluation crop kept from the resized image (224 of 256), as server/data does.
EVAL_CROP_FRACTION = 0.875


class DatasetError(Exception):
    """The data cannot be read; the message names the file and what was expected."""


class Split:
    """Examples addressed by index; batch() returns normalized NCHW float32 and int64 labels."""

    size: int

    def batch(self, indices: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        raise NotImplementedError


class ByteImages(Split):
    """Images held in memory as uint8 NCHW (MNIST, Fashion-MNIST, CIFAR-10)."""

    def __init__(self, pixels: torch.Tensor, labels: torch.Tensor, normalization: Tuple[Sequence[float], Sequence[float]], limit: int = 0) -> None:
        if limit > 0:
            pixels, labels = pixels[:limit], labels[:limit]
        self.pixels = pixels
        self.labels = labels.long()
        self.size = int(labels.shape[0]) if limit <= 0 else min(limit, int(labels.shape[0]))
        mean, std = normalization
        self.mean = torch.tensor(mean, dtype=torch.float32).view(1, -1, 1, 1)
        self.std = torch.tensor(std, dtype=torch.float32).view(1, -1, 1, 1)

    def batch(self, indices: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        x = self.pixels[indices].float().div_(255.0).sub_(self.mean).div_(self.std)
        return x, self.labels[indices]


class SyntheticSplit(Split):
    """Every class has a fixed random template (a coarse grid, upsampled); an example is its template plus unit noise."""

    def __init__(self, size: int, split: int, shape: Sequence[int], classes: int, templates: torch.Tensor, seed: int) -> None:
        self.size = size
        self.split = split
        self.shape = (int(shape[2]), int(shape[0]), int(shape[1]))
        self.classes = classes
        self.seed = seed
        self.templates = torch.nn.functional.interpolate(templates, size=self.shape[1:], mode="nearest")

    def batch(self, indices: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        labels = indices.long() % self.classes
        noise = torch.empty((len(indices),) + self.shape)
        generator = torch.Generator()
        for k, index in enumerate(indices.tolist()):
            # Each example has its own stream: its content never depends on batch order or epoch.
            generator.manual_seed(mix_seed(self.seed, self.split, int(index), 0x45))
            noise[k].normal_(generator=generator)
        return self.templates[labels] + noise, labels


@dataclass
class Data:
    name: str
    input_shape: List[int]
    num_classes: int
    train: Split
    test: Split
    # ImageNet only: a torch Dataset per split, loaded by DataLoader workers.
    folder_train: Optional[object] = None
    folder_test: Optional[object] = None


def read_idx(path: str) -> torch.Tensor:
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as error:
        raise DatasetError(f"IDX file {path}: {error.strerror}") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except OSError as error:
            raise DatasetError(f"{path}: not a valid gzip file ({error})") from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise DatasetError(f"IDX file {path}: bad magic {raw[:4].hex()}, expected 0x000008RR (unsigned bytes)")
    rank = raw[3]
    dims = list(struct.unpack(f">{rank}I", raw[4 : 4 + 4 * rank]))
    count = 1
    for d in dims:
        count *= d
    body = raw[4 + 4 * rank :]
    if len(body) != count:
        raise DatasetError(f"IDX file {path}: header says {'×'.join(map(str, dims))} values but the file holds {len(body)} bytes after the header")
    return torch.frombuffer(bytearray(body), dtype=torch.uint8).view(*dims)


def idx_file(folder: str, name: str) -> str:
    dotted = name.replace("-idx", ".idx")
    for candidate in (name, f"{name}.gz", dotted, f"{dotted}.gz"):
        path = os.path.join(folder, candidate)
        if os.path.exists(path):
            return path
    raise DatasetError(f"{folder} has no {name}(.gz): expected the four MNIST-layout IDX files (train/t10k images and labels)")


def open_idx(name: str, folder: Optional[str], named_files: Optional[Dict[str, str]], limit: int) -> Data:
    """MNIST-layout data from the plan's exact files, else from the standard names in a folder."""
    if named_files is not None:
        files = {key: named_files[camel] for key, camel in PLAN_FILE_KEYS.items()}
    elif folder:
        files = {key: idx_file(folder, value) for key, value in IDX_FILES.items()}
    else:
        raise DatasetError(f"{name}: plan.json names neither data.files nor data.path")
    train_images, test_images = read_idx(files["train_images"]), read_idx(files["test_images"])
    train_labels, test_labels = read_idx(files["train_labels"]), read_idx(files["test_labels"])
    height, width = int(train_images.shape[1]), int(train_images.shape[2])
    norm = NORMALIZATION[name]
    return Data(
        name, [height, width, 1], 10,
        ByteImages(train_images.unsqueeze(1), train_labels, norm, limit),
        ByteImages(test_images.unsqueeze(1), test_labels, norm),
    )


def read_cifar(path: str) -> Tuple[torch.Tensor, torch.Tensor]:
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as error:
        raise DatasetError(f"CIFAR-10: {path}: {error.strerror} (expected data_batch_1..5.bin and test_batch.bin)") from None
    if not raw or len(raw) % 3073 != 0:
        raise DatasetError(f"CIFAR-10: {path} is {len(raw)} bytes, not a whole number of 3073-byte records")
    records = torch.frombuffer(bytearray(raw), dtype=torch.uint8).view(-1, 3073)
    return records[:, 1:].reshape(-1, 3, 32, 32).clone(), records[:, 0].clone()


def open_cifar10(path: Optional[str], limit: int) -> Data:
    if not path:
        raise DatasetError("CIFAR-10 needs dataset.path: a folder with data_batch_1..5.bin and test_batch.bin")
    folder = path
    if not os.path.exists(os.path.join(folder, CIFAR_TRAIN_FILES[0])) and os.path.isdir(os.path.join(folder, "cifar-10-batches-bin")):
        folder = os.path.join(folder, "cifar-10-batches-bin")
    parts = [read_cifar(os.path.join(folder, f)) for f in CIFAR_TRAIN_FILES]
    test_pixels, test_labels = read_cifar(os.path.join(folder, CIFAR_TEST_FILE))
    norm = NORMALIZATION["cifar10"]
    return Data(
        "cifar10", [32, 32, 3], 10,
        ByteImages(torch.cat([p for p, _ in parts]), torch.cat([l for _, l in parts]), norm, limit),
        ByteImages(test_pixels, test_labels, norm),
    )


def open_synthetic(train_size: int, test_size: int, shape: Sequence[int], classes: int, seed: int, limit: int) -> Data:
    grid = (min(8, int(shape[0])), min(8, int(shape[1])))
    generator = torch.Generator().manual_seed(mix_seed(seed, 0x54))
    templates = torch.randn((classes, int(shape[2])) + grid, generator=generator)
    size = min(limit, train_size) if limit > 0 else train_size
    return Data(
        "synthetic", list(shape), classes,
        SyntheticSplit(size, 0, shape, classes, templates, seed),
        SyntheticSplit(test_size, 1, shape, classes, templates, seed),
    )


def open_imagenet(path: Optional[str], size: int, limit: int) -> Data:
    if not path:
        raise DatasetError("ImageNet needs dataset.path: a folder with train/<class>/*.JPEG and val/<class>/*.JPEG")
    import torchvision  # only ImageNet needs it
    from torchvision import transforms

    mean, std = NORMALIZATION["imagenet"]
    train_transform = transforms.Compose([transforms.RandomResizedCrop(size), transforms.RandomHorizontalFlip(), transforms.ToTensor(), transforms.Normalize(mean, std)])
    eval_transform = transforms.Compose([transforms.Resize(round(size / EVAL_CROP_FRACTION)), transforms.CenterCrop(size), transforms.ToTensor(), transforms.Normalize(mean, std)])
    for split in ("train", "val"):
        if not os.path.isdir(os.path.join(path, split)):
            raise DatasetError(f"ImageNet: {os.path.join(path, split)} is not a folder (expected path/train/<class>/*.JPEG and path/val/<class>/*.JPEG)")
    train = torchvision.datasets.ImageFolder(os.path.join(path, "train"), transform=train_transform)
    val = torchvision.datasets.ImageFolder(os.path.join(path, "val"), transform=eval_transform)
    unknown = [c for c in val.classes if c not in train.class_to_idx]
    if unknown:
        raise DatasetError(f"ImageNet: {os.path.join(path, 'val')} has class folder(s) {', '.join(unknown[:3])} that the training split lacks")
    val.class_to_idx = train.class_to_idx
    val.samples = [(p, train.class_to_idx[val.classes[t]]) for p, t in val.samples]
    train_size = min(limit, len(train)) if limit > 0 else len(train)
    return Data("imagenet", [size, size, 3], len(train.classes), FolderSplit(train_size), FolderSplit(len(val)), train, val)


class FolderSplit(Split):
    """A placeholder for a folder dataset's size: its batches come from a DataLoader, not batch()."""

    def __init__(self, size: int) -> None:
        self.size = size


def open_data(name: str, path: Optional[str], files: Optional[Dict[str, str]], input_shape: Sequence[int], num_classes: int, train_size: int, test_size: int, seed: int, limit: int) -> Data:
    if name == "mnist":
        return open_idx("mnist", path, files, limit)
    if name == "fashion-mnist":
        return open_idx("fashion-mnist", path or DEFAULT_FASHION_MNIST_PATH, files, limit)
    if name == "cifar10":
        return open_cifar10(path, limit)
    if name == "synthetic":
        return open_synthetic(train_size, test_size, input_shape, num_classes, seed, limit)
    if name == "imagenet":
        return open_imagenet(path, int(input_shape[0]), limit)
    raise DatasetError(f"unknown dataset '{name}'")


Transform = Callable[[torch.Tensor], torch.Tensor]
