# The learning rate of optimizer step t: linear warm-up, then cosine decay, ×gamma at milestone
# epochs, or constant, with epoch anchors scaled by the M× multiplier (server/train/lr-schedule.ts);
# `per: epoch` holds it for a whole epoch, at the value of the epoch's index (NVIDIA port style).
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import List

from .plan import Plan


@dataclass(frozen=True)
class LrSchedule:
    base_lr: float
    kind: str
    warmup_epochs: float
    milestones: List[float]
    gamma: float
    per: str
    steps_per_epoch: int
    total_steps: int
    multiplier: float

    @staticmethod
    def from_plan(plan: Plan) -> "LrSchedule":
        kind = str(plan.setting("training.lr_schedule.type", "cosine"))
        per = str(plan.setting("training.lr_schedule.per", "step"))
        if kind not in ("cosine", "step", "constant"):
            raise ValueError(f"training.lr_schedule.type is '{kind}'; expected cosine, step or constant")
        if per not in ("step", "epoch"):
            raise ValueError(f"training.lr_schedule.per is '{per}'; expected step or epoch")
        return LrSchedule(
            base_lr=float(plan.setting("training.optimizer.lr", 0.1)), kind=kind,
            warmup_epochs=float(plan.setting("training.lr_schedule.warmup_epochs", 0)),
            milestones=[float(m) for m in plan.setting("training.lr_schedule.milestones", [])],
            gamma=float(plan.setting("training.lr_schedule.gamma", 0.1)), per=per,
            steps_per_epoch=plan.schedule.steps_per_epoch, total_steps=plan.schedule.total_steps,
            multiplier=float(plan.setting("training.multiplier", 1)),
        )

    def at(self, t: int) -> float:
        return self._per_step(t) if self.per == "step" else self._per_epoch(t)

    def _per_step(self, t: int) -> float:
        warmup = round(self.warmup_epochs * self.multiplier * self.steps_per_epoch)
        if t <= warmup:
            return self.base_lr * t / warmup
        if self.kind == "constant":
            return self.base_lr
        if self.kind == "cosine":
            progress = min(1.0, (t - warmup) / max(1, self.total_steps - warmup))
            return 0.5 * self.base_lr * (1 + math.cos(math.pi * progress))
        epoch = (t - 1) / self.steps_per_epoch
        return self.base_lr * self.gamma ** sum(1 for m in self.milestones if epoch >= m * self.multiplier)

    def _per_epoch(self, t: int) -> float:
        epoch = (t - 1) // self.steps_per_epoch
        epochs = self.total_steps / self.steps_per_epoch
        warmup = self.warmup_epochs * self.multiplier
        if epoch < warmup:
            return self.base_lr * min(1.0, (epoch + 1) / warmup)
        if self.kind == "constant":
            return self.base_lr
        if self.kind == "cosine":
            progress = min(1.0, (epoch - warmup) / max(1.0, epochs - warmup))
            return 0.5 * self.base_lr * (1 + math.cos(math.pi * progress))
        return self.base_lr * self.gamma ** sum(1 for m in self.milestones if epoch >= m * self.multiplier)
