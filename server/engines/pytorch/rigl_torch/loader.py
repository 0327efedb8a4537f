# Batches of a run: the epoch's shuffled order from (seed, epoch), resumption at a batch, each
# rank's slice of the global batch, folder augmentation drawn from (seed, epoch, example), and
# on CUDA pinned host batches prefetched on a thread.
from __future__ import annotations

import queue
import threading
from typing import Any, Iterator, List, Optional, Tuple

import torch

from .datasets import Data, Split
from .lifetime import data_worker_init
from .seeds import PURPOSE, mix_seed

Batch = Tuple[torch.Tensor, torch.Tensor]


def epoch_order(size: int, seed: int, epoch: int) -> torch.Tensor:
    """The training order of an epoch: the same for the same (size, seed, epoch), new every epoch."""
    generator = torch.Generator().manual_seed(mix_seed(seed, epoch, PURPOSE["epoch_order"]))
    return torch.randperm(size, generator=generator)


class SeededAugmentation:
    """A folder dataset read by (epoch, index): its random transforms draw from (seed, epoch, index), so an
    example's crop and flip never depend on the worker, the batch position or where a run resumed."""

    def __init__(self, dataset: Any, seed: int) -> None:
        self.dataset = dataset
        self.seed = seed

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, key: Tuple[int, int]) -> Any:
        epoch, index = key
        # torchvision's random transforms draw from torch's global generator: in a DataLoader worker,
        # that worker's own; with no workers, the rank's, which nothing else of the loop draws from.
        torch.manual_seed(mix_seed(self.seed, epoch, index, PURPOSE["augmentation"]))
        return self.dataset[index]


def rank_slice(global_batch: torch.Tensor, rank: int, world: int) -> torch.Tensor:
    share = global_batch.shape[0] // world
    return global_batch[rank * share : (rank + 1) * share]


class Loader:
    def __init__(self, data: Data, batch_size: int, seed: int, rank: int, world: int, device: torch.device, workers: int, channels_last: bool) -> None:
        if batch_size % world != 0:
            raise ValueError(f"training.batch_size {batch_size} is not divisible by pytorch.processes {world}: every rank takes an equal share of the global batch")
        if batch_size > data.train.size:
            raise ValueError(f"{data.name}: batch size {batch_size} is larger than the {data.train.size} training examples, so an epoch would have no full batch")
        self.data = data
        self.batch_size = batch_size
        self.seed = seed
        self.rank = rank
        self.world = world
        self.device = device
        self.workers = workers
        self.channels_last = channels_last
        self.pin = device.type == "cuda"

    def _to_device(self, batch: Batch) -> Batch:
        x, y = batch
        if self.pin and not x.is_pinned():
            x, y = x.pin_memory(), y.pin_memory()
        x = x.to(self.device, non_blocking=True)
        if self.channels_last and x.dim() == 4:
            x = x.contiguous(memory_format=torch.channels_last)
        return x, y.to(self.device, non_blocking=True)

    def _index_lists(self, epoch: int, start_batch: int, batches: int) -> List[torch.Tensor]:
        order = epoch_order(self.data.train.size, self.seed, epoch)
        return [rank_slice(order[b * self.batch_size : (b + 1) * self.batch_size], self.rank, self.world) for b in range(start_batch, batches)]

    def train_batches(self, epoch: int, start_batch: int, batches: int) -> Iterator[Batch]:
        """This rank's share of global batches start_batch..batches-1 of the epoch, on the device."""
        index_lists = self._index_lists(epoch, start_batch, batches)
        if self.data.folder_train is not None:
            return self._folder_batches(SeededAugmentation(self.data.folder_train, self.seed), [[(epoch, i) for i in ix.tolist()] for ix in index_lists])
        return self._memory_batches(self.data.train, index_lists)

    def test_batches(self, batch_size: int) -> Iterator[Batch]:
        """This rank's share of the test set: every world-th batch of the ordered test examples."""
        size = self.data.test.size
        index_lists = [torch.arange(first, min(first + batch_size, size)) for first in range(0, size, batch_size)][self.rank :: self.world]
        if self.data.folder_test is not None:
            return self._folder_batches(self.data.folder_test, [ix.tolist() for ix in index_lists])
        return self._memory_batches(self.data.test, index_lists)

    def _memory_batches(self, split: Split, index_lists: List[torch.Tensor]) -> Iterator[Batch]:
        if self.device.type != "cuda":
            for indices in index_lists:
                yield split.batch(indices)
            return
        # One batch ahead on a thread: the gather and the pinned copy overlap the GPU's step.
        ready: "queue.Queue[Optional[Batch]]" = queue.Queue(maxsize=2)

        def produce() -> None:
            for indices in index_lists:
                x, y = split.batch(indices)
                ready.put((x.pin_memory(), y.pin_memory()))
            ready.put(None)

        threading.Thread(target=produce, name="rigl-prefetch", daemon=True).start()
        while True:
            item = ready.get()
            if item is None:
                return
            yield self._to_device(item)

    def _folder_batches(self, dataset: object, index_lists: List[List[Any]]) -> Iterator[Batch]:
        from torch.utils.data import DataLoader

        loader = DataLoader(
            dataset,  # type: ignore[arg-type]
            batch_sampler=index_lists,  # type: ignore[arg-type]
            num_workers=self.workers,
            pin_memory=self.pin,
            # Only the workers' base seeds come from it (augmentation does not): fixed, and the rank's generator untouched.
            generator=torch.Generator().manual_seed(self.seed),
            worker_init_fn=data_worker_init if self.workers > 0 else None,
            **({"prefetch_factor": 4, "persistent_workers": False} if self.workers > 0 else {}),
        )
        for batch in loader:
            yield self._to_device((batch[0], batch[1]))
