# CPU kernels the engine picks for speed on a torch whose BLAS is the generic reference one
# (Debian's python3-torch: BLAS_INFO=generic): fully connected layers and 1×1 convolutions go
# through oneDNN, which torch uses for its other convolutions, instead of the reference sgemm.
from __future__ import annotations

import functools

import torch
import torch.nn.functional as F
from torch import nn

# torch sends a 1×1, stride-1 convolution of a batch under 16 on one thread to its native kernel (a
# matrix product, so the reference sgemm here) and a dilated one to oneDNN; a 1×1 kernel ignores the
# dilation, so dilating it changes the route, not the result. ResNet-50 (batch 2, 224², one thread):
# 9.4 → 1.5 s a step; LeNet-300-100 (batch 100): 27 → 5 ms (README).
ONEDNN_DILATION = 2


class OneDnnLinear(nn.Linear):
    """nn.Linear whose CPU forward is a 1×1 convolution: the same y = xWᵀ + b, through oneDNN."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() != 2 or x.device.type != "cpu":
            return super().forward(x)
        return F.conv2d(x[:, :, None, None], self.weight[:, :, None, None], self.bias, dilation=ONEDNN_DILATION).flatten(1)


class OneDnnPointwiseConv(nn.Conv2d):
    """A 1×1 nn.Conv2d computed by oneDNN whatever the batch size and thread count."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.device.type != "cpu":
            return super().forward(x)
        return F.conv2d(x, self.weight, self.bias, self.stride, self.padding, ONEDNN_DILATION, self.groups)


@functools.lru_cache(maxsize=1)
def reference_blas() -> bool:
    """Whether this torch does its matrix products with the generic reference BLAS while oneDNN is there for convolutions."""
    return "BLAS_INFO=generic" in torch.__config__.show() and torch.backends.mkldnn.is_available()


def pointwise(module: nn.Conv2d) -> bool:
    return module.kernel_size == (1, 1) and module.dilation == (1, 1) and module.padding_mode == "zeros"


def use_fast_cpu_kernels(model: nn.Module) -> bool:
    """Turns nn.Linear and 1×1 nn.Conv2d layers into their oneDNN forms where that is faster; parameters and names stay."""
    if not reference_blas():
        return False
    for module in model.modules():
        if type(module) is nn.Linear:
            module.__class__ = OneDnnLinear
        elif type(module) is nn.Conv2d and pointwise(module):
            module.__class__ = OneDnnPointwiseConv
    return True
