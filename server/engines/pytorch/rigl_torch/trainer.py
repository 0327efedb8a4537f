# One rank's training loop: builds runtime, data, model, masks and optimizer from plan.json,
# trains with RigL or a baseline, writes events (rank 0) to the run directory before sending
# them, checkpoints each epoch and on stop, and resumes from a checkpoint exactly.
from __future__ import annotations

import hashlib
import json
import math
import os
import random
import time
import traceback
from typing import Any, Dict, List, Optional, Tuple

import torch
import torch.nn.functional as F
from torch import nn

from .channel import Channel, StopFlag
from .checkpoint import resume_checkpoint, save_checkpoint
from .cpu_kernels import use_fast_cpu_kernels
from .datasets import Data, open_data
from .distributed import Ranks, agree_stop, all_reduce_sum, init_process_groups, sync_batch_norm
from .loader import Loader
from .lr_schedule import LrSchedule
from .models import create_model, masked_weights
from .optimizer import create_optimizer, set_learning_rate
from .plan import Plan
from .rundir import RunDirectory, now_ms
from .runtime import Runtime, select_runtime
from .seeds import PURPOSE, mix_seed
from .sparse_model import SparseModel


class TrainingFailure(Exception):
    """A run that cannot go on for a reason the user can act on (the message says which)."""


