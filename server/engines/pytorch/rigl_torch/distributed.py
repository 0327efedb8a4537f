# Ranks of a run: the environment contract (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR,
# MASTER_PORT), the process groups (NCCL on CUDA, gloo on CPU, plus a gloo group for stop
# agreement), the collectives the trainer needs, and `pytorch.sync_bn`.
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from typing import Optional, Tuple

import torch
import torch.distributed as dist
from torch import nn


@dataclass
class Ranks:
    rank: int
    world: int
    local_rank: int
    control: Optional[object] = None

    @property
    def distributed(self) -> bool:
        return self.world > 1

    @property
    def leader(self) -> bool:
        return self.rank == 0


def ranks_from_environment() -> Ranks:
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", str(rank)))
    return Ranks(rank, world, local_rank)


def init_process_groups(ranks: Ranks, device: torch.device) -> None:
    if not ranks.distributed:
        return
    backend = "nccl" if device.type == "cuda" else "gloo"
    dist.init_process_group(backend=backend, init_method="env://", rank=ranks.rank, world_size=ranks.world, timeout=timedelta(minutes=30))
    # Stop agreement on the host: a tiny gloo all-reduce per step never waits for the GPU.
    ranks.control = dist.new_group(backend="gloo") if backend != "gloo" else None


def agree_stop(ranks: Ranks, local: bool) -> bool:
    """True on every rank when any rank was asked to stop, so all finish the same step."""
    if not ranks.distributed:
        return local
    flag = torch.tensor([1 if local else 0], dtype=torch.int32)
    dist.all_reduce(flag, op=dist.ReduceOp.MAX, group=ranks.control)  # type: ignore[arg-type]
    return bool(flag.item())


def all_reduce_sum(ranks: Ranks, tensor: torch.Tensor) -> torch.Tensor:
    if ranks.distributed:
        dist.all_reduce(tensor, op=dist.ReduceOp.SUM)
    return tensor


def shutdown(ranks: Ranks) -> None:
    if ranks.distributed and dist.is_initialized():
        dist.destroy_process_group()


def sync_batch_norm(module: nn.Module, device: torch.device, ranks: Ranks) -> Tuple[nn.Module, str]:
    """`pytorch.sync_bn: true`: batch norm over the global batch where torch can do it (several ranks on CUDA); why not otherwise.

    The batch-norm modules are replaced, their parameters and buffers (the same objects) kept, so the
    optimizer, the masks and checkpoints are unaffected and a run may resume with the setting changed.
    """
    if not ranks.distributed:
        return module, "pytorch.sync_bn: one process, so nothing to synchronise"
    if device.type != "cuda":
        return module, "pytorch.sync_bn: ignored on CPU (torch's SyncBatchNorm runs on CUDA only); each rank normalizes its own share of the batch"
    return nn.SyncBatchNorm.convert_sync_batchnorm(module), "pytorch.sync_bn: batch-norm statistics over the global batch (SyncBatchNorm)"
