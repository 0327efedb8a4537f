# plan.json as written by the server (docs/engines.md): typed access to its layers and schedule,
# and to the resolved config with defaults for keys that older configs do not have yet.
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence

PLAN_FORMAT = "rigl-studio-plan/1"


class PlanError(Exception):
    """plan.json is missing, unreadable or inconsistent; the message says where and why."""


@dataclass(frozen=True)
class LayerPlan:
    name: str
    kind: str
    shape: List[int]
    params: int
    density: float
    nnz: int
    flops_dense: float


@dataclass(frozen=True)
class MaskUpdate:
    step: int
    fraction: float
    # gmp only: per-layer target nonzeros after this prune, in layer order.
    nnz: Optional[List[int]] = None


@dataclass(frozen=True)
class Schedule:
    steps_per_epoch: int
    total_steps: int
    delta_t: int
    end_step: int
    start_step: int
    mask_updates: List[MaskUpdate]


@dataclass(frozen=True)
class FlopsRule:
    step_sparse: float
    step_dense: float
    update_sparse: float
    update_dense: float
    # Dense training's step: what the denseTrainFlops counter adds.
    dense_sparse: float = 0.0
    dense_dense: float = 3.0


@dataclass(frozen=True)
class DataPlan:
    name: str
    path: Optional[str]
    input_shape: List[int]
    num_classes: int
    train_size: int
    test_size: int
    # IDX datasets: the exact files (trainImages, trainLabels, testImages, testLabels), plain or gzip.
    files: Optional[Dict[str, str]] = None


@dataclass
class Plan:
    run_id: str
    config: Dict[str, Any]
    data: DataPlan
    model: str
    layers: List[LayerPlan]
    totals: Dict[str, float]
    schedule: Schedule
    flops_rule: FlopsRule
    update_by_step: Dict[int, MaskUpdate] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.update_by_step = {u.step: u for u in self.schedule.mask_updates}

    @property
    def method(self) -> str:
        return str(self.config["sparsity"]["method"])

    def setting(self, path: str, default: Any) -> Any:
        """config value at a dotted path, or `default` when a key on the way is absent."""
        return setting(self.config, path, default)


def setting(config: Mapping[str, Any], path: str, default: Any) -> Any:
    node: Any = config
    for key in path.split("."):
        if not isinstance(node, Mapping) or key not in node or node[key] is None:
            return default
        node = node[key]
    return node


def _require(obj: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in obj:
        raise PlanError(f"{where}: missing '{key}'")
    return obj[key]


def parse_plan(raw: Mapping[str, Any], source: str = "plan.json") -> Plan:
    if raw.get("format") != PLAN_FORMAT:
        raise PlanError(f"{source}: format is {raw.get('format')!r}, expected {PLAN_FORMAT!r} (written by a different RigL Studio version?)")
    data = _require(raw, "data", source)
    layers = [
        LayerPlan(
            name=str(_require(l, "name", f"{source} layers[{i}]")),
            kind=str(_require(l, "kind", f"{source} layers[{i}]")),
            shape=[int(d) for d in _require(l, "shape", f"{source} layers[{i}]")],
            params=int(_require(l, "params", f"{source} layers[{i}]")),
            density=float(_require(l, "density", f"{source} layers[{i}]")),
            nnz=int(_require(l, "nnz", f"{source} layers[{i}]")),
            flops_dense=float(_require(l, "flopsDense", f"{source} layers[{i}]")),
        )
        for i, l in enumerate(_require(raw, "layers", source))
    ]
    for layer in layers:
        if not 0 <= layer.nnz <= layer.params:
            raise PlanError(f"{source}: layer {layer.name} has nnz {layer.nnz} outside [0, {layer.params}]")
    sched = _require(raw, "schedule", source)
    updates = []
    for u in _require(sched, "maskUpdates", f"{source} schedule"):
        nnz = u.get("nnz")
        if nnz is not None and len(nnz) != len(layers):
            raise PlanError(f"{source}: mask update at step {u.get('step')} lists {len(nnz)} nonzero counts for {len(layers)} layers")
        updates.append(MaskUpdate(step=int(u["step"]), fraction=float(u.get("fraction", 0.0)), nnz=[int(n) for n in nnz] if nnz is not None else None))
    schedule = Schedule(
        steps_per_epoch=int(_require(sched, "stepsPerEpoch", f"{source} schedule")),
        total_steps=int(_require(sched, "totalSteps", f"{source} schedule")),
        delta_t=int(_require(sched, "deltaT", f"{source} schedule")),
        end_step=int(_require(sched, "endStep", f"{source} schedule")),
        start_step=int(sched.get("startStep", 0)),
        mask_updates=updates,
    )
    rule = _require(raw, "flopsRule", source)
    step_rule = _require(rule, "step", f"{source} flopsRule")
    update_rule = rule.get("update", step_rule)
    dense_rule = rule.get("dense", {"sparse": 0, "dense": 3})
    return Plan(
        run_id=str(_require(raw, "runId", source)),
        config=dict(_require(raw, "config", source)),
        data=DataPlan(
            name=str(_require(data, "name", f"{source} data")),
            path=data.get("path"),
            input_shape=[int(d) for d in _require(data, "inputShape", f"{source} data")],
            num_classes=int(_require(data, "numClasses", f"{source} data")),
            train_size=int(_require(data, "trainSize", f"{source} data")),
            test_size=int(_require(data, "testSize", f"{source} data")),
            files={str(k): str(v) for k, v in data["files"].items()} if isinstance(data.get("files"), dict) else None,
        ),
        model=str(_require(raw, "model", source)),
        layers=layers,
        totals={k: float(v) for k, v in _require(raw, "totals", source).items()},
        schedule=schedule,
        flops_rule=FlopsRule(float(step_rule["sparse"]), float(step_rule["dense"]), float(update_rule["sparse"]), float(update_rule["dense"]),
                             float(dense_rule["sparse"]), float(dense_rule["dense"])),
    )


def load_plan(run_dir: str) -> Plan:
    path = os.path.join(run_dir, "plan.json")
    try:
        with open(path, "r", encoding="utf-8") as handle:
            raw = json.load(handle)
    except FileNotFoundError:
        raise PlanError(f"{path} does not exist: the server writes plan.json when it creates a run; is {run_dir} a run directory?") from None
    except (OSError, ValueError) as error:
        raise PlanError(f"{path}: unreadable ({error})") from None
    if not isinstance(raw, dict):
        raise PlanError(f"{path}: not a JSON object")
    return parse_plan(raw, path)


def layer_names(layers: Sequence[LayerPlan]) -> List[str]:
    return [layer.name for layer in layers]
