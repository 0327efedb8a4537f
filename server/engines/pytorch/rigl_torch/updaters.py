# The mask updaters of RIGL-SPEC §4–5 over the plan's schedule: rigl (grow by the accumulated
# dense gradient), set (random growth), snfs (gradient moving average), gmp, static and dense.
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

import torch

from .masks import DropGrowResult, drop_and_grow, smallest_active, tie_broken
from .plan import Plan
from .seeds import PURPOSE, generator, mix_seed

DROP_GROW_METHODS = ("rigl", "set", "snfs")


@dataclass
class LayerUpdate:
    mask: torch.Tensor
    keep: torch.Tensor
    dropped: int
    grown: int
    kept_total: torch.Tensor
    target_nnz: int


class Updater:
    """Decides at which steps masks change and computes the new masks; never steps the optimizer."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.method = plan.method
        self.seed = int(plan.setting("training.seed", 0))
        self.targets = [layer.nnz for layer in plan.layers]

    def is_update_step(self, step: int) -> bool:
        return step in self.plan.update_by_step

    def skips_optimizer_step(self, step: int) -> bool:
        """RIGL-SPEC §4.5: RigL skips the optimizer step on an update step; SET and SNFS step, then update."""
        return self.method == "rigl" and self.is_update_step(step)

    def needs_dense_gradient(self, step: int) -> bool:
        return False

    def observe(self, step: int, gradients: Sequence[torch.Tensor]) -> None:
        pass

    def fraction(self, step: int) -> float:
        update = self.plan.update_by_step.get(step)
        return update.fraction if update is not None and self.method in DROP_GROW_METHODS else 0.0

    def update(self, step: int, weights: Sequence[torch.Tensor], masks: Sequence[torch.Tensor], actives: Sequence[int]) -> List[LayerUpdate]:
        raise RuntimeError(f"{self.method}: masks never change (asked to update at step {step})")

    def state_dict(self) -> Dict[str, torch.Tensor]:
        return {}

    def load_state_dict(self, state: Dict[str, torch.Tensor]) -> None:
        pass


class DropGrowUpdater(Updater):
    def grow_score(self, step: int, index: int, weight: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def after_update(self) -> None:
        pass

    def update(self, step: int, weights: Sequence[torch.Tensor], masks: Sequence[torch.Tensor], actives: Sequence[int]) -> List[LayerUpdate]:
        fraction = self.fraction(step)
        updates: List[LayerUpdate] = []
        for index, (weight, mask, active) in enumerate(zip(weights, masks, actives)):
            result: DropGrowResult = drop_and_grow(weight, mask, active, fraction, self.grow_score(step, index, weight), step, self.seed, index)
            updates.append(LayerUpdate(result.mask, result.keep, result.dropped, result.grown, result.kept_total, self.targets[index]))
        self.after_update()
        return updates


class GradientGrownUpdater(DropGrowUpdater):
    """Grows where |statistic of the dense gradient| is largest (rigl: a sum; snfs: a moving average)."""

    def __init__(self, plan: Plan) -> None:
        super().__init__(plan)
        self.statistic: List[Optional[torch.Tensor]] = [None] * len(plan.layers)

    def fold(self, previous: Optional[torch.Tensor], gradient: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def observe(self, step: int, gradients: Sequence[torch.Tensor]) -> None:
        if not self.needs_dense_gradient(step):
            return
        for index, gradient in enumerate(gradients):
            self.statistic[index] = self.fold(self.statistic[index], gradient.detach().float())

    def grow_score(self, step: int, index: int, weight: torch.Tensor) -> torch.Tensor:
        statistic = self.statistic[index]
        if statistic is None:
            raise RuntimeError(f"{self.method}: no dense gradient for layer {self.plan.layers[index].name} before the update at step {step}")
        return tie_broken(statistic.abs(), mix_seed(self.seed, step, index, PURPOSE["grow_tie_break"]))

    def state_dict(self) -> Dict[str, torch.Tensor]:
        return {self.plan.layers[i].name: s for i, s in enumerate(self.statistic) if s is not None}

    def load_state_dict(self, state: Dict[str, torch.Tensor]) -> None:
        self.statistic = [state.get(layer.name) for layer in self.plan.layers]


class RiglUpdater(GradientGrownUpdater):
    def __init__(self, plan: Plan) -> None:
        super().__init__(plan)
        # Sums restart after every update, so at most ΔT batches can ever be summed.
        wanted = int(plan.setting("sparsity.update.grad_accumulation", 1))
        self.accumulation = max(1, min(wanted, plan.schedule.delta_t))

    def needs_dense_gradient(self, step: int) -> bool:
        """The update step itself and the (grad_accumulation − 1) steps before it."""
        return any(self.is_update_step(step + ahead) for ahead in range(self.accumulation))

    def fold(self, previous: Optional[torch.Tensor], gradient: torch.Tensor) -> torch.Tensor:
        return gradient.clone() if previous is None else previous.add_(gradient)

    def after_update(self) -> None:
        self.statistic = [None] * len(self.statistic)


class SnfsUpdater(GradientGrownUpdater):
    def __init__(self, plan: Plan) -> None:
        super().__init__(plan)
        self.decay = float(plan.setting("sparsity.update.ema_decay", 0.9))

    def needs_dense_gradient(self, step: int) -> bool:
        return True

    def fold(self, previous: Optional[torch.Tensor], gradient: torch.Tensor) -> torch.Tensor:
        """EMA ← d·EMA + (1 − d)·G, starting from 0."""
        fresh = gradient * (1.0 - self.decay)
        return fresh if previous is None else previous.mul_(self.decay).add_(fresh)


class SetUpdater(DropGrowUpdater):
    def grow_score(self, step: int, index: int, weight: torch.Tensor) -> torch.Tensor:
        return torch.rand(weight.shape, generator=generator(mix_seed(self.seed, step, index, PURPOSE["random_grow"]), weight.device), device=weight.device)


class GmpUpdater(Updater):
    """Gradual magnitude pruning: at each planned step remove the smallest active |W| down to the plan's count."""

    def update(self, step: int, weights: Sequence[torch.Tensor], masks: Sequence[torch.Tensor], actives: Sequence[int]) -> List[LayerUpdate]:
        planned = self.plan.update_by_step[step].nnz
        if planned is None:
            raise RuntimeError(f"gmp: plan.json gives no target nonzeros for the prune at step {step}")
        updates: List[LayerUpdate] = []
        for index, (weight, mask, active) in enumerate(zip(weights, masks, actives)):
            target = planned[index]
            excess = active - target
            if excess <= 0:
                updates.append(LayerUpdate(mask.clone(), mask.clone(), 0, 0, torch.tensor(float(active), device=mask.device), active))
                continue
            pruned = smallest_active(weight, mask, excess, mix_seed(self.seed, step, index, PURPOSE["drop_tie_break"]))
            new_mask = (mask.reshape(-1) - pruned).view(mask.shape)
            updates.append(LayerUpdate(new_mask, new_mask.clone(), excess, 0, torch.tensor(float(target), device=mask.device), target))
        return updates


def create_updater(plan: Plan) -> Updater:
    method = plan.method
    if method == "rigl":
        return RiglUpdater(plan)
    if method == "snfs":
        return SnfsUpdater(plan)
    if method == "set":
        return SetUpdater(plan)
    if method == "gmp":
        return GmpUpdater(plan)
    if method in ("static", "dense"):
        return Updater(plan)
    raise ValueError(f"unknown sparsity.method '{method}'")
