# SGD with momentum, Nesterov and weight decay (PyTorch's formulation, as the tfjs engine's
# MaskedSgd), with weight decay on the parameters `training.optimizer.weight_decay_on` names.
from __future__ import annotations

from typing import Any, Dict, List, Sequence

import torch
from torch import nn

from .models import is_batch_norm_parameter
from .plan import Plan

WEIGHT_DECAY_ON = ("kernels", "all_but_bn", "all")


def decays(scope: str, is_kernel: bool, is_batch_norm: bool) -> bool:
    """kernels: convolution and fully connected weights only (official); all_but_bn: also biases; all: everything."""
    if scope == "kernels":
        return is_kernel
    if scope == "all_but_bn":
        return not is_batch_norm
    return True


def create_optimizer(plan: Plan, model: nn.Module, kernels: Sequence[nn.Parameter]) -> torch.optim.SGD:
    scope = str(plan.setting("training.optimizer.weight_decay_on", "kernels"))
    if scope not in WEIGHT_DECAY_ON:
        raise ValueError(f"training.optimizer.weight_decay_on is '{scope}'; expected one of {', '.join(WEIGHT_DECAY_ON)}")
    lr = float(plan.setting("training.optimizer.lr", 0.1))
    momentum = float(plan.setting("training.optimizer.momentum", 0.0))
    nesterov = bool(plan.setting("training.optimizer.nesterov", False)) and momentum > 0
    weight_decay = float(plan.setting("training.optimizer.weight_decay", 0.0))
    kernel_ids = {id(p) for p in kernels}
    decayed: List[nn.Parameter] = []
    plain: List[nn.Parameter] = []
    for name, parameter in model.named_parameters():
        if not parameter.requires_grad:
            continue
        target = decayed if decays(scope, id(parameter) in kernel_ids, is_batch_norm_parameter(model, name)) else plain
        target.append(parameter)
    groups: List[Dict[str, Any]] = [{"params": decayed, "weight_decay": weight_decay}]
    if plain:
        groups.append({"params": plain, "weight_decay": 0.0})
    return torch.optim.SGD(groups, lr=lr, momentum=momentum, nesterov=nesterov)


def set_learning_rate(optimizer: torch.optim.Optimizer, lr: float) -> None:
    for group in optimizer.param_groups:
        group["lr"] = lr
