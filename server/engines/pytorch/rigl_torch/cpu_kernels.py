# CPU kernels the engine picks for speed: on a torch whose BLAS is the generic reference one
# (Debian's python3-torch: BLAS_INFO=generic), fully connected layers run as 1×1 convolutions,
# which oneDNN computes (about 3× faster for LeNet-300-100 here); names and parameters stay nn.Linear's.
from __future__ import annotations

import functools

import torch
import torch.nn.functional as F
from torch import nn


class OneDnnLinear(nn.Linear):
    """nn.Linear whose CPU forward is a 1×1 convolution: the same y = xWᵀ + b, through oneDNN instead of the reference sgemm."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() != 2 or x.device.type != "cpu":
            return super().forward(x)
        return F.conv2d(x[:, :, None, None], self.weight[:, :, None, None], self.bias).flatten(1)


@functools.lru_cache(maxsize=1)
def reference_blas() -> bool:
    """Whether this torch does its matrix products with the generic reference BLAS while oneDNN is there for convolutions."""
    return "BLAS_INFO=generic" in torch.__config__.show() and torch.backends.mkldnn.is_available()


def use_fast_cpu_kernels(model: nn.Module) -> bool:
    """Turns the model's nn.Linear layers into OneDnnLinear where that is faster; the same parameter objects stay in place."""
    if not reference_blas():
        return False
    for module in model.modules():
        if type(module) is nn.Linear:
            module.__class__ = OneDnnLinear
    return True
