# Mask statistics of RIGL-SPEC §6 in the shapes of server/protocol.ts's MaskEvent: per-layer
# counts, churn and ITOP (the ever-active fraction), and the global sparsity/ITOP/FLOPs factor.
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

import torch

from .plan import LayerPlan


class MaskStats:
    def __init__(self, layers: Sequence[LayerPlan], masks: Sequence[Optional[torch.Tensor]], actives: Sequence[int], targets: Sequence[float]) -> None:
        self.layers = list(layers)
        # Union of every mask a layer has had (bool); None for an unmasked layer.
        self.ever_active: List[Optional[torch.Tensor]] = [m.bool() if m is not None else None for m in masks]
        self.ever_count = [int(a) for a in actives]
        self.actives = [int(a) for a in actives]
        self.targets = [float(t) for t in targets]

    def initial(self) -> Dict[str, Any]:
        return self._snapshot([None] * len(self.layers), 0.0)

    def record(self, masks: Sequence[Optional[torch.Tensor]], actives: Sequence[int], targets: Sequence[float], counts: Sequence[Optional[Dict[str, int]]], fraction: float) -> Dict[str, Any]:
        pending: List[torch.Tensor] = []
        for i, mask in enumerate(masks):
            ever = self.ever_active[i]
            if mask is None or ever is None:
                continue
            ever.logical_or_(mask.bool())
            pending.append(ever.sum())
        # One host transfer for every layer's ever-active count.
        values = torch.stack(pending).tolist() if pending else []
        cursor = 0
        for i, ever in enumerate(self.ever_active):
            if ever is not None:
                self.ever_count[i] = int(values[cursor])
                cursor += 1
        self.actives = [int(a) for a in actives]
        self.targets = [float(t) for t in targets]
        return self._snapshot(counts, fraction)

    def _snapshot(self, counts: Sequence[Optional[Dict[str, int]]], fraction: float) -> Dict[str, Any]:
        layers = []
        for i, layer in enumerate(self.layers):
            c = counts[i] or {"dropped": 0, "grown": 0, "grownBack": 0}
            active = self.actives[i]
            layers.append({
                "name": layer.name, "targetDensity": self.targets[i], "density": active / layer.params, "active": active,
                "dropped": c["dropped"], "grown": c["grown"], "grownBack": c["grownBack"],
                "churn": c["grown"] / active if active > 0 else 0.0, "itop": self.ever_count[i] / layer.params,
            })
        return {"type": "mask", "updateFraction": fraction, "layers": layers, "global": self.global_figures()}

    def global_figures(self) -> Dict[str, float]:
        params = sum(l.params for l in self.layers)
        active = sum(self.actives)
        flops_dense = sum(l.flops_dense for l in self.layers)
        flops_sparse = sum(l.flops_dense * a / l.params for l, a in zip(self.layers, self.actives))
        density = active / params if params > 0 else 1.0
        return {
            "sparsity": 1.0 - density, "density": density,
            "itop": sum(self.ever_count) / params if params > 0 else 1.0,
            "active": active, "params": params,
            "inferenceFlopsFactor": flops_sparse / flops_dense if flops_dense > 0 else 1.0,
        }

    def state_dict(self) -> Dict[str, torch.Tensor]:
        return {self.layers[i].name: e for i, e in enumerate(self.ever_active) if e is not None}

    def load_state_dict(self, state: Dict[str, torch.Tensor], actives: Sequence[int], targets: Sequence[float]) -> None:
        for i, layer in enumerate(self.layers):
            saved = state.get(layer.name)
            if saved is not None and self.ever_active[i] is not None:
                self.ever_active[i] = saved.to(self.ever_active[i].device).bool()  # type: ignore[union-attr]
                self.ever_count[i] = int(saved.sum().item())
        self.actives = [int(a) for a in actives]
        self.targets = [float(t) for t in targets]
