# Where and how a rank computes: the device from `pytorch.device`, the autocast precision,
# channels_last and cudnn.benchmark on CUDA, and CPU threads shared fairly between local ranks.
from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from typing import ContextManager, Optional, Tuple

import torch

from .plan import Plan

PRECISIONS = ("fp32", "bf16", "fp16")


@dataclass
class Runtime:
    device: torch.device
    precision: str
    channels_last: bool
    description: str

    def autocast(self) -> ContextManager[object]:
        if self.precision == "fp32" or self.device.type != "cuda":
            return contextlib.nullcontext()
        dtype = torch.bfloat16 if self.precision == "bf16" else torch.float16
        return torch.autocast(device_type="cuda", dtype=dtype)

    def grad_scaler(self) -> Optional[object]:
        if self.precision != "fp16" or self.device.type != "cuda":
            return None
        scaler = getattr(torch.amp, "GradScaler", None)  # torch ≥ 2.3; older ones have torch.cuda.amp's
        return scaler("cuda") if scaler is not None else torch.cuda.amp.GradScaler()


def select_runtime(plan: Plan, local_rank: int, world: int) -> Runtime:
    wanted = str(plan.setting("pytorch.device", "auto"))
    precision = str(plan.setting("pytorch.precision", "fp32"))
    if precision not in PRECISIONS:
        raise ValueError(f"pytorch.precision is '{precision}'; expected fp32, bf16 or fp16")
    if wanted not in ("auto", "cuda", "cpu"):
        raise ValueError(f"pytorch.device is '{wanted}'; expected auto, cuda or cpu")
    cuda = torch.cuda.is_available()
    if wanted == "cuda" and not cuda:
        raise RuntimeError(f"pytorch.device is cuda but torch {torch.__version__} sees no CUDA GPU here")
    if wanted == "cuda" or (wanted == "auto" and cuda):
        count = torch.cuda.device_count()
        if local_rank >= count:
            raise RuntimeError(f"local rank {local_rank} has no GPU: this node has {count}")
        torch.cuda.set_device(local_rank)
        torch.backends.cudnn.benchmark = True
        if precision == "bf16" and not torch.cuda.is_bf16_supported():
            raise RuntimeError(f"pytorch.precision bf16: {torch.cuda.get_device_name(local_rank)} does not support bfloat16; use fp16 or fp32")
        # TF32 matmuls on Ampere and newer: fp32 runs keep fp32 storage with faster tensor cores.
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        channels_last = bool(plan.setting("pytorch.channels_last", True))
        name = torch.cuda.get_device_name(local_rank)
        return Runtime(torch.device("cuda", local_rank), precision, channels_last, f"torch {torch.__version__}, CUDA {torch.version.cuda}, {name}, {world} process(es), {precision}")
    threads_why = "OMP_NUM_THREADS"
    if "OMP_NUM_THREADS" not in os.environ:
        local_world = int(os.environ.get("LOCAL_WORLD_SIZE", str(world)))
        threads, threads_why = cpu_threads(os.cpu_count() or 1, local_world, os.getloadavg()[0])
        torch.set_num_threads(threads)
    note = "" if precision == "fp32" else f" ({precision} applies on CUDA only; fp32 on CPU)"
    return Runtime(torch.device("cpu"), "fp32", False, f"torch {torch.__version__}, CPU, {torch.get_num_threads()} thread(s) ({threads_why}), {world} process(es){note}")


def cpu_threads(cpus: int, local_world: int, load: float) -> Tuple[int, str]:
    """A rank's share of the CPUs that are idle when it starts, at least 1.

    OpenMP threads that wait for a busy core cost far more than they give: on 2 CPUs at a load
    average of 4, LeNet-300-100 took 50 ms a step with 2 threads and 5 ms with 1 (README).
    """
    share = max(1, cpus // max(1, local_world))
    idle = max(1, int((cpus - load + 0.5) // max(1, local_world)))
    threads = min(share, idle)
    return threads, f"{cpus} CPUs, {local_world} rank(s), load average {load:.1f}"


def no_grad_context() -> ContextManager[object]:
    return torch.no_grad()