class Trainer:
    def __init__(self, run: RunDirectory, plan: Plan, ranks: Ranks, stop: StopFlag, channel: Channel, resume: bool, max_steps: Optional[int]) -> None:
        self.run = run
        self.plan = plan
        self.ranks = ranks
        self.stop = stop
        self.channel = channel
        self.resume = resume
        self.config = plan.config
        self.steps_per_epoch = plan.schedule.steps_per_epoch
        self.total_steps = plan.schedule.total_steps
        self.limit = min(self.total_steps, max_steps) if max_steps is not None else self.total_steps
        self.step = 0
        self.started_at = now_ms()
        self.backend = "pytorch"
        self.backend_reason = ""
        self.best: Optional[Dict[str, Any]] = None
        self.last_eval: Optional[Dict[str, float]] = None
        self.last_loss: Optional[float] = None
        self.train_flops = 0.0
        self.dense_train_flops = 0.0
        self.sparse: Optional[SparseModel] = None
        self.scaler_state: Optional[Dict[str, Any]] = None
        self.evaluation_due = False
        self.trace_path = os.environ.get("RIGL_TORCH_TRACE")

    # ------------------------------------------------------------------ events and records
    def clock(self) -> Dict[str, Any]:
        return {"step": self.step, "epoch": self.step / self.steps_per_epoch, "time": now_ms()}

    def emit(self, event: Dict[str, Any]) -> None:
        if not self.ranks.leader:
            return
        self.run.append_event(event)
        self.channel.event(event)

    def log(self, line: str) -> None:
        if not self.ranks.leader:
            return
        stamped = f"{time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime())}Z {line}"
        self.run.append_log(stamped)
        self.channel.log(line)

    def status(self, state: str, message: str, info: Optional[Dict[str, Any]] = None, resumed_from: Optional[int] = None) -> Dict[str, Any]:
        event: Dict[str, Any] = {"type": "status", **self.clock(), "state": state, "message": message}
        if info is not None:
            event["info"] = info
        if resumed_from is not None:
            event["resumedFrom"] = resumed_from
        self.emit(event)
        return self.write_summary(state, message)

    def write_summary(self, state: str, message: Optional[str] = None) -> Dict[str, Any]:
        plan = self.plan
        layers = self.sparse.layer_densities() if self.sparse else [{"name": l.name, "density": l.density, "targetDensity": l.density} for l in plan.layers]
        params = sum(l.params for l in plan.layers)
        nnz = self.sparse.active_count() if self.sparse else sum(l.nnz for l in plan.layers)
        summary: Dict[str, Any] = {
            "runId": plan.run_id, "name": self.config.get("name", plan.run_id), "state": state,
            **({"message": message} if message else {}),
            "model": plan.model, "method": plan.method, "backend": self.backend,
            "step": self.step, "totalSteps": self.total_steps, "epoch": self.step / self.steps_per_epoch,
            "startedAt": self.started_at, "updatedAt": now_ms(), "pid": int(os.environ.get("RIGL_TORCH_SUPERVISOR_PID", os.getpid())),
        }
        final: Dict[str, float] = {}
        if self.last_loss is not None:
            final["loss"] = self.last_loss
        if self.last_eval is not None:
            final.update({k: v for k, v in self.last_eval.items() if k in ("top1", "top5")})
        if final:
            summary["final"] = final
        if self.best is not None:
            summary["best"] = self.best
        summary["sparsity"] = {"global": 1 - nnz / params if params > 0 else 0.0, "layers": layers}
        if self.ranks.leader:
            self.run.write_summary(summary)
        return summary

    def run_info(self) -> Dict[str, Any]:
        plan, cfg = self.plan, self.config
        return {
            "runId": plan.run_id, "name": cfg.get("name", plan.run_id), "model": plan.model, "dataset": plan.data.name,
            "method": plan.method, "distribution": plan.setting("sparsity.distribution", "erk"), "sparsity": plan.totals.get("sparsity", 0.0),
            "backend": self.backend, "backendReason": self.backend_reason, "totalSteps": self.total_steps,
            "stepsPerEpoch": self.steps_per_epoch, "batchSize": int(plan.setting("training.batch_size", 1)),
            "layers": [{"name": l.name, "shape": l.shape, "params": l.params, "density": l.density} for l in plan.layers],
            "flopsDense": plan.totals.get("flopsDense", 0.0), "inferenceFlopsFactor": plan.totals.get("inferenceFlopsFactor", 1.0),
            "trainFlopsFactor": plan.totals.get("trainFlopsFactor", 1.0),
            "schedule": {"deltaT": plan.schedule.delta_t, "endStep": plan.schedule.end_step, "updateSteps": [u.step for u in plan.schedule.mask_updates]},
            # The config's published result, as the tfjs engine's RunInfo carries it: the dashboard compares against it.
            **({"reference": dict(cfg["reference"])} if isinstance(cfg.get("reference"), dict) else {}),
        }

    # ------------------------------------------------------------------ set-up
    def train(self) -> Dict[str, Any]:
        checkpoint: Optional[Tuple[str, Dict[str, Any]]] = None
        try:
            if self.ranks.leader:
                # This process owns the run now: whatever a killed writer left half-written goes first.
                self.run.remove_stale_temporaries()
            if self.resume:
                checkpoint = resume_checkpoint(self.run.path("checkpoints"), self.log)
                self.step = int(checkpoint[1]["step"]) if checkpoint is not None else 0
            # A resumed attempt says where it continues from, so readers drop what an earlier attempt wrote past it.
            self.status("starting", "preparing device, data and model", resumed_from=self.step if self.resume else None)
        except Exception as error:  # an unreadable run directory: recorded as far as it can be
            self.log(f"failed: {traceback.format_exc()}")
            return self.status("failed", f"{type(error).__name__}: {error}")
        try:
            runtime = select_runtime(self.plan, self.ranks.local_rank, self.ranks.world)
            self.backend = f"pytorch-{runtime.device.type}"
            self.backend_reason = runtime.description
            self.log(f"engine: pytorch ({runtime.description})")
            init_process_groups(self.ranks, runtime.device)
            data = self.open_data()
            outcome = self.train_on(runtime, data, checkpoint)
            return self.status(*outcome)
        except TrainingFailure as error:
            self.log(f"failed: {error}")
            return self.status("failed", str(error))
        except Exception as error:  # any other failure ends the run as failed, with the trace in trainer.log
            self.log(f"failed: {traceback.format_exc()}")
            return self.status("failed", f"{type(error).__name__}: {error}")

    def open_data(self) -> Data:
        plan = self.plan
        data = open_data(
            plan.data.name, plan.data.path, plan.data.files, plan.data.input_shape, plan.data.num_classes, plan.data.train_size, plan.data.test_size,
            int(plan.setting("training.seed", 0)), int(plan.setting("dataset.train_limit", 0)),
        )
        if list(data.input_shape) != list(plan.data.input_shape) or data.num_classes != plan.data.num_classes:
            raise TrainingFailure(f"{data.name}: the data is {data.input_shape} with {data.num_classes} classes but plan.json expects {plan.data.input_shape} with {plan.data.num_classes}")
        if data.train.size != plan.data.train_size:
            raise TrainingFailure(f"{data.name}: the data now has {data.train.size} training examples but plan.json was made for {plan.data.train_size}; start a new run")
        return data

    def train_on(self, runtime: Runtime, data: Data, checkpoint: Optional[Tuple[str, Dict[str, Any]]]) -> Tuple[str, str]:
        plan = self.plan
        seed = int(plan.setting("training.seed", 0))
        module = create_model(plan.model, data.input_shape, data.num_classes, seed)
        weights = masked_weights(module, plan.model, plan.layers)
        module.to(runtime.device)
        if runtime.device.type == "cpu" and use_fast_cpu_kernels(module):
            self.log("fully connected layers and 1×1 convolutions through oneDNN: this torch's BLAS is the generic reference one")
        if runtime.channels_last and runtime.device.type == "cuda":
            module.to(memory_format=torch.channels_last)  # type: ignore[call-arg]
        if bool(plan.setting("pytorch.sync_bn", False)):
            module, how = sync_batch_norm(module, runtime.device, self.ranks)
            self.log(how)
        self.sparse = sparse = SparseModel(plan, weights)
        optimizer = create_optimizer(plan, module, weights)
        model: nn.Module = module
        if self.ranks.distributed:
            from torch.nn.parallel import DistributedDataParallel

            model = DistributedDataParallel(module, device_ids=[runtime.device.index] if runtime.device.type == "cuda" else None)
        if bool(plan.setting("pytorch.compile", False)) and hasattr(torch, "compile"):
            model = torch.compile(model)  # type: ignore[attr-defined]
            self.log("torch.compile: on")
        workers = int(plan.setting("pytorch.workers", min(8, max(0, (os.cpu_count() or 1) // max(1, self.ranks.world) - 1))))
        loader = Loader(data, int(plan.setting("training.batch_size", 1)), seed, self.ranks.rank, self.ranks.world, runtime.device, workers, runtime.channels_last and runtime.device.type == "cuda")
        if checkpoint is not None:
            self.restore(module, optimizer, *checkpoint)
        else:
            if self.resume:
                self.log("no complete checkpoint: the run starts again from step 0, under the same run id")
            initial = sparse.initial_event()
            if initial is not None:
                self.emit({**initial, **self.clock()})
        self.status("running", f"training on {self.backend}", self.run_info())
        return self.loop(runtime, model, module, optimizer, loader)

    # ------------------------------------------------------------------ the loop
    def loop(self, runtime: Runtime, model: nn.Module, module: nn.Module, optimizer: torch.optim.SGD, loader: Loader) -> Tuple[str, str]:
        plan = self.plan
        sparse = self.sparse
        assert sparse is not None
        updater = sparse.updater
        schedule = LrSchedule.from_plan(plan)
        smoothing = float(plan.setting("training.label_smoothing", 0.0))
        mixup_alpha = float(plan.setting("training.mixup_alpha", 0.0))
        log_every = int(plan.setting("training.log_every", 20))
        global_batch = int(plan.setting("training.batch_size", 1))
        seed = int(plan.setting("training.seed", 0))
        flops_dense = float(plan.totals.get("flopsDense", 0.0))
        rule = plan.flops_rule
        scaler: Any = runtime.grad_scaler()
        if scaler is not None and self.scaler_state is not None:
            scaler.load_state_dict(self.scaler_state)
        if self.evaluation_due:
            if not self.evaluate(runtime, module, loader):
                return "stopped", f"stopped at step {self.step} during its evaluation again: {self.stop.reason}"
            self.evaluation_due = False
            self.checkpoint(module, optimizer, scaler)
        window = TrainWindow(self.step)
        model.train()
        while self.step < self.limit:
            epoch = self.step // self.steps_per_epoch
            start_batch = self.step - epoch * self.steps_per_epoch
            for x, y in loader.train_batches(epoch, start_batch, self.steps_per_epoch):
                t = self.step + 1
                lr = schedule.at(t)
                set_learning_rate(optimizer, lr)
                needs_gradient = updater.needs_dense_gradient(t)
                is_update = updater.is_update_step(t)
                optimizer.zero_grad(set_to_none=True)
                with runtime.autocast():
                    loss, correct = self.forward(model, x, y, smoothing, mixup_alpha, seed, t)
                if scaler is not None:
                    scaler.scale(loss).backward()
                    if needs_gradient:
                        scaler.unscale_(optimizer)  # the grow score needs the true gradient
                else:
                    loss.backward()
                if needs_gradient:
                    updater.observe(t, sparse.dense_gradients())
                stepped = not updater.skips_optimizer_step(t)
                if stepped:
                    if scaler is not None:
                        scaler.step(optimizer)
                    else:
                        optimizer.step()
                    sparse.apply_masks(optimizer)
                if scaler is not None and (stepped or needs_gradient):
                    scaler.update()
                f_sparse = sparse.sparse_flops()
                a, b = (rule.update_sparse, rule.update_dense) if is_update else (rule.step_sparse, rule.step_dense)
                self.train_flops += (a * f_sparse + b * flops_dense) * global_batch
                self.dense_train_flops += (rule.dense_sparse * f_sparse + rule.dense_dense * flops_dense) * global_batch
                self.step = t
                if is_update:
                    self.emit({**sparse.update_masks(t, optimizer), **self.clock()})
                window.add(loss.detach(), correct, global_batch)
                self.trace(t, optimizer, is_update, loss)
                epoch_end = t % self.steps_per_epoch == 0
                if t % log_every == 0 or epoch_end or t == self.limit:
                    figures = window.flush(self.ranks)
                    if figures["non_finite_step"] is not None:
                        kind = "NaN" if math.isnan(figures["loss"]) else "infinite"
                        raise TrainingFailure(f"the loss became {kind} at step {figures['non_finite_step']}; lower training.optimizer.lr or check the data")
                    self.last_loss = figures["loss"]
                    self.emit({"type": "train", **self.clock(), "loss": figures["loss"], "accuracy": figures["accuracy"], "lr": lr,
                               "imagesPerSec": figures["images_per_sec"], "trainFlops": self.train_flops, "denseTrainFlops": self.dense_train_flops})
                if epoch_end or t == self.limit:
                    evaluated = self.evaluate(runtime, module, loader)
                    self.checkpoint(module, optimizer, scaler, evaluated)
                    window.restart_clock()
                    if not evaluated:
                        return "stopped", f"stopped at step {t} during its evaluation: {self.stop.reason}; a resume evaluates first"
                if t >= self.limit:
                    break
                if agree_stop(self.ranks, self.stop.requested):
                    if not epoch_end:
                        self.checkpoint(module, optimizer, scaler)
                    return "stopped", f"stopped at step {t}: {self.stop.reason or 'another rank was asked to stop'}"
        truncated = self.limit < self.total_steps
        return "completed", (f"completed {self.limit} of {self.total_steps} planned steps (--max-steps)" if truncated else f"completed {self.total_steps} steps")

    def forward(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor, smoothing: float, mixup_alpha: float, seed: int, t: int) -> Tuple[torch.Tensor, torch.Tensor]:
        if mixup_alpha > 0:
            # λ and the pairing come from (seed, step): nothing to checkpoint, the same after a resume.
            draw = random.Random(mix_seed(seed, t, PURPOSE["mixup"]))
            lam = draw.betavariate(mixup_alpha, mixup_alpha)
            pairing = torch.randperm(x.shape[0], generator=torch.Generator().manual_seed(mix_seed(seed, t, PURPOSE["mixup"], 1))).to(x.device)
            logits = model(lam * x + (1 - lam) * x[pairing]).float()
            loss = lam * F.cross_entropy(logits, y, label_smoothing=smoothing) + (1 - lam) * F.cross_entropy(logits, y[pairing], label_smoothing=smoothing)
        else:
            logits = model(x).float()
            loss = F.cross_entropy(logits, y, label_smoothing=smoothing)
        correct = (logits.detach().argmax(1) == y).sum()
        return loss, correct

    @torch.no_grad()
    def evaluate(self, runtime: Runtime, module: nn.Module, loader: Loader) -> bool:
        """Evaluates on the test set and records it; False, recording nothing, when one process is asked to stop first
        (a full ImageNet validation takes minutes on a CPU). Several ranks finish it: they would have to agree batch by batch."""
        module.eval()
        with_top5 = self.plan.data.num_classes > 10
        sums = torch.zeros(4, dtype=torch.float64, device=runtime.device)
        eval_batch = int(self.plan.setting("training.eval_batch_size", 500))
        for x, y in loader.test_batches(eval_batch):
            if self.stop.requested and not self.ranks.distributed:
                module.train()
                return False
            with runtime.autocast():
                logits = module(x).float()
            sums[0] += F.cross_entropy(logits, y, reduction="sum").double()
            sums[1] += (logits.argmax(1) == y).sum()
            if with_top5:
                sums[2] += (logits.topk(5, dim=1).indices == y.unsqueeze(1)).any(1).sum()
            sums[3] += y.shape[0]
        module.train()
        loss_sum, top1, top5, count = all_reduce_sum(self.ranks, sums).tolist()
        if count == 0:
            raise TrainingFailure(f"evaluation: the {self.plan.data.name} test set is empty")
        self.last_eval = {"loss": loss_sum / count, "top1": top1 / count, **({"top5": top5 / count} if with_top5 else {})}
        if self.best is None or self.last_eval["top1"] > self.best["top1"]:
            self.best = {"top1": self.last_eval["top1"], **({"top5": self.last_eval["top5"]} if with_top5 else {}), "step": self.step}
        self.emit({"type": "eval", **self.clock(), **self.last_eval})
        return True

    # ------------------------------------------------------------------ checkpoints
    def checkpoint(self, module: nn.Module, optimizer: torch.optim.Optimizer, scaler: Any, evaluated: bool = True) -> None:
        if not self.ranks.leader:
            return
        assert self.sparse is not None
        epoch = self.step // self.steps_per_epoch
        counters: Dict[str, float] = {"trainFlops": self.train_flops, "denseTrainFlops": self.dense_train_flops}
        if self.best is not None:
            counters.update({"bestTop1": self.best["top1"], "bestStep": self.best["step"], **({"bestTop5": self.best["top5"]} if "top5" in self.best else {})})
        save_checkpoint(self.run.path("checkpoints"), self.step, {
            "epoch": epoch, "batchInEpoch": self.step - epoch * self.steps_per_epoch, "counters": counters,
            # False: a stop cut this step's evaluation short; the resumed run evaluates before it trains.
            "evaluated": evaluated,
            "rng": {"seed": int(self.plan.setting("training.seed", 0)), "scheme": "stateless-per-step"},
            "model": module.state_dict(), "optimizer": optimizer.state_dict(), "sparse": self.sparse.state_dict(),
            "scaler": scaler.state_dict() if scaler is not None else None,
        })
        self.write_summary("running")

    def restore(self, module: nn.Module, optimizer: torch.optim.Optimizer, path: str, state: Dict[str, Any]) -> None:
        """Loads a checkpoint read on the CPU: load_state_dict copies every tensor to its parameter's device."""
        assert self.sparse is not None
        module.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        self.sparse.load_state_dict(state["sparse"])
        self.step = int(state["step"])
        self.scaler_state = state.get("scaler")
        self.evaluation_due = not bool(state.get("evaluated", True))
        counters = state.get("counters", {})
        self.train_flops = float(counters.get("trainFlops", 0.0))
        self.dense_train_flops = float(counters.get("denseTrainFlops", 0.0))
        if "bestTop1" in counters:
            self.best = {"top1": counters["bestTop1"], **({"top5": counters["bestTop5"]} if "bestTop5" in counters else {}), "step": int(counters.get("bestStep", self.step))}
        self.log(f"resumed from {path} at step {self.step}")

    # ------------------------------------------------------------------ test observation
    @torch.no_grad()
    def trace(self, t: int, optimizer: torch.optim.Optimizer, is_update: bool, loss: torch.Tensor) -> None:
        """With RIGL_TORCH_TRACE set, each rank appends what tests check after every step: the §1 invariant, counts, mask digests."""
        if not self.trace_path or self.sparse is None:
            return
        outside_w, outside_m, nnz, digests = 0.0, 0.0, [], []
        for weight, mask in zip(self.sparse.weights, self.sparse.masks):
            if mask is None:
                continue
            off = mask == 0
            outside_w = max(outside_w, float(weight[off].abs().max().item()) if off.any() else 0.0)
            buffer = optimizer.state.get(weight, {}).get("momentum_buffer")
            if buffer is not None and off.any():
                outside_m = max(outside_m, float(buffer[off].abs().max().item()))
            nnz.append(int(mask.sum().item()))
            if is_update:
                digests.append(hashlib.sha256(mask.detach().cpu().contiguous().numpy().tobytes()).hexdigest()[:16])
        record = {"rank": self.ranks.rank, "step": t, "update": is_update, "loss": float(loss.item()), "maskedWeightMax": outside_w, "maskedMomentumMax": outside_m, "nnz": nnz, "digests": digests}
        with open(f"{self.trace_path}.rank{self.ranks.rank}", "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")


class TrainWindow:
    """Losses and correct counts since the last train event, kept on the device and read back once per event."""

    def __init__(self, step: int) -> None:
        self.losses: List[torch.Tensor] = []
        self.correct: List[torch.Tensor] = []
        self.examples = 0
        self.first_step = step + 1
        self.started = time.perf_counter()

    def add(self, loss: torch.Tensor, correct: torch.Tensor, examples: int) -> None:
        self.losses.append(loss.float())
        self.correct.append(correct.float())
        self.examples += examples

    def restart_clock(self) -> None:
        self.started = time.perf_counter()

    def flush(self, ranks: Ranks) -> Dict[str, Any]:
        values = torch.cat([torch.stack(self.losses), torch.stack(self.correct).sum().unsqueeze(0)]).double()
        values = all_reduce_sum(ranks, values).tolist()
        losses = [v / ranks.world for v in values[:-1]]
        non_finite = next((self.first_step + i for i, v in enumerate(losses) if not math.isfinite(v)), None)
        seconds = max(time.perf_counter() - self.started, 1e-9)
        figures = {"loss": sum(losses) / len(losses), "accuracy": values[-1] / self.examples, "images_per_sec": self.examples / seconds, "non_finite_step": non_finite}
        self.first_step += len(losses)
        self.losses, self.correct, self.examples = [], [], 0
        self.started = time.perf_counter()
        return figures
