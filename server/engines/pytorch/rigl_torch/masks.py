# Mask selection of RIGL-SPEC §2 and §4: initial masks with exactly the planned nonzeros, and the
# drop (smallest |W|) and grow (largest score) top-k picks with a seeded tie-break, on the device.
from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from .seeds import PURPOSE, generator, mix_seed

# Relative size of the tie-break: far below any meaningful difference between scores.
TIE_RELATIVE = 2.0**-16
# Absolute part, so exact zeros (dead units' gradients) are ordered too; a normal float32.
TIE_ABSOLUTE = 1e-30


def floor_tolerant(x: float) -> int:
    """floor(x) that does not fall one short when float error leaves x just below an integer."""
    return int(math.floor(x + 1e-9 * max(1.0, abs(x))))


def initial_mask(weight: torch.Tensor, nnz: int, seed: int, layer_index: int) -> torch.Tensor:
    """A 0/1 float mask of weight's shape with exactly nnz ones at seeded uniformly random positions."""
    size = weight.numel()
    flat = torch.zeros(size, dtype=torch.float32)
    if nnz >= size:
        flat.fill_(1.0)
    elif nnz > 0:
        g = torch.Generator().manual_seed(mix_seed(seed, layer_index, PURPOSE["initial_mask"]))
        flat[torch.randperm(size, generator=g)[:nnz]] = 1.0
    return flat.view(weight.shape).to(weight.device)


def tie_broken(score: torch.Tensor, seed: int, sign: float = 1.0) -> torch.Tensor:
    """sign·(score·(1 + δ·u) + ε·u), u uniform in [0, 1) from seed: a reproducible order among equal scores."""
    u = torch.rand(score.shape, generator=generator(seed, score.device), device=score.device, dtype=torch.float32)
    return sign * (score.float() * (1.0 + TIE_RELATIVE * u) + TIE_ABSOLUTE * u)


def top_k_marks(score: torch.Tensor, k: int) -> torch.Tensor:
    """0/1 marks (flat float) of the k highest entries of a flat score."""
    marks = torch.zeros_like(score, dtype=torch.float32)
    if k > 0:
        marks[torch.topk(score, k, sorted=False).indices] = 1.0
    return marks


def smallest_active(weight: torch.Tensor, mask: torch.Tensor, count: int, seed: int) -> torch.Tensor:
    """Flat 0/1 marks of the `count` active weights of smallest |W|, ties broken by the seeded perturbation."""
    flat_mask = mask.reshape(-1)
    negative = tie_broken(weight.detach().reshape(-1).abs(), seed, -1.0)
    eligible = torch.where(flat_mask > 0, negative, torch.full_like(negative, float("-inf")))
    return top_k_marks(eligible, count)


@dataclass
class DropGrowResult:
    mask: torch.Tensor
    # 1 where W and its momentum keep their values (kept, or dropped and grown back), 0 elsewhere.
    keep: torch.Tensor
    dropped: int
    grown: int
    # Device scalar: kept-or-regrown count, read with the other counts in one transfer.
    kept_total: torch.Tensor


def drop_and_grow(weight: torch.Tensor, mask: torch.Tensor, active: int, fraction: float, grow_score: torch.Tensor, step: int, seed: int, layer_index: int) -> DropGrowResult:
    """One layer's drop-and-grow (RIGL-SPEC §4): k = floor(f·n) smallest |W| out, k highest grow scores in."""
    size = mask.numel()
    count = floor_tolerant(fraction * active)
    if count == 0 or active == size:
        return DropGrowResult(mask.clone(), mask.clone(), 0, 0, torch.tensor(float(active), device=mask.device))
    flat_mask = mask.reshape(-1)
    dropped = smallest_active(weight, mask, count, mix_seed(seed, step, layer_index, PURPOSE["drop_tie_break"]))
    kept = flat_mask - dropped
    # Grow: the k highest scores among everything not kept (just-dropped positions included).
    score = grow_score.reshape(-1).float()
    excluded = torch.where(kept > 0, torch.full_like(score, float("-inf")), score)
    grown = top_k_marks(excluded, count)
    union = kept + grown
    keep = flat_mask * union
    return DropGrowResult(union.view(mask.shape), keep.view(mask.shape), count, count, keep.sum())
