# A network's masked weights with their masks and updater: owns RIGL-SPEC §1's invariant that W
# and its momentum are zero where M = 0, across optimizer steps and mask updates.
from __future__ import annotations

from typing import Any, Dict, List, Optional

import torch
from torch import nn

from .masks import initial_mask
from .plan import Plan
from .stats import MaskStats
from .updaters import Updater, create_updater


class SparseModel:
    def __init__(self, plan: Plan, weights: List[nn.Parameter]) -> None:
        self.plan = plan
        self.weights = weights
        self.method = plan.method
        self.masked = self.method != "dense"
        seed = int(plan.setting("training.seed", 0))
        starts_dense = self.method in ("gmp", "dense")
        self.masks: List[Optional[torch.Tensor]] = []
        self.actives: List[int] = []
        self.targets: List[float] = []
        for index, (layer, weight) in enumerate(zip(plan.layers, weights)):
            if not self.masked:
                self.masks.append(None)
                self.actives.append(layer.params)
                self.targets.append(1.0)
                continue
            nnz = layer.params if starts_dense else layer.nnz
            mask = initial_mask(weight, nnz, seed, index)
            with torch.no_grad():
                weight.mul_(mask)
            self.masks.append(mask)
            self.actives.append(nnz)
            self.targets.append(1.0 if starts_dense else layer.nnz / layer.params)
        self.updater: Updater = create_updater(plan)
        self.stats = MaskStats(plan.layers, self.masks, self.actives, self.targets)

    def sparse_flops(self) -> float:
        """f_S per example: Σ_l (active_l / params_l) · flopsDense_l, following the masks in force."""
        return sum(l.flops_dense * a / l.params for l, a in zip(self.plan.layers, self.actives))

    def dense_gradients(self) -> List[torch.Tensor]:
        """∂L/∂(W ⊙ M): the forward pass uses W, which equals W ⊙ M by the invariant, so W's gradient is the dense one."""
        grads = []
        for weight in self.weights:
            if weight.grad is None:
                raise RuntimeError("a masked weight has no gradient after the backward pass")
            grads.append(weight.grad)
        return grads

    @torch.no_grad()
    def apply_masks(self, optimizer: torch.optim.Optimizer) -> None:
        """Re-zero W and its momentum where M = 0 (after every optimizer step)."""
        for weight, mask in zip(self.weights, self.masks):
            if mask is None:
                continue
            weight.mul_(mask)
            buffer = optimizer.state.get(weight, {}).get("momentum_buffer")
            if buffer is not None:
                buffer.mul_(mask)

    @torch.no_grad()
    def update_masks(self, step: int, optimizer: torch.optim.Optimizer) -> Dict[str, Any]:
        """Apply the updater's masks at step t: new and dropped weights and momentum become 0; returns the mask event."""
        masks = [m for m in self.masks if m is not None]
        updates = self.updater.update(step, self.weights, masks, self.actives)
        kept = torch.stack([u.kept_total.float() for u in updates]).tolist()
        counts: List[Optional[Dict[str, int]]] = []
        for index, update in enumerate(updates):
            weight = self.weights[index]
            weight.mul_(update.keep)
            buffer = optimizer.state.get(weight, {}).get("momentum_buffer")
            if buffer is not None:
                buffer.mul_(update.keep)
            self.masks[index] = update.mask
            active = self.actives[index] - update.dropped + update.grown
            grown_back = int(round(kept[index])) - (self.actives[index] - update.dropped) if update.grown > 0 else 0
            self.actives[index] = active
            self.targets[index] = update.target_nnz / self.plan.layers[index].params
            counts.append({"dropped": update.dropped, "grown": update.grown, "grownBack": grown_back})
        return self.stats.record(self.masks, self.actives, self.targets, counts, self.updater.fraction(step))

    def initial_event(self) -> Optional[Dict[str, Any]]:
        return self.stats.initial() if self.masked else None

    def layer_densities(self) -> List[Dict[str, Any]]:
        return [{"name": l.name, "density": a / l.params, "targetDensity": l.density} for l, a in zip(self.plan.layers, self.actives)]

    def active_count(self) -> int:
        return sum(self.actives)

    def state_dict(self) -> Dict[str, Any]:
        return {
            # 0/1 masks as bool: a quarter of float32's bytes (ResNet-50's checkpoint 332 → 256 MB), exact both ways.
            "masks": {l.name: m.bool() for l, m in zip(self.plan.layers, self.masks) if m is not None},
            "actives": list(self.actives), "targets": list(self.targets),
            "updater": self.updater.state_dict(), "stats": self.stats.state_dict(),
        }

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        for index, layer in enumerate(self.plan.layers):
            if self.masks[index] is None:
                continue
            saved = state["masks"].get(layer.name)
            if saved is None:
                raise ValueError(f"checkpoint has no mask for {layer.name}; it was written by a different model or method")
            # Older checkpoints hold float masks; either way the mask takes its weight's dtype again.
            self.masks[index] = saved.to(device=self.weights[index].device, dtype=self.weights[index].dtype)
        self.actives = [int(a) for a in state["actives"]]
        self.targets = [float(t) for t in state["targets"]]
        self.updater.load_state_dict({k: v.to(self.weights[0].device) for k, v in state["updater"].items()})
        self.stats.load_state_dict(state["stats"], self.actives, self.targets)
